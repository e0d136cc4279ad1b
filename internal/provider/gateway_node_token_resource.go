package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*gatewayNodeTokenResource)(nil)
	_ resource.ResourceWithConfigure   = (*gatewayNodeTokenResource)(nil)
	_ resource.ResourceWithImportState = (*gatewayNodeTokenResource)(nil)
)

// gatewayNodeTokenResource issues the token a control plane's gateway nodes authenticate with.
type gatewayNodeTokenResource struct {
	client *client.Client
}

type gatewayNodeTokenResourceModel struct {
	ID             types.String `tfsdk:"id"`
	ControlPlaneID types.String `tfsdk:"control_plane_id"`
	Name           types.String `tfsdk:"name"`
	Token          types.String `tfsdk:"token"`
	CreatedAt      types.String `tfsdk:"created_at"`
}

func NewGatewayNodeTokenResource() resource.Resource { return &gatewayNodeTokenResource{} }

func (r *gatewayNodeTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_gateway_node_token"
}

func (r *gatewayNodeTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A token for the gateway nodes of a control plane (`terraform-provider-devportal gateway` reads it " +
			"from `DEVPORTAL_TOKEN`). It can read that control plane's node configuration and expected configuration " +
			"hash and report nodes, and nothing else. The server keeps only its hash and shows the secret once, when it " +
			"is created; destroying the resource revokes it at once.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Token ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"control_plane_id": schema.StringAttribute{
				Description:   "ID of the control plane whose nodes use the token. Changing it issues a new token.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Description:   "Name of the token, 1 to 100 characters on one line, such as the place its nodes run. Changing it issues a new token.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 100)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"token": schema.StringAttribute{
				Description: "The token's secret (`dpn_…`), known only to the apply that creates it and kept in state " +
					"afterwards. It is null after `terraform import`, since the server never shows it again: replace " +
					"the resource to get a new one.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Description:   "When the token was issued (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *gatewayNodeTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *gatewayNodeTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan gatewayNodeTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, err := r.client.CreateNodeToken(ctx, plan.ControlPlaneID.ValueString(), client.NodeTokenRequest{Name: plan.Name.ValueString()})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create gateway node token",
			fmt.Sprintf("Node token %q of control plane %s", plan.Name.ValueString(), plan.ControlPlaneID.ValueString()), err)
		return
	}
	plan.fromAPI(tok)
	plan.Token = types.StringValue(tok.Token)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *gatewayNodeTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state gatewayNodeTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tok, err := r.client.GetNodeToken(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "gateway node token not found, removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read gateway node token", state.object(), err)
		return
	}
	state.fromAPI(tok)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

// Update is never called: every input requires replacement.
func (r *gatewayNodeTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Unable to update gateway node token",
		"A node token cannot be changed in place; this is a provider bug, since every change replaces the token.")
}

func (r *gatewayNodeTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state gatewayNodeTokenResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteNodeToken(ctx, state.ControlPlaneID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete gateway node token", state.object(), err)
	}
}

// ImportState takes `<control_plane_id>/<token_id>`; the secret is not imported.
func (r *gatewayNodeTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<control_plane_id>/<token_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("control_plane_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("token"), types.StringNull())...)
}

func (m gatewayNodeTokenResourceModel) object() string {
	return fmt.Sprintf("Node token %s of control plane %s", m.ID.ValueString(), m.ControlPlaneID.ValueString())
}

// fromAPI sets everything but the secret, which only the creation answers.
func (m *gatewayNodeTokenResourceModel) fromAPI(t *client.NodeToken) {
	m.ID = types.StringValue(t.ID)
	m.Name = types.StringValue(t.Name)
	m.CreatedAt = types.StringValue(t.CreatedAt.UTC().Format(time.RFC3339))
}
