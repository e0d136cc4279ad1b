package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*controlPlaneResource)(nil)
	_ resource.ResourceWithConfigure   = (*controlPlaneResource)(nil)
	_ resource.ResourceWithImportState = (*controlPlaneResource)(nil)
)

// controlPlaneResource manages a gateway control plane.
type controlPlaneResource struct {
	client *client.Client
}

// controlPlaneResourceModel is the state of devportal_control_plane.
type controlPlaneResourceModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	Description          types.String `tfsdk:"description"`
	Labels               types.Map    `tfsdk:"labels"`
	ControlPlaneEndpoint types.String `tfsdk:"control_plane_endpoint"`
	TelemetryEndpoint    types.String `tfsdk:"telemetry_endpoint"`
}

// NewControlPlaneResource returns the devportal_control_plane resource.
func NewControlPlaneResource() resource.Resource { return &controlPlaneResource{} }

func (r *controlPlaneResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_control_plane"
}

func (r *controlPlaneResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			Description:   desc,
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		Description: "A self-managed hybrid gateway control plane. It holds gateway services " +
			"(`devportal_gateway_service`), and data-plane nodes register with it. The server refuses to delete " +
			"a control plane while an API is linked to one of its services.",
		Attributes: map[string]schema.Attribute{
			"id": computed("Control plane ID (UUID)."),
			"name": schema.StringAttribute{
				Description: "Name of the control plane (1 to 100 characters), unique within a region. Changing it renames the control plane in place.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 100)},
			},
			"description": schema.StringAttribute{
				Description: "Description (at most 250 characters). Removing it clears the description.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthAtMost(250)},
			},
			"labels": schema.MapAttribute{
				Description: "Labels (key/value metadata for filtering). Keys are 1 to 63 characters and cannot start " +
					"with `kong`, `konnect`, `mesh`, `kic` or `_`. Labels removed from the configuration are removed.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  labelsValidators(),
			},
			"control_plane_endpoint": computed("Address data-plane nodes connect to for their configuration."),
			"telemetry_endpoint":     computed("Address data-plane nodes send telemetry to."),
		},
	}
}

func (r *controlPlaneResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *controlPlaneResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan controlPlaneResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	labels, diags := labelsFromMap(ctx, plan.Labels)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cp, err := r.client.CreateControlPlane(ctx, client.CreateControlPlaneRequest{
		Name:        plan.Name.ValueString(),
		Description: plan.Description.ValueStringPointer(),
		Labels:      labels,
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create control plane", fmt.Sprintf("Control plane %q", plan.Name.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, cp)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *controlPlaneResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state controlPlaneResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cp, err := r.client.GetControlPlane(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read control plane", fmt.Sprintf("Control plane %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, cp)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *controlPlaneResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state controlPlaneResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := controlPlaneUpdateRequest(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cp, err := r.client.UpdateControlPlane(ctx, state.ID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update control plane", fmt.Sprintf("Control plane %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, cp)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *controlPlaneResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state controlPlaneResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.client.DeleteControlPlane(ctx, state.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete control plane", fmt.Sprintf("Control plane %s", state.ID.ValueString()), err)
	}
}

func (r *controlPlaneResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// controlPlaneUpdateRequest maps the difference between state and plan to a PATCH body.
func controlPlaneUpdateRequest(ctx context.Context, state, plan controlPlaneResourceModel) (client.UpdateControlPlaneRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := client.UpdateControlPlaneRequest{}
	if !plan.Name.Equal(state.Name) {
		req.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Description.Equal(state.Description) {
		req.Description = client.FromPointer(plan.Description.ValueStringPointer())
	}
	oldLabels, d := labelsFromMap(ctx, state.Labels)
	diags.Append(d...)
	newLabels, d := labelsFromMap(ctx, plan.Labels)
	diags.Append(d...)
	req.Labels = client.LabelsPatch(oldLabels, newLabels)
	return req, diags
}

// fromAPI refreshes the model from a control plane the server returned.
func (m *controlPlaneResourceModel) fromAPI(ctx context.Context, cp *client.ControlPlane) diag.Diagnostics {
	m.ID = types.StringValue(cp.ID)
	m.Name = types.StringValue(cp.Name)
	m.Description = types.StringPointerValue(cp.Description)
	m.ControlPlaneEndpoint = types.StringValue(cp.Config.ControlPlaneEndpoint)
	m.TelemetryEndpoint = types.StringValue(cp.Config.TelemetryEndpoint)
	var diags diag.Diagnostics
	m.Labels, diags = labelsToMap(ctx, m.Labels, cp.Labels)
	return diags
}
