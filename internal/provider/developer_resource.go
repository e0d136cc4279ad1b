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
	_ resource.Resource                = (*developerResource)(nil)
	_ resource.ResourceWithConfigure   = (*developerResource)(nil)
	_ resource.ResourceWithImportState = (*developerResource)(nil)
)

// developerResource manages a developer account of a portal.
type developerResource struct {
	client *client.Client
}

// developerResourceModel is the state of devportal_developer.
type developerResourceModel struct {
	ID        types.String `tfsdk:"id"`
	PortalID  types.String `tfsdk:"portal_id"`
	Email     types.String `tfsdk:"email"`
	FullName  types.String `tfsdk:"full_name"`
	Status    types.String `tfsdk:"status"`
	CreatedAt types.String `tfsdk:"created_at"`
}

// NewDeveloperResource returns the devportal_developer resource.
func NewDeveloperResource() resource.Resource { return &developerResource{} }

func (r *developerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_developer"
}

func (r *developerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "A developer account of a portal, created by an administrator or, after an import, one that " +
			"signed up through the portal. An account created here counts as verified and has no password: the " +
			"developer chooses one through the portal's forgot-password flow. Destroying it also deletes the " +
			"developer's applications, registrations and API keys. Import with `<portal_id>/<developer_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Developer ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal the developer belongs to. Changing it replaces the developer.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"email": schema.StringAttribute{
				Description: "E-mail address in lower case (as the server stores it), unique within the portal. " +
					"Changing it replaces the developer.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.RegexMatches(emailPattern, "must be an e-mail address in lower case, such as dev@example.com")},
				PlanModifiers: replace,
			},
			"full_name": schema.StringAttribute{
				Description:   "Full name of the developer (1 to 255 characters). Changing it replaces the developer, since the API cannot rename one.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: replace,
			},
			"status": schema.StringAttribute{
				Description: "Approval status: `approved`, `pending`, `rejected` or `revoked`; only approved developers " +
					"can sign in. When not set, a new developer is `pending`, or `approved` when the portal's " +
					"`auto_approve_developers` is on, and later changes made in the portal are accepted; when set, " +
					"the status is enforced and changing it updates the developer in place. Setting anything but " +
					"`approved` ends the developer's sessions.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.OneOf(client.DeveloperStatuses...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Description:   "When the developer was created (RFC 3339).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *developerResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *developerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan developerResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.CreateDeveloperRequest{
		Email:    plan.Email.ValueString(),
		FullName: plan.FullName.ValueString(),
	}
	if known(plan.Status) {
		body.Status = plan.Status.ValueString()
	}
	d, err := r.client.CreateDeveloper(ctx, plan.PortalID.ValueString(), body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create developer",
			fmt.Sprintf("Developer %q of portal %s", plan.Email.ValueString(), plan.PortalID.ValueString()), err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *developerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state developerResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, err := r.client.GetDeveloper(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read developer", state.object(), err)
		return
	}
	state.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *developerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state developerResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Only the status can change in place; everything else replaces the developer.
	if !known(plan.Status) || plan.Status.Equal(state.Status) {
		plan.Status = state.Status
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	d, err := r.client.UpdateDeveloper(ctx, state.PortalID.ValueString(), state.ID.ValueString(),
		client.UpdateDeveloperRequest{Status: plan.Status.ValueString()})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update developer", state.object(), err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *developerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state developerResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteDeveloper(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete developer", state.object(), err)
	}
}

func (r *developerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<developer_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[1])...)
}

func (m *developerResourceModel) object() string {
	return fmt.Sprintf("Developer %s of portal %s", m.ID.ValueString(), m.PortalID.ValueString())
}

// fromAPI refreshes the model from a developer the server returned.
func (m *developerResourceModel) fromAPI(d *client.Developer) {
	m.ID = types.StringValue(d.ID)
	m.Email = types.StringValue(d.Email)
	m.FullName = types.StringValue(d.FullName)
	m.Status = types.StringValue(d.Status)
	m.CreatedAt = types.StringValue(formatTimestamp(d.CreatedAt))
}
