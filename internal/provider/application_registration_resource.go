package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ resource.Resource                = (*applicationRegistrationResource)(nil)
	_ resource.ResourceWithConfigure   = (*applicationRegistrationResource)(nil)
	_ resource.ResourceWithImportState = (*applicationRegistrationResource)(nil)
)

// applicationRegistrationResource manages an application's registration with an API.
type applicationRegistrationResource struct {
	client *client.Client
}

// applicationRegistrationModel is the state of devportal_application_registration.
type applicationRegistrationModel struct {
	ID            types.String `tfsdk:"id"`
	PortalID      types.String `tfsdk:"portal_id"`
	ApplicationID types.String `tfsdk:"application_id"`
	APIID         types.String `tfsdk:"api_id"`
	Status        types.String `tfsdk:"status"`
	APIName       types.String `tfsdk:"api_name"`
	CreatedAt     types.String `tfsdk:"created_at"`
}

// NewApplicationRegistrationResource returns the devportal_application_registration resource.
func NewApplicationRegistrationResource() resource.Resource {
	return &applicationRegistrationResource{}
}

func (r *applicationRegistrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_registration"
}

func (r *applicationRegistrationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Description: "An application's registration with an API published to the application's portal, and the " +
			"administrator's decision on it. Registering needs user authentication on the portal, an API published " +
			"with the same auth strategy as the application's and linked to a gateway service. Only `approved` " +
			"registrations let traffic through. Import with `<portal_id>/<application_id>/<registration_id>`, " +
			"also for registrations that developers made in the portal: with `status` left out, the plan is empty.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Registration ID (UUID).",
				Computed:      true,
				PlanModifiers: keep,
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal of the application. Changing it replaces the registration.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"application_id": schema.StringAttribute{
				Description:   "ID of the application. Changing it replaces the registration.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"api_id": schema.StringAttribute{
				Description:   "ID of the API, published to the portal. Changing it replaces the registration.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"status": schema.StringAttribute{
				Description: "`approved`, `pending`, `rejected` or `revoked`. When not set, the approval rules decide: " +
					"`approved` when the portal's `auto_approve_applications` or the publication's " +
					"`auto_approve_registrations` is on, else `pending`, and decisions made elsewhere are accepted. " +
					"When set, the administrator decides: the registration is created with this status, and changing " +
					"it approves, rejects or revokes the registration in place.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(client.RegistrationStatuses...)},
				PlanModifiers: keep,
			},
			"api_name": schema.StringAttribute{
				// Not kept from the state: renaming the API, in the same run, changes it.
				Description: "Name of the API, as the server reports it after each change of the registration.",
				Computed:    true,
			},
			"created_at": schema.StringAttribute{
				Description:   "When the registration was made (RFC 3339).",
				Computed:      true,
				PlanModifiers: keep,
			},
		},
	}
}

func (r *applicationRegistrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *applicationRegistrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan applicationRegistrationModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.CreateRegistrationRequest{APIID: plan.APIID.ValueString()}
	if known(plan.Status) {
		body.Status = plan.Status.ValueString()
	}
	reg, err := r.client.CreateRegistration(ctx, plan.PortalID.ValueString(), plan.ApplicationID.ValueString(), body)
	if err != nil {
		addAPIErrorHint(&resp.Diagnostics, "Unable to register application",
			fmt.Sprintf("Application %s of portal %s with API %s", plan.ApplicationID.ValueString(),
				plan.PortalID.ValueString(), plan.APIID.ValueString()), err,
			"Applications register only with APIs published to their portal: publish the API with "+
				"devportal_api_publication and refer to it from the registration (or name it in depends_on), "+
				"so that it exists first. Also check the IDs and that the provider's region is theirs.")
		return
	}
	plan.fromAPI(reg)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *applicationRegistrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state applicationRegistrationModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	reg, err := r.client.GetRegistration(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read application registration", state.object(), err)
		return
	}
	state.fromAPI(reg)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *applicationRegistrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state applicationRegistrationModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only the status changes in place; everything else replaces the registration.
	if !known(plan.Status) || plan.Status.Equal(state.Status) {
		plan.Status = state.Status
		resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
		return
	}
	reg, err := r.client.UpdateRegistration(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(),
		state.ID.ValueString(), client.UpdateRegistrationRequest{Status: plan.Status.ValueString()})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update application registration", state.object(), err)
		return
	}
	plan.fromAPI(reg)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *applicationRegistrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state applicationRegistrationModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteRegistration(ctx, state.PortalID.ValueString(), state.ApplicationID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete application registration", state.object(), err)
	}
}

func (r *applicationRegistrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, ok := splitImportID(req.ID, 3)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<application_id>/<registration_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("application_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[2])...)
}

func (m *applicationRegistrationModel) object() string {
	return fmt.Sprintf("Registration %s of application %s (portal %s)", m.ID.ValueString(),
		m.ApplicationID.ValueString(), m.PortalID.ValueString())
}

// fromAPI refreshes the model from a registration the server returned.
func (m *applicationRegistrationModel) fromAPI(reg *client.Registration) {
	m.ID = types.StringValue(reg.ID)
	m.ApplicationID = types.StringValue(reg.Application.ID)
	m.APIID = types.StringValue(reg.API.ID)
	m.Status = types.StringValue(reg.Status)
	m.APIName = types.StringValue(reg.API.Name)
	m.CreatedAt = types.StringValue(formatTimestamp(reg.CreatedAt))
}
