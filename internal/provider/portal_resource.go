package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*portalResource)(nil)
	_ resource.ResourceWithConfigure   = (*portalResource)(nil)
	_ resource.ResourceWithImportState = (*portalResource)(nil)
)

// portalResource manages a developer portal, except its security settings.
type portalResource struct {
	client *client.Client
}

// portalResourceModel is the state of devportal_portal.
type portalResourceModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	DisplayName     types.String `tfsdk:"display_name"`
	Description     types.String `tfsdk:"description"`
	Labels          types.Map    `tfsdk:"labels"`
	ForceDestroy    types.Bool   `tfsdk:"force_destroy"`
	DefaultDomain   types.String `tfsdk:"default_domain"`
	CanonicalDomain types.String `tfsdk:"canonical_domain"`
}

// NewPortalResource returns the devportal_portal resource.
func NewPortalResource() resource.Resource { return &portalResource{} }

func (r *portalResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal"
}

func (r *portalResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A developer portal where outside developers find APIs and register applications. " +
			"The portal's security settings (authentication, RBAC, approvals, default visibility and default " +
			"application auth strategy) are managed by `devportal_portal_security`, never by this resource. " +
			"A new portal starts with authentication on and a key-auth strategy named `<name>-key-auth` that " +
			"the server creates as the portal's default. The server deletes that strategy again when " +
			"`devportal_portal_security` turns authentication off or chooses another default, unless a " +
			"publication, application or other portal uses it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Portal ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "Unique name of the portal within its region (1 to 255 characters). Changing it renames the portal in place.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"display_name": schema.StringAttribute{
				Description: "Name shown to developers (1 to 255 characters). When not set, the server uses `name` at " +
					"creation, and the value is kept afterwards.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"description": schema.StringAttribute{
				Description: "Description of the portal (at most 512 characters). Removing it clears the description.",
				Optional:    true,
				Validators:  []validator.String{stringvalidator.LengthAtMost(512)},
			},
			"labels": schema.MapAttribute{
				Description: "Labels (key/value metadata for filtering; internal, not shown to developers). Keys are " +
					"1 to 63 characters and cannot start with `kong`, `konnect`, `mesh`, `kic` or `_`. Labels removed " +
					"from the configuration are removed from the portal.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  labelsValidators(),
			},
			"force_destroy": schema.BoolAttribute{
				Description: "When true, destroying the portal also deletes everything in it: its API publications " +
					"(and with them the managed plugins they need), its self-service developers, their applications, " +
					"registrations and API keys. When false (the default), the server refuses to delete a portal while " +
					"APIs are published to it or developers or applications exist in it, and the destroy fails with " +
					"the server's count of what is in the way. Sent to the server only on destroy; set it, apply, then " +
					"destroy.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"default_domain": schema.StringAttribute{
				Description:   "Domain the server assigned to the portal.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"canonical_domain": schema.StringAttribute{
				Description:   "Canonical domain of the portal: its custom domain if one is set, else the default domain.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *portalResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *portalResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan portalResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := portalCreateRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.CreatePortal(ctx, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create portal", fmt.Sprintf("Portal %q", plan.Name.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, p)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.GetPortal(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal", fmt.Sprintf("Portal %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, p)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *portalResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state portalResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := portalUpdateRequest(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.UpdatePortal(ctx, state.ID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update portal", fmt.Sprintf("Portal %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, p)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeletePortal(ctx, state.ID.ValueString(), state.ForceDestroy.ValueBool())
	if err != nil && !client.IsNotFound(err) {
		object := fmt.Sprintf("Portal %s", state.ID.ValueString())
		if client.IsConflict(err) {
			object += " (set force_destroy = true and apply before destroying to delete it with everything in it)"
		}
		addAPIError(&resp.Diagnostics, "Unable to delete portal", object, err)
	}
}

func (r *portalResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
}

// portalCreateRequest maps a planned portal to its creation body.
func portalCreateRequest(ctx context.Context, m portalResourceModel) (client.CreatePortalRequest, diag.Diagnostics) {
	labels, diags := labelsFromMap(ctx, m.Labels)
	req := client.CreatePortalRequest{
		Name:        m.Name.ValueString(),
		DisplayName: m.DisplayName.ValueString(),
		Labels:      labels,
	}
	if !m.Description.IsNull() && !m.Description.IsUnknown() {
		req.Description = client.Value(m.Description.ValueString())
	}
	return req, diags
}

// portalUpdateRequest maps the difference between state and plan to a PATCH body.
func portalUpdateRequest(ctx context.Context, state, plan portalResourceModel) (client.UpdatePortalRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := client.UpdatePortalRequest{}
	if !plan.Name.Equal(state.Name) {
		req.Name = plan.Name.ValueStringPointer()
	}
	if !plan.DisplayName.IsUnknown() && !plan.DisplayName.IsNull() && !plan.DisplayName.Equal(state.DisplayName) {
		req.DisplayName = plan.DisplayName.ValueStringPointer()
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

// fromAPI refreshes the model from a portal the server returned.
func (m *portalResourceModel) fromAPI(ctx context.Context, p *client.Portal) diag.Diagnostics {
	m.ID = types.StringValue(p.ID)
	m.Name = types.StringValue(p.Name)
	m.DisplayName = types.StringValue(p.DisplayName)
	m.Description = types.StringPointerValue(p.Description)
	m.DefaultDomain = types.StringValue(p.DefaultDomain)
	m.CanonicalDomain = types.StringValue(p.CanonicalDomain)
	if m.ForceDestroy.IsNull() || m.ForceDestroy.IsUnknown() {
		m.ForceDestroy = types.BoolValue(false)
	}
	var diags diag.Diagnostics
	m.Labels, diags = labelsToMap(ctx, m.Labels, p.Labels)
	return diags
}
