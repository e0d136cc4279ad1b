package provider

import (
	"context"
	"fmt"
	"strings"

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
	Email     emailAddress `tfsdk:"email"`
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
	resp.Schema = schema.Schema{
		Description: "A developer account of a portal, created by an administrator or, after an import, one that " +
			"signed up through the portal. An account created here counts as verified and has no password: the " +
			"developer chooses one through the portal's forgot-password flow. The name, the address and the status " +
			"change in place; destroying the developer, or moving it to another portal, also deletes the " +
			"developer's applications, registrations and API keys. Import with `<portal_id>/<developer_id>` or " +
			"`<portal_id>/<email>`; importing by address keeps the address's case as written.",
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
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				Description: "E-mail address, unique within the portal ignoring case. The server stores it lower-case " +
					"and the state keeps it as written: a change of case alone is no change. Changing the address " +
					"updates the developer in place; the new address counts as verified.",
				Required:   true,
				CustomType: emailAddressType{},
				Validators: []validator.String{stringvalidator.RegexMatches(emailPattern, "must be an e-mail address, such as dev@example.com")},
			},
			"full_name": schema.StringAttribute{
				Description: "Full name of the developer (1 to 255 characters). Changing it renames the developer in place.",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 255)},
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
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
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
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *developerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state developerResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
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
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *developerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state developerResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := client.UpdateDeveloperRequest{}
	if known(plan.Status) && !plan.Status.Equal(state.Status) {
		body.Status = plan.Status.ValueString()
	}
	if !plan.FullName.Equal(state.FullName) {
		body.FullName = plan.FullName.ValueString()
	}
	if !strings.EqualFold(plan.Email.ValueString(), state.Email.ValueString()) {
		body.Email = plan.Email.ValueString()
	}
	d, err := r.client.UpdateDeveloper(ctx, state.PortalID.ValueString(), state.ID.ValueString(), body)
	if err != nil {
		developerWireFields.addAPIError(&resp.Diagnostics, "Unable to update developer", state.object(), err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *developerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state developerResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.DeleteDeveloper(ctx, state.PortalID.ValueString(), state.ID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete developer", state.object(), err)
	}
}

// ImportState takes `<portal_id>/<developer_id>` or `<portal_id>/<email>`. An address is looked up
// ignoring case and kept as written, so that a configuration writing it so plans no change.
func (r *developerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<portal_id>/<developer_id> or <portal_id>/<email>")
		return
	}
	portalID, id := parts[0], parts[1]
	if strings.Contains(id, "@") {
		devs, err := r.client.ListAllDevelopers(ctx, portalID, client.DeveloperListOptions{Email: id})
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to find developer", fmt.Sprintf("Developer %q of portal %s", id, portalID), err)
			return
		}
		var found *client.Developer
		for i := range devs {
			if strings.EqualFold(devs[i].Email, id) {
				found = &devs[i]
			}
		}
		if found == nil {
			resp.Diagnostics.AddError("Developer not found",
				fmt.Sprintf("Portal %s has no developer with e-mail %s. Check the address and the portal ID, and that the "+
					"provider's region is the portal's.", portalID, id))
			return
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("email"), emailAddressValue(id))...)
		id = found.ID
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), portalID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// developerWireFields names the attributes behind the fields of developer requests.
var developerWireFields = wireFields{
	"email":     path.Root("email"),
	"full_name": path.Root("full_name"),
	"status":    path.Root("status"),
}

func (m *developerResourceModel) object() string {
	return fmt.Sprintf("Developer %s of portal %s", m.ID.ValueString(), m.PortalID.ValueString())
}

// fromAPI refreshes the model from a developer the server returned.
func (m *developerResourceModel) fromAPI(d *client.Developer) {
	m.ID = types.StringValue(d.ID)
	m.Email = emailAddressValue(d.Email)
	m.FullName = types.StringValue(d.FullName)
	m.Status = types.StringValue(d.Status)
	m.CreatedAt = types.StringValue(formatTimestamp(d.CreatedAt))
}
