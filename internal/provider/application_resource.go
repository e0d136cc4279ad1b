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
	_ resource.Resource                = (*applicationResource)(nil)
	_ resource.ResourceWithConfigure   = (*applicationResource)(nil)
	_ resource.ResourceWithImportState = (*applicationResource)(nil)
)

// applicationWireFields names the attributes behind the fields of application requests.
var applicationWireFields = wireFields{
	"name":             path.Root("name"),
	"owner":            path.Root("developer_id"),
	"owner.id":         path.Root("developer_id"),
	"auth_strategy_id": path.Root("auth_strategy_id"),
	"auth_strategy":    path.Root("auth_strategy_id"),
	"auth_strategy.id": path.Root("auth_strategy_id"),
	"labels":           path.Root("labels"),
}

// applicationResource manages an application of a portal, owned by a developer.
type applicationResource struct {
	client *client.Client
}

// applicationResourceModel is the state of devportal_application.
type applicationResourceModel struct {
	ID             types.String `tfsdk:"id"`
	PortalID       types.String `tfsdk:"portal_id"`
	Name           types.String `tfsdk:"name"`
	DeveloperID    types.String `tfsdk:"developer_id"`
	AuthStrategyID types.String `tfsdk:"auth_strategy_id"`
	ClientID       types.String `tfsdk:"client_id"`
	Labels         types.Map    `tfsdk:"labels"`
	Description    types.String `tfsdk:"description"`
	CreatedAt      types.String `tfsdk:"created_at"`
}

// NewApplicationResource returns the devportal_application resource.
func NewApplicationResource() resource.Resource { return &applicationResource{} }

func (r *applicationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application"
}

func (r *applicationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := stringplanmodifier.UseStateForUnknown
	resp.Schema = schema.Schema{
		Description: "An application of a portal, owned by a developer, which registers with APIs and holds API " +
			"keys. Only portals with user authentication have applications. Destroying it also deletes its " +
			"registrations and keys. Import with `<portal_id>/<application_id>`, also for applications that " +
			"developers created in the portal.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Application ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{keep()},
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal. Changing it replaces the application.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Description: "Name of the application (1 to 255 characters). Changing it renames the application in place.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"developer_id": schema.StringAttribute{
				Description: "ID of the developer who owns the application; a developer of the same portal. Changing " +
					"it hands the application, with its registrations and keys, to another developer in place.",
				Required:   true,
				Validators: []validator.String{uuidValidator{}},
			},
			"auth_strategy_id": schema.StringAttribute{
				Description: "ID of the application auth strategy the application's credentials follow. The application " +
					"can register only with APIs published with this strategy. When not set, the portal's default " +
					"application auth strategy at creation. Changing it replaces the application.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{keep(), stringplanmodifier.RequiresReplace()},
			},
			"client_id": schema.StringAttribute{
				Description: "Identifier of the application at the identity provider of an OpenID Connect strategy: " +
					"gateways accept the tokens whose credential claim (for example `client_id`) holds it. Unique in " +
					"the region (1 to 255 characters). When not set, the server generates one. Applications of a " +
					"key-auth strategy do not use it. Changing it replaces the application.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{keep(), stringplanmodifier.RequiresReplace()},
			},
			"labels": schema.MapAttribute{
				Description: "Labels (key/value metadata, not shown to developers). Keys are 1 to 63 characters and " +
					"cannot start with `kong`, `konnect`, `mesh`, `kic` or `_`. Labels removed from the configuration " +
					"are removed from the application.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  labelsValidators(),
			},
			"description": schema.StringAttribute{
				Description:   "Description, which only the owning developer can set, in the portal.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{keep()},
			},
			"created_at": schema.StringAttribute{
				Description:   "When the application was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{keep()},
			},
		},
	}
}

func (r *applicationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *applicationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan applicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	labels, diags := labelsFromMap(ctx, plan.Labels)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.CreateApplicationRequest{
		Name:   plan.Name.ValueString(),
		Owner:  client.DeveloperOwner(plan.DeveloperID.ValueString()),
		Labels: labels,
	}
	if known(plan.AuthStrategyID) {
		body.AuthStrategyID = plan.AuthStrategyID.ValueString()
	}
	if known(plan.ClientID) {
		body.ClientID = plan.ClientID.ValueString()
	}
	a, err := r.client.CreateApplication(ctx, plan.PortalID.ValueString(), body)
	if err != nil {
		applicationWireFields.addAPIError(&resp.Diagnostics, "Unable to create application",
			fmt.Sprintf("Application %q of portal %s", plan.Name.ValueString(), plan.PortalID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *applicationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state applicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.client.GetApplication(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read application", state.object(), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *applicationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state applicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := applicationUpdateRequest(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := r.client.UpdateApplication(ctx, state.PortalID.ValueString(), state.ID.ValueString(), body)
	if err != nil {
		applicationWireFields.addAPIError(&resp.Diagnostics, "Unable to update application", state.object(), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, a)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *applicationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state applicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteApplication(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete application", state.object(), err)
	}
}

func (r *applicationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<application_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[1])...)
}

func (m *applicationResourceModel) object() string {
	return fmt.Sprintf("Application %s of portal %s", m.ID.ValueString(), m.PortalID.ValueString())
}

// applicationUpdateRequest maps the difference between state and plan to a PATCH body.
func applicationUpdateRequest(ctx context.Context, state, plan applicationResourceModel) (client.UpdateApplicationRequest, diag.Diagnostics) {
	var diags diag.Diagnostics
	req := client.UpdateApplicationRequest{}
	if !plan.Name.Equal(state.Name) {
		req.Name = plan.Name.ValueStringPointer()
	}
	if !plan.DeveloperID.Equal(state.DeveloperID) {
		req.Owner = client.DeveloperOwner(plan.DeveloperID.ValueString())
	}
	oldLabels, d := labelsFromMap(ctx, state.Labels)
	diags.Append(d...)
	newLabels, d := labelsFromMap(ctx, plan.Labels)
	diags.Append(d...)
	req.Labels = client.LabelsPatch(oldLabels, newLabels)
	return req, diags
}

// fromAPI refreshes the model from an application the server returned.
func (m *applicationResourceModel) fromAPI(ctx context.Context, a *client.Application) diag.Diagnostics {
	m.ID = types.StringValue(a.ID)
	if a.Portal.ID != "" {
		m.PortalID = types.StringValue(a.Portal.ID)
	}
	m.Name = types.StringValue(a.Name)
	m.DeveloperID = types.StringValue(a.Owner.ID)
	m.AuthStrategyID = types.StringValue(a.AuthStrategy.ID)
	switch {
	case a.ClientID != nil:
		m.ClientID = types.StringPointerValue(a.ClientID)
	case !known(m.ClientID):
		// Key-auth applications do not show their client id; one given in the configuration
		// cannot change, so it stays as configured.
		m.ClientID = types.StringNull()
	}
	m.Description = types.StringPointerValue(a.Description)
	m.CreatedAt = types.StringValue(formatTimestamp(a.CreatedAt))
	var diags diag.Diagnostics
	m.Labels, diags = labelsToMap(ctx, m.Labels, a.Labels)
	return diags
}
