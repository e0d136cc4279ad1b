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
	_ resource.Resource                   = (*apiPublicationResource)(nil)
	_ resource.ResourceWithConfigure      = (*apiPublicationResource)(nil)
	_ resource.ResourceWithImportState    = (*apiPublicationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*apiPublicationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*apiPublicationResource)(nil)
)

// apiPublicationResource publishes an API to a portal.
type apiPublicationResource struct {
	client *client.Client
}

// apiPublicationResourceModel is the state of devportal_api_publication.
type apiPublicationResourceModel struct {
	ID                       types.String `tfsdk:"id"`
	APIID                    types.String `tfsdk:"api_id"`
	PortalID                 types.String `tfsdk:"portal_id"`
	AuthStrategyID           types.String `tfsdk:"auth_strategy_id"`
	DisableApplicationAuth   types.Bool   `tfsdk:"disable_application_auth"`
	Visibility               types.String `tfsdk:"visibility"`
	AutoApproveRegistrations types.Bool   `tfsdk:"auto_approve_registrations"`
}

// NewAPIPublicationResource returns the devportal_api_publication resource.
func NewAPIPublicationResource() resource.Resource { return &apiPublicationResource{} }

func (r *apiPublicationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_publication"
}

func (r *apiPublicationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		Description: "Publishes an API to a portal, with the application auth strategy developers' applications " +
			"use for it there. The strategy is one of three choices: leave `auth_strategy_id` and " +
			"`disable_application_auth` out to take the portal's default strategy at publish time (later changes " +
			"of the portal default do not reach the publication); set `auth_strategy_id` to use that strategy; or " +
			"set `disable_application_auth = true` to publish without application auth. While the API is linked " +
			"to a gateway service (`devportal_api_service_link`), the server keeps a managed " +
			"`konnect-application-auth` plugin on that service covering the strategies of all the API's publications.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Publication ID: `<api_id>/<portal_id>`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"api_id": schema.StringAttribute{
				Description:   "ID of the API to publish. Changing it creates a new publication.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal to publish to. Changing it creates a new publication.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: replace,
			},
			"auth_strategy_id": schema.StringAttribute{
				Description: "ID of the application auth strategy developers use for this API on the portal. When " +
					"not set, the publication takes the portal's default strategy at creation and keeps the strategy " +
					"it has afterwards; the state shows which. Conflicts with `disable_application_auth = true`; null " +
					"in state when the API is published without application auth. Changing the strategy (or disabling " +
					"application auth) suspends the registrations of applications that use the old one: they stop " +
					"granting access when the change is applied, and grant it again if the strategy comes back. The " +
					"plan warns with their number, read from the server.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{uuidValidator{}},
			},
			"disable_application_auth": schema.BoolAttribute{
				Description: "When true, the API is published without application auth: no strategy, and no plugin " +
					"on the linked service. Conflicts with `auth_strategy_id`. When not set, the value follows the " +
					"publication (true when it was created without a strategy, for example on a portal without a " +
					"default strategy). Setting it to false without `auth_strategy_id` publishes with the portal's " +
					"default strategy.",
				Optional: true,
				Computed: true,
			},
			"visibility": schema.StringAttribute{
				Description: "Who sees the API in the portal: `public` (everyone) or `private` (signed-in developers). " +
					"When not set, the publication takes the portal's `default_api_visibility` at creation and keeps " +
					"it afterwards.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.VisibilityPublic, client.VisibilityPrivate)},
			},
			"auto_approve_registrations": schema.BoolAttribute{
				Description: "When true, application registrations for this API are approved without an " +
					"administrator, whatever the portal's setting. Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *apiPublicationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *apiPublicationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg apiPublicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.AuthStrategyID.IsNull() && cfg.DisableApplicationAuth.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("disable_application_auth"), "Conflicting application auth settings",
			"disable_application_auth = true publishes without application auth, so auth_strategy_id cannot be set "+
				"as well. Remove one of the two.")
	}
}

// ModifyPlan resolves the tri-state of the auth strategy and the values the
// server chooses, so that leaving an argument out never shows a difference.
func (r *apiPublicationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var cfg, plan apiPublicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	var state *apiPublicationResourceModel
	if !req.State.Raw.IsNull() {
		state = &apiPublicationResourceModel{}
		resp.Diagnostics.Append(getModel(ctx, req.State, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	planPublication(cfg, &plan, state)
	resp.Diagnostics.Append(setModel(ctx, &resp.Plan, &plan)...)
	if state != nil {
		r.warnSuspendedRegistrations(ctx, *state, plan, &resp.Diagnostics)
	}
}

// warnSuspendedRegistrations warns, when the plan changes the strategy of a publication, how
// many registrations of applications using the current strategy it suspends: the server stops
// them granting access at once (their keys leave the gateway data) until the strategy comes back.
// The count comes from the server at plan time; when it cannot be read the plan says so and goes on.
func (r *apiPublicationResource) warnSuspendedRegistrations(ctx context.Context, state, plan apiPublicationResourceModel, diags *diag.Diagnostics) {
	old := state.AuthStrategyID
	if r.client == nil || !known(old) || !plan.APIID.Equal(state.APIID) || !plan.PortalID.Equal(state.PortalID) ||
		plan.AuthStrategyID.Equal(old) {
		return
	}
	apiID, portalID := state.APIID.ValueString(), state.PortalID.ValueString()
	page, err := r.client.ListPortalRegistrations(ctx, portalID, client.RegistrationListOptions{
		ListOptions: client.ListOptions{PageSize: 1}, APIID: apiID, ApplicationAuthStrategyID: old.ValueString(),
	})
	if err != nil {
		diags.AddAttributeWarning(path.Root("auth_strategy_id"), "Unable to count the registrations this change suspends",
			fmt.Sprintf("%s: changing its strategy suspends the registrations of applications using strategy %s, "+
				"but the server did not say how many: %v", state.object(), old.ValueString(), err))
		return
	}
	n := page.Meta.Page.Total
	if n == 0 {
		return
	}
	apiName := apiID
	if len(page.Data) > 0 {
		apiName = fmt.Sprintf("%q (%s)", page.Data[0].API.Name, apiID)
	}
	portalName := portalID
	if p, err := r.client.GetPortal(ctx, portalID); err == nil {
		portalName = fmt.Sprintf("%q (%s)", p.Name, portalID)
	}
	diags.AddAttributeWarning(path.Root("auth_strategy_id"), "Registrations will lose access",
		suspendedRegistrationsWarning(apiName, portalName, old.ValueString(), plan, n))
}

// suspendedRegistrationsWarning explains what changing a publication's strategy from old does to
// the n registrations made under it.
func suspendedRegistrationsWarning(apiName, portalName, old string, plan apiPublicationResourceModel, n int) string {
	to := "a strategy known after apply"
	switch {
	case plan.DisableApplicationAuth.ValueBool() || plan.AuthStrategyID.IsNull():
		to = "no application auth"
	case known(plan.AuthStrategyID):
		to = "strategy " + plan.AuthStrategyID.ValueString()
	}
	what := fmt.Sprintf("%d application registrations", n)
	if n == 1 {
		what = "1 application registration"
	}
	return fmt.Sprintf("Changing the publication of API %s to portal %s from strategy %s to %s suspends %s of "+
		"applications that use strategy %s. They stop granting access as soon as this is applied: their API keys "+
		"leave the gateway data, and the registrations show suspended_reason. They keep their status and grant "+
		"access again if the publication goes back to strategy %s; otherwise developers need applications that "+
		"use the new strategy.", apiName, portalName, old, to, what, old, old)
}

// planPublication fills the computed parts of a publication's plan from the
// configuration and, unless a new publication is planned, the prior state.
func planPublication(cfg apiPublicationResourceModel, plan *apiPublicationResourceModel, state *apiPublicationResourceModel) {
	if state != nil && (!plan.APIID.Equal(state.APIID) || !plan.PortalID.Equal(state.PortalID)) {
		state = nil // replaced: nothing carries over
	}
	if state == nil {
		plan.ID = types.StringUnknown()
		if known(plan.APIID) && known(plan.PortalID) {
			plan.ID = types.StringValue(publicationID(plan.APIID.ValueString(), plan.PortalID.ValueString()))
		}
	} else {
		plan.ID = state.ID
	}

	switch {
	case !cfg.DisableApplicationAuth.IsNull():
		plan.DisableApplicationAuth = cfg.DisableApplicationAuth
	case !cfg.AuthStrategyID.IsNull():
		plan.DisableApplicationAuth = types.BoolValue(false)
	case state == nil:
		plan.DisableApplicationAuth = types.BoolUnknown()
	default:
		plan.DisableApplicationAuth = state.DisableApplicationAuth
	}

	switch {
	case !cfg.AuthStrategyID.IsNull():
		plan.AuthStrategyID = cfg.AuthStrategyID
	case plan.DisableApplicationAuth.ValueBool():
		plan.AuthStrategyID = types.StringNull()
	case state == nil || plan.DisableApplicationAuth.IsUnknown():
		plan.AuthStrategyID = types.StringUnknown()
	case state.DisableApplicationAuth.ValueBool():
		// Auth goes from disabled to enabled: the portal's default applies.
		plan.AuthStrategyID = types.StringUnknown()
	default:
		plan.AuthStrategyID = state.AuthStrategyID
	}

	switch {
	case !cfg.Visibility.IsNull():
		plan.Visibility = cfg.Visibility
	case state == nil:
		plan.Visibility = types.StringUnknown()
	default:
		plan.Visibility = state.Visibility
	}
}

func (r *apiPublicationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiPublicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.publish(ctx, plan, &resp.State, &resp.Diagnostics, "Unable to publish API")
}

func (r *apiPublicationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiPublicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.GetPublication(ctx, state.APIID.ValueString(), state.PortalID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read API publication", state.object(), err)
		return
	}
	state.fromAPI(p)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *apiPublicationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan apiPublicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.publish(ctx, plan, &resp.State, &resp.Diagnostics, "Unable to update API publication")
}

func (r *apiPublicationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiPublicationResourceModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.client.UnpublishAPI(ctx, state.APIID.ValueString(), state.PortalID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to unpublish API", state.object(), err)
	}
}

func (r *apiPublicationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ids, ok := splitImportID(req.ID, 2)
	if !ok {
		addImportIDError(&resp.Diagnostics, req.ID, "<api_id>/<portal_id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_id"), ids[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), ids[1])...)
}

// publicationWireFields names the attributes behind the fields of publication requests,
// whose list of strategies holds the one auth_strategy_id.
var publicationWireFields = wireFields{
	"auth_strategy_ids":          path.Root("auth_strategy_id"),
	"auth_strategy_ids[0]":       path.Root("auth_strategy_id"),
	"visibility":                 path.Root("visibility"),
	"auto_approve_registrations": path.Root("auto_approve_registrations"),
}

// publish creates or replaces the publication the plan describes and stores the result.
func (r *apiPublicationResource) publish(ctx context.Context, plan apiPublicationResourceModel, state stateSetter, diags *diag.Diagnostics, summary string) {
	p, err := r.client.PublishAPI(ctx, plan.APIID.ValueString(), plan.PortalID.ValueString(), publishRequest(plan))
	if err != nil {
		publicationWireFields.addAPIError(diags, summary, plan.object(), err)
		return
	}
	wantAuth := plan.DisableApplicationAuth.IsNull() || plan.DisableApplicationAuth.IsUnknown() || !plan.DisableApplicationAuth.ValueBool()
	wantedDefault := !plan.DisableApplicationAuth.IsUnknown() && !known(plan.AuthStrategyID)
	plan.fromAPI(p)
	diags.Append(state.Set(ctx, &plan)...)
	if wantAuth && wantedDefault && p.AuthStrategyIDs == nil {
		diags.AddAttributeError(path.Root("auth_strategy_id"), "Portal has no default application auth strategy",
			fmt.Sprintf("%s was published without application auth because the portal has no default strategy. "+
				"Set auth_strategy_id, set disable_application_auth = true, or give the portal a default strategy "+
				"(devportal_portal_security).", plan.object()))
	}
}

// stateSetter is the part of tfsdk.State that publish needs.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// publishRequest maps a planned publication to its PUT body. An unknown
// strategy is left out, which takes the portal's default.
func publishRequest(m apiPublicationResourceModel) client.PublishRequest {
	req := client.PublishRequest{AutoApproveRegistrations: m.AutoApproveRegistrations.ValueBoolPointer()}
	switch {
	case m.DisableApplicationAuth.ValueBool():
		req.AuthStrategyIDs = client.Null[[]string]()
	case known(m.AuthStrategyID):
		req.AuthStrategyIDs = client.Value([]string{m.AuthStrategyID.ValueString()})
	}
	if known(m.Visibility) {
		req.Visibility = m.Visibility.ValueString()
	}
	return req
}

func publicationID(apiID, portalID string) string { return apiID + "/" + portalID }

func (m apiPublicationResourceModel) object() string {
	return fmt.Sprintf("Publication of API %s to portal %s", m.APIID.ValueString(), m.PortalID.ValueString())
}

// fromAPI refreshes the model from a publication the server returned.
func (m *apiPublicationResourceModel) fromAPI(p *client.Publication) {
	m.ID = types.StringValue(publicationID(p.APIID, p.PortalID))
	m.APIID = types.StringValue(p.APIID)
	m.PortalID = types.StringValue(p.PortalID)
	m.AuthStrategyID = types.StringNull()
	if len(p.AuthStrategyIDs) > 0 {
		m.AuthStrategyID = types.StringValue(p.AuthStrategyIDs[0])
	}
	m.DisableApplicationAuth = types.BoolValue(p.AuthStrategyIDs == nil)
	m.Visibility = types.StringValue(p.Visibility)
	m.AutoApproveRegistrations = types.BoolValue(p.AutoApproveRegistrations)
}
