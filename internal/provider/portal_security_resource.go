package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                   = (*portalSecurityResource)(nil)
	_ resource.ResourceWithConfigure      = (*portalSecurityResource)(nil)
	_ resource.ResourceWithImportState    = (*portalSecurityResource)(nil)
	_ resource.ResourceWithValidateConfig = (*portalSecurityResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*portalSecurityResource)(nil)
)

// privateOriginalStrategy is the private state key holding the portal's
// default application auth strategy from before this resource managed it.
const privateOriginalStrategy = "original_default_application_auth_strategy"

// portalSecurityResource manages the security settings of one portal.
type portalSecurityResource struct {
	client *client.Client
}

// portalSecurityModel is the state of devportal_portal_security.
type portalSecurityModel struct {
	ID                               types.String `tfsdk:"id"`
	PortalID                         types.String `tfsdk:"portal_id"`
	AuthenticationEnabled            types.Bool   `tfsdk:"authentication_enabled"`
	RBACEnabled                      types.Bool   `tfsdk:"rbac_enabled"`
	AutoApproveDevelopers            types.Bool   `tfsdk:"auto_approve_developers"`
	AutoApproveApplications          types.Bool   `tfsdk:"auto_approve_applications"`
	DefaultAPIVisibility             types.String `tfsdk:"default_api_visibility"`
	DefaultPageVisibility            types.String `tfsdk:"default_page_visibility"`
	DefaultApplicationAuthStrategyID types.String `tfsdk:"default_application_auth_strategy_id"`
	BasicAuthEnabled                 types.Bool   `tfsdk:"basic_auth_enabled"`
}

// NewPortalSecurityResource returns the devportal_portal_security resource.
func NewPortalSecurityResource() resource.Resource { return &portalSecurityResource{} }

func (r *portalSecurityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_portal_security"
}

func (r *portalSecurityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := func() []planmodifier.Bool { return []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()} }
	visibility := func(what string) schema.StringAttribute {
		return schema.StringAttribute{
			Description: fmt.Sprintf("Visibility given to %s from now on: `public` (seen by anonymous visitors) or "+
				"`private`; existing ones keep theirs. When not set, the current value is kept and reported (a new "+
				"portal starts with `private`).", what),
			Optional:      true,
			Computed:      true,
			Validators:    []validator.String{stringvalidator.OneOf(client.VisibilityPublic, client.VisibilityPrivate)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		Description: "The security settings of a developer portal (Settings > Security): developer authentication, " +
			"RBAC, approvals, default visibility and default application auth strategy. Use one per portal. " +
			"Arguments left out are not changed and report the portal's current value. Destroying this resource " +
			"puts the defaults back: authentication on, RBAC off, developer and application approvals required " +
			"(auto-approve off), API and page visibility `private`, basic auth on, and the default application " +
			"auth strategy the portal had before this resource was created. When that strategy no longer exists, " +
			"the portal is left with no default strategy. After an import there is no recorded original, and " +
			"destroying leaves the portal with no default strategy, so that the strategy it used can be destroyed " +
			"in the same run.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Same as `portal_id`.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"portal_id": schema.StringAttribute{
				Description:   "ID of the portal. Changing it replaces the resource.",
				Required:      true,
				Validators:    []validator.String{uuidValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"authentication_enabled": schema.BoolAttribute{
				Description: "Whether developers sign in. Without it, developers cannot sign up or create " +
					"applications, and RBAC is unavailable. When not set, the current value is kept (a new portal starts with `true`).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep(),
			},
			"rbac_enabled": schema.BoolAttribute{
				Description: "Whether developers see and register for APIs only through the teams they belong to. " +
					"Needs `authentication_enabled`; conflicts with `authentication_enabled = false`. When not set, " +
					"the current value is kept (a new portal starts with `false`).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep(),
			},
			"auto_approve_developers": schema.BoolAttribute{
				Description: "Whether developer sign-ups are approved without an administrator. When not set, the " +
					"current value is kept (a new portal starts with `false`: an administrator approves).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep(),
			},
			"auto_approve_applications": schema.BoolAttribute{
				Description: "Whether application registrations for APIs are approved without an administrator. " +
					"When not set, the current value is kept (a new portal starts with `false`: an administrator approves).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep(),
			},
			"default_api_visibility":  visibility("APIs published to the portal"),
			"default_page_visibility": visibility("pages created in the portal"),
			"default_application_auth_strategy_id": schema.StringAttribute{
				Description: "ID of the application auth strategy that API publications use when they name none. " +
					"Set it to `\"\"` (empty string) for no default strategy: publications then use no application " +
					"auth unless they name one. When not set, the current value is kept and reported, such as the " +
					"key-auth strategy the server creates with a portal; `\"\"` is reported when there is none. " +
					"Setting another strategy, or turning authentication off while this is not set, makes the server " +
					"delete the key-auth strategy it created with the portal unless a publication, application or " +
					"other portal uses it (with authentication off the default then becomes `\"\"`). " +
					"Applies to publications made after the change, never retroactively.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{uuidValidator{allowEmpty: true}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"basic_auth_enabled": schema.BoolAttribute{
				Description: "Whether developers may sign in with e-mail and password (the portal's authentication " +
					"settings). When not set, the current value is kept (a new portal starts with `true`).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: keep(),
			},
		},
	}
}

func (r *portalSecurityResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg portalSecurityModel
	resp.Diagnostics.Append(getModel(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validatePortalSecurity(cfg)...)
}

// ModifyPlan applies the RBAC rule to the planned values, which include the
// portal's current authentication setting when the configuration leaves it out,
// so that the server's refusal shows at plan time rather than at apply. When
// authentication is turned off and the configuration leaves the default strategy
// out, the default is left to the server, which deletes the key-auth strategy it
// created with the portal once nothing uses it.
func (r *portalSecurityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state portalSecurityModel
	var configuredDefault types.String
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("default_application_auth_strategy_id"), &configuredDefault)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if configuredDefault.IsNull() && known(plan.AuthenticationEnabled) && !plan.AuthenticationEnabled.ValueBool() &&
		state.AuthenticationEnabled.ValueBool() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("default_application_auth_strategy_id"), types.StringUnknown())...)
	}
	if known(plan.RBACEnabled) && plan.RBACEnabled.ValueBool() && known(plan.AuthenticationEnabled) && !plan.AuthenticationEnabled.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("rbac_enabled"), "RBAC needs authentication",
			fmt.Sprintf("rbac_enabled = true requires developer authentication, which is off on portal %s: set "+
				"authentication_enabled = true as well, or set rbac_enabled = false.", plan.PortalID.ValueString()))
	}
}

func (r *portalSecurityResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *portalSecurityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan portalSecurityModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.PortalID.ValueString()
	object := fmt.Sprintf("Portal %s", id)

	before, err := r.client.GetPortal(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal", object, err)
		return
	}
	original, err := json.Marshal(originalStrategy{ID: before.DefaultApplicationAuthStrategyID})
	if err != nil {
		resp.Diagnostics.AddError("Unable to record the portal's default strategy", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateOriginalStrategy, original)...)

	resp.Diagnostics.Append(r.apply(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.read(ctx, &plan)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalSecurityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state portalSecurityModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.client.GetPortal(ctx, state.PortalID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal security", fmt.Sprintf("Portal %s", state.PortalID.ValueString()), err)
		return
	}
	s, err := r.client.GetPortalAuthenticationSettings(ctx, state.PortalID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read portal authentication settings", fmt.Sprintf("Portal %s", state.PortalID.ValueString()), err)
		return
	}
	state.fromAPI(p, s)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *portalSecurityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan portalSecurityModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.read(ctx, &plan)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *portalSecurityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state portalSecurityModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.PortalID.ValueString()
	object := fmt.Sprintf("Portal %s", id)

	raw, diags := req.Private.GetKey(ctx, privateOriginalStrategy)
	resp.Diagnostics.Append(diags...)
	var original *originalStrategy
	if len(raw) > 0 {
		original = &originalStrategy{}
		if err := json.Unmarshal(raw, original); err != nil {
			original = nil
		}
	}

	current, err := r.client.GetPortal(ctx, id)
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to reset portal security", object, err)
		return
	}
	body := portalSecurityDefaults(current, original)
	if _, err := r.client.UpdatePortal(ctx, id, body); err != nil && !client.IsNotFound(err) {
		if !body.DefaultApplicationAuthStrategyID.IsZero() && client.IsBadRequest(err) {
			// The original strategy may be gone; reset the rest and leave no default.
			body.DefaultApplicationAuthStrategyID = client.Null[string]()
			_, err = r.client.UpdatePortal(ctx, id, body)
		}
		if err != nil && !client.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, "Unable to reset portal security", object, err)
			return
		}
	}
	on := true
	_, err = r.client.UpdatePortalAuthenticationSettings(ctx, id, client.UpdatePortalAuthenticationSettingsRequest{BasicAuthEnabled: &on})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to reset portal authentication settings", object, err)
	}
}

func (r *portalSecurityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("portal_id"), req.ID)...)
}

// apply sends the configured settings of m to the portal.
func (r *portalSecurityResource) apply(ctx context.Context, m portalSecurityModel) diag.Diagnostics {
	var diags diag.Diagnostics
	id := m.PortalID.ValueString()
	object := fmt.Sprintf("Portal %s", id)
	if body := portalSecurityUpdateRequest(m); !reflect.ValueOf(body).IsZero() {
		if _, err := r.client.UpdatePortal(ctx, id, body); err != nil {
			addAPIError(&diags, "Unable to update portal security", object, err)
			return diags
		}
	}
	if known(m.BasicAuthEnabled) {
		body := client.UpdatePortalAuthenticationSettingsRequest{BasicAuthEnabled: m.BasicAuthEnabled.ValueBoolPointer()}
		if _, err := r.client.UpdatePortalAuthenticationSettings(ctx, id, body); err != nil {
			addAPIError(&diags, "Unable to update portal authentication settings", object, err)
		}
	}
	return diags
}

// read refreshes m from the portal and its authentication settings.
func (r *portalSecurityResource) read(ctx context.Context, m *portalSecurityModel) diag.Diagnostics {
	var diags diag.Diagnostics
	id := m.PortalID.ValueString()
	object := fmt.Sprintf("Portal %s", id)
	p, err := r.client.GetPortal(ctx, id)
	if err != nil {
		addAPIError(&diags, "Unable to read portal security", object, err)
		return diags
	}
	s, err := r.client.GetPortalAuthenticationSettings(ctx, id)
	if err != nil {
		addAPIError(&diags, "Unable to read portal authentication settings", object, err)
		return diags
	}
	m.fromAPI(p, s)
	return diags
}

// originalStrategy is the private state record of the default strategy a
// portal had before devportal_portal_security changed it.
type originalStrategy struct {
	ID *string `json:"id"`
}

// validatePortalSecurity checks the rules the configuration alone can decide.
func validatePortalSecurity(m portalSecurityModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if known(m.RBACEnabled) && m.RBACEnabled.ValueBool() && known(m.AuthenticationEnabled) && !m.AuthenticationEnabled.ValueBool() {
		diags.AddAttributeError(path.Root("rbac_enabled"), "RBAC needs authentication",
			"rbac_enabled = true requires developer authentication: set authentication_enabled = true (or leave it out), or set rbac_enabled = false.")
	}
	return diags
}

// portalSecurityUpdateRequest maps the configured (known) settings to a PATCH body.
func portalSecurityUpdateRequest(m portalSecurityModel) client.UpdatePortalRequest {
	var req client.UpdatePortalRequest
	if known(m.AuthenticationEnabled) {
		req.AuthenticationEnabled = m.AuthenticationEnabled.ValueBoolPointer()
	}
	if known(m.RBACEnabled) {
		req.RBACEnabled = m.RBACEnabled.ValueBoolPointer()
	}
	if known(m.AutoApproveDevelopers) {
		req.AutoApproveDevelopers = m.AutoApproveDevelopers.ValueBoolPointer()
	}
	if known(m.AutoApproveApplications) {
		req.AutoApproveApplications = m.AutoApproveApplications.ValueBoolPointer()
	}
	if known(m.DefaultAPIVisibility) {
		req.DefaultAPIVisibility = m.DefaultAPIVisibility.ValueStringPointer()
	}
	if known(m.DefaultPageVisibility) {
		req.DefaultPageVisibility = m.DefaultPageVisibility.ValueStringPointer()
	}
	if known(m.DefaultApplicationAuthStrategyID) {
		if id := m.DefaultApplicationAuthStrategyID.ValueString(); id == "" {
			req.DefaultApplicationAuthStrategyID = client.Null[string]()
		} else {
			req.DefaultApplicationAuthStrategyID = client.Value(id)
		}
	}
	return req
}

// portalSecurityDefaults is the PATCH that puts a portal's security back to
// the documented defaults, and its default strategy back to original when
// that is known and differs from the current one. Without a recorded original
// (after an import) the portal is left with no default strategy: the strategy
// it uses may be destroyed in the same run, which the server refuses while a
// portal default names it.
func portalSecurityDefaults(current *client.Portal, original *originalStrategy) client.UpdatePortalRequest {
	on, off, private := true, false, client.VisibilityPrivate
	req := client.UpdatePortalRequest{
		AuthenticationEnabled:   &on,
		RBACEnabled:             &off,
		AutoApproveDevelopers:   &off,
		AutoApproveApplications: &off,
		DefaultAPIVisibility:    &private,
		DefaultPageVisibility:   &private,
	}
	switch {
	case original != nil && !sameID(original.ID, current.DefaultApplicationAuthStrategyID):
		req.DefaultApplicationAuthStrategyID = client.FromPointer(original.ID)
	case original == nil && current.DefaultApplicationAuthStrategyID != nil:
		req.DefaultApplicationAuthStrategyID = client.Null[string]()
	}
	return req
}

func sameID(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// fromAPI refreshes the model from a portal and its authentication settings.
func (m *portalSecurityModel) fromAPI(p *client.Portal, s *client.PortalAuthenticationSettings) {
	m.ID = types.StringValue(p.ID)
	m.PortalID = types.StringValue(p.ID)
	m.AuthenticationEnabled = types.BoolValue(p.AuthenticationEnabled)
	m.RBACEnabled = types.BoolValue(p.RBACEnabled)
	m.AutoApproveDevelopers = types.BoolValue(p.AutoApproveDevelopers)
	m.AutoApproveApplications = types.BoolValue(p.AutoApproveApplications)
	m.DefaultAPIVisibility = types.StringValue(p.DefaultAPIVisibility)
	m.DefaultPageVisibility = types.StringValue(p.DefaultPageVisibility)
	m.DefaultApplicationAuthStrategyID = types.StringValue("")
	if p.DefaultApplicationAuthStrategyID != nil {
		m.DefaultApplicationAuthStrategyID = types.StringValue(*p.DefaultApplicationAuthStrategyID)
	}
	m.BasicAuthEnabled = types.BoolValue(s.BasicAuthEnabled)
}
