package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

var (
	_ resource.Resource                = (*authStrategyResource)(nil)
	_ resource.ResourceWithConfigure   = (*authStrategyResource)(nil)
	_ resource.ResourceWithImportState = (*authStrategyResource)(nil)
)

// authStrategyWireFields names the attributes behind the fields of strategy requests: the
// configs object of the wire holds key_auth and openid_connect. Other openid-connect keys come
// from additional_properties and keep their wire names.
var authStrategyWireFields = wireFields{
	"name":                          path.Root("name"),
	"display_name":                  path.Root("display_name"),
	"labels":                        path.Root("labels"),
	"configs.key-auth":              path.Root("key_auth"),
	"configs.key-auth.key_names":    path.Root("key_auth").AtName("key_names"),
	"configs.key-auth.ttl":          path.Root("key_auth").AtName("ttl"),
	"configs.openid-connect.issuer": path.Root("openid_connect").AtName("issuer"),
	"configs.openid-connect.credential_claim": path.Root("openid_connect").AtName("credential_claim"),
	"configs.openid-connect.scopes":           path.Root("openid_connect").AtName("scopes"),
	"configs.openid-connect.auth_methods":     path.Root("openid_connect").AtName("auth_methods"),
}

// authStrategyResource manages an application auth strategy.
type authStrategyResource struct {
	client *client.Client
}

// authStrategyModel is the state of devportal_application_auth_strategy.
type authStrategyModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	DisplayName   types.String `tfsdk:"display_name"`
	Labels        types.Map    `tfsdk:"labels"`
	Active        types.Bool   `tfsdk:"active"`
	KeyAuth       types.Object `tfsdk:"key_auth"`
	OpenIDConnect types.Object `tfsdk:"openid_connect"`
}

// keyAuthModel is the key_auth block.
type keyAuthModel struct {
	KeyNames types.List   `tfsdk:"key_names"`
	TTL      types.Object `tfsdk:"ttl"`
}

// keyTTLModel is the key_auth.ttl block.
type keyTTLModel struct {
	Value types.Int64  `tfsdk:"value"`
	Unit  types.String `tfsdk:"unit"`
}

// openIDConnectModel is the openid_connect block.
type openIDConnectModel struct {
	Issuer               types.String `tfsdk:"issuer"`
	CredentialClaim      types.List   `tfsdk:"credential_claim"`
	Scopes               types.List   `tfsdk:"scopes"`
	AuthMethods          types.List   `tfsdk:"auth_methods"`
	AdditionalProperties types.String `tfsdk:"additional_properties"`
}

var (
	keyTTLAttrTypes  = map[string]attr.Type{"value": types.Int64Type, "unit": types.StringType}
	keyAuthAttrTypes = map[string]attr.Type{
		"key_names": types.ListType{ElemType: types.StringType},
		"ttl":       types.ObjectType{AttrTypes: keyTTLAttrTypes},
	}
	openIDConnectAttrTypes = map[string]attr.Type{
		"issuer":                types.StringType,
		"credential_claim":      types.ListType{ElemType: types.StringType},
		"scopes":                types.ListType{ElemType: types.StringType},
		"auth_methods":          types.ListType{ElemType: types.StringType},
		"additional_properties": types.StringType,
	}
)

// NewApplicationAuthStrategyResource returns the devportal_application_auth_strategy resource.
func NewApplicationAuthStrategyResource() resource.Resource { return &authStrategyResource{} }

func (r *authStrategyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_application_auth_strategy"
}

func (r *authStrategyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	typeSwitch := objectplanmodifier.RequiresReplaceIf(strategyTypeChanged,
		"Switching between key_auth and openid_connect replaces the strategy.",
		"Switching between `key_auth` and `openid_connect` replaces the strategy.")
	stringList := func(desc string, maxItems, maxLength int) schema.ListAttribute {
		return schema.ListAttribute{
			Description: desc,
			Required:    true,
			ElementType: types.StringType,
			Validators: []validator.List{
				listvalidator.SizeAtMost(maxItems),
				listvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, maxLength)),
			},
		}
	}
	resp.Schema = schema.Schema{
		Description: "An application auth strategy: how applications of developers authenticate to the APIs " +
			"published with it, either with API keys (`key_auth`) or with credentials from an OpenID Connect " +
			"identity provider (`openid_connect`). Exactly one of the two blocks is required; switching from one " +
			"to the other replaces the strategy, every other change is made in place. The server refuses to " +
			"delete a strategy that a portal or an API publication uses; destroying waits up to 15 seconds for " +
			"them to let it go (for example a `devportal_portal_security` destroyed in the same run), then fails " +
			"with the server's answer.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "Strategy ID (UUID).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Description: "Name of the strategy, shown to administrators (1 to 256 characters).",
				Required:    true,
				Validators:  []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"display_name": schema.StringAttribute{
				Description: "Name of the strategy shown to developers in the portal (at most 256 characters). " +
					"Defaults to `name` at creation; the value is kept afterwards when not set.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{stringvalidator.LengthAtMost(256)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"labels": schema.MapAttribute{
				Description: "Labels (key/value metadata). Keys are 1 to 63 characters and cannot start with " +
					"`kong`, `konnect`, `mesh`, `kic` or `_`. Labels removed from the configuration are removed.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  labelsValidators(),
			},
			"active": schema.BoolAttribute{
				Description:   "Whether at least one API publication uses the strategy.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"key_auth": schema.SingleNestedAttribute{
				Description: "API key authentication: developers create keys for their applications and send them " +
					"in one of the `key_names` headers. Conflicts with `openid_connect`; exactly one of the two is required. " +
					"Switching to `openid_connect` replaces the strategy.",
				Optional: true,
				Validators: []validator.Object{
					objectvalidator.ExactlyOneOf(path.MatchRoot("key_auth"), path.MatchRoot("openid_connect")),
				},
				PlanModifiers: []planmodifier.Object{typeSwitch},
				Attributes: map[string]schema.Attribute{
					"key_names": schema.ListAttribute{
						Description: "Names of the headers (or query parameters) carrying the key, 1 to 10 names. " +
							"Each name must be a valid HTTP header name: letters, digits and ``!#$%&'*+-.^_`|~`` only. " +
							"Defaults to `[\"apikey\"]`.",
						Optional:    true,
						Computed:    true,
						ElementType: types.StringType,
						Default:     listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{types.StringValue("apikey")})),
						Validators: []validator.List{
							listvalidator.SizeBetween(1, 10),
							listvalidator.ValueStringsAre(headerNameValidator{}, stringvalidator.LengthAtMost(256)),
						},
					},
					"ttl": schema.SingleNestedAttribute{
						Description: "Default maximum lifetime of keys created under the strategy. Without it keys do not expire.",
						Optional:    true,
						Attributes: map[string]schema.Attribute{
							"value": schema.Int64Attribute{
								Description: "Number of `unit`s, at least 1.",
								Required:    true,
								Validators:  []validator.Int64{int64validator.AtLeast(1)},
							},
							"unit": schema.StringAttribute{
								Description: "Unit of `value`: `days`, `weeks` or `years`.",
								Required:    true,
								Validators:  []validator.String{stringvalidator.OneOf(client.TTLUnitDays, client.TTLUnitWeeks, client.TTLUnitYears)},
							},
						},
					},
				},
			},
			"openid_connect": schema.SingleNestedAttribute{
				Description: "OpenID Connect: applications authenticate with credentials issued by an external " +
					"identity provider. Conflicts with `key_auth`; exactly one of the two is required. Switching to " +
					"`key_auth` replaces the strategy.",
				Optional:      true,
				PlanModifiers: []planmodifier.Object{typeSwitch},
				Attributes: map[string]schema.Attribute{
					"issuer": schema.StringAttribute{
						Description: "Issuer URL of the identity provider (at most 256 characters).",
						Required:    true,
						Validators:  []validator.String{stringvalidator.LengthBetween(1, 256)},
					},
					"credential_claim": stringList("Claims of the token that identify the application, at most 10 (for example `[\"client_id\"]`).", 10, 128),
					"scopes":           stringList("Scopes requested from the identity provider, at most 50 (for example `[\"openid\"]`).", 50, 128),
					"auth_methods":     stringList("Authentication methods the gateway accepts, at most 10 (for example `[\"client_credentials\", \"bearer\"]`).", 10, 64),
					"additional_properties": schema.StringAttribute{
						Description: "Further OpenID Connect plugin settings as a JSON object (use `jsonencode`), " +
							"passed through as they are. Must not repeat `issuer`, `credential_claim`, `scopes` or `auth_methods`.",
						Optional:   true,
						Validators: []validator.String{jsonObjectValidator{reserved: []string{"issuer", "credential_claim", "scopes", "auth_methods"}}},
					},
				},
			},
		},
	}
}

// strategyTypeChanged requires replacement when a strategy type block appears or disappears.
// The block that disappears also warns: everything that uses the strategy is replaced with it,
// and the backend refuses to delete a strategy in use, so a switch in place can fail half-way.
func strategyTypeChanged(_ context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = req.StateValue.IsNull() != req.PlanValue.IsNull()
	if resp.RequiresReplace && !req.StateValue.IsNull() && req.PlanValue.IsNull() {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Strategy type switch replaces the strategy",
			"Switching between key_auth and openid_connect deletes this strategy and creates a new one. "+
				"Applications, publications and portal defaults that use it are replaced too, and the "+
				"server refuses to delete a strategy while anything still uses it. To move them without "+
				"losing applications and keys, add a new devportal_application_auth_strategy, point its "+
				"users at it, apply, then remove this one.")
	}
}

func (r *authStrategyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerClient(req.ProviderData, &resp.Diagnostics)
}

func (r *authStrategyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan authStrategyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := authStrategyCreateRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.CreateAuthStrategy(ctx, body)
	if err != nil {
		authStrategyWireFields.addAPIError(&resp.Diagnostics, "Unable to create application auth strategy", fmt.Sprintf("Strategy %q", plan.Name.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *authStrategyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state authStrategyModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.GetAuthStrategy(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read application auth strategy", fmt.Sprintf("Strategy %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &state)...)
}

func (r *authStrategyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state authStrategyModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body, diags := authStrategyUpdateRequest(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	s, err := r.client.UpdateAuthStrategy(ctx, state.ID.ValueString(), body)
	if err != nil {
		authStrategyWireFields.addAPIError(&resp.Diagnostics, "Unable to update application auth strategy", fmt.Sprintf("Strategy %s", state.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, s)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

func (r *authStrategyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state authStrategyModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := retryWhileInUse(ctx, strategyReleaseWait, func() error { return r.client.DeleteAuthStrategy(ctx, state.ID.ValueString()) })
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete application auth strategy", fmt.Sprintf("Strategy %s", state.ID.ValueString()), err)
	}
}

// strategyReleaseWait bounds how long deleting a strategy waits for its users to let it go.
const strategyReleaseWait = 15 * time.Second

// retryWhileInUse calls del until it answers anything but 409 (in use), for at most wait. The
// objects that use a strategy may be changed in the same run without Terraform knowing they must
// go first: after terraform import, the state records no dependencies, so a portal's security
// settings can be reset in parallel with the deletion of the strategy they named.
func retryWhileInUse(ctx context.Context, wait time.Duration, del func() error) error {
	deadline := time.Now().Add(wait)
	delay := 250 * time.Millisecond
	for {
		err := del()
		if !client.IsConflict(err) || time.Now().Add(delay).After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

func (r *authStrategyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// authStrategyConfigs maps the type block of a model to the wire configuration.
func authStrategyConfigs(ctx context.Context, m authStrategyModel) (string, client.AuthStrategyConfigs, diag.Diagnostics) {
	var diags diag.Diagnostics
	if known(m.KeyAuth) {
		var ka keyAuthModel
		diags.Append(m.KeyAuth.As(ctx, &ka, objectAsOptions)...)
		cfg := &client.KeyAuthConfig{}
		diags.Append(ka.KeyNames.ElementsAs(ctx, &cfg.KeyNames, false)...)
		if known(ka.TTL) {
			var ttl keyTTLModel
			diags.Append(ka.TTL.As(ctx, &ttl, objectAsOptions)...)
			cfg.TTL = &client.KeyTTL{Value: ttl.Value.ValueInt64(), Unit: ttl.Unit.ValueString()}
		}
		return client.StrategyTypeKeyAuth, client.AuthStrategyConfigs{KeyAuth: cfg}, diags
	}
	var o openIDConnectModel
	diags.Append(m.OpenIDConnect.As(ctx, &o, objectAsOptions)...)
	cfg := &client.OpenIDConnectConfig{Issuer: o.Issuer.ValueString()}
	diags.Append(o.CredentialClaim.ElementsAs(ctx, &cfg.CredentialClaim, false)...)
	diags.Append(o.Scopes.ElementsAs(ctx, &cfg.Scopes, false)...)
	diags.Append(o.AuthMethods.ElementsAs(ctx, &cfg.AuthMethods, false)...)
	if known(o.AdditionalProperties) {
		if err := json.Unmarshal([]byte(o.AdditionalProperties.ValueString()), &cfg.AdditionalProperties); err != nil {
			diags.AddAttributeError(path.Root("openid_connect").AtName("additional_properties"),
				"Invalid JSON object", "additional_properties must be a JSON object: "+err.Error())
		}
	}
	return client.StrategyTypeOpenIDConnect, client.AuthStrategyConfigs{OpenIDConnect: cfg}, diags
}

// authStrategyCreateRequest maps a planned strategy to its creation body.
func authStrategyCreateRequest(ctx context.Context, m authStrategyModel) (client.CreateAuthStrategyRequest, diag.Diagnostics) {
	strategyType, configs, diags := authStrategyConfigs(ctx, m)
	labels, d := labelsFromMap(ctx, m.Labels)
	diags.Append(d...)
	displayName := m.Name.ValueString()
	if known(m.DisplayName) {
		displayName = m.DisplayName.ValueString()
	}
	return client.CreateAuthStrategyRequest{
		Name:         m.Name.ValueString(),
		DisplayName:  displayName,
		StrategyType: strategyType,
		Configs:      configs,
		Labels:       labels,
	}, diags
}

// authStrategyUpdateRequest maps the difference between state and plan to a PATCH body.
func authStrategyUpdateRequest(ctx context.Context, state, plan authStrategyModel) (client.UpdateAuthStrategyRequest, diag.Diagnostics) {
	var req client.UpdateAuthStrategyRequest
	if !plan.Name.Equal(state.Name) {
		req.Name = plan.Name.ValueStringPointer()
	}
	if known(plan.DisplayName) && !plan.DisplayName.Equal(state.DisplayName) {
		req.DisplayName = plan.DisplayName.ValueStringPointer()
	}
	oldLabels, diags := labelsFromMap(ctx, state.Labels)
	newLabels, d := labelsFromMap(ctx, plan.Labels)
	diags.Append(d...)
	req.Labels = client.LabelsPatch(oldLabels, newLabels)

	_, oldConfigs, d := authStrategyConfigs(ctx, state)
	diags.Append(d...)
	_, newConfigs, d := authStrategyConfigs(ctx, plan)
	diags.Append(d...)
	if !reflect.DeepEqual(oldConfigs, newConfigs) {
		req.Configs = &client.UpdateAuthStrategyConfigs{OpenIDConnect: oidcPatch(oldConfigs.OpenIDConnect, newConfigs.OpenIDConnect)}
		if ka := newConfigs.KeyAuth; ka != nil {
			// A TTL that disappears must be removed explicitly; PATCH keeps what it is not told.
			req.Configs.KeyAuth = &client.UpdateKeyAuthConfig{KeyNames: ka.KeyNames, TTL: client.FromPointer(ka.TTL)}
		}
	}
	return req, diags
}

// fromAPI refreshes the model from a strategy the server returned.
func (m *authStrategyModel) fromAPI(ctx context.Context, s *client.AuthStrategy) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.DisplayName = types.StringValue(s.DisplayName)
	m.Active = types.BoolValue(s.Active)
	var d diag.Diagnostics
	m.Labels, d = labelsToMap(ctx, m.Labels, s.Labels)
	diags.Append(d...)

	var prior openIDConnectModel
	if known(m.OpenIDConnect) {
		diags.Append(m.OpenIDConnect.As(ctx, &prior, objectAsOptions)...)
	}
	m.KeyAuth = types.ObjectNull(keyAuthAttrTypes)
	m.OpenIDConnect = types.ObjectNull(openIDConnectAttrTypes)
	switch {
	case s.Configs.KeyAuth != nil:
		m.KeyAuth, d = keyAuthObject(ctx, s.Configs.KeyAuth)
		diags.Append(d...)
	case s.Configs.OpenIDConnect != nil:
		m.OpenIDConnect, d = openIDConnectObject(ctx, prior.AdditionalProperties, s.Configs.OpenIDConnect)
		diags.Append(d...)
	default:
		diags.AddError("Unsupported application auth strategy",
			fmt.Sprintf("Strategy %s has type %q, which this provider does not manage.", s.ID, s.StrategyType))
	}
	return diags
}

// keyAuthObject maps a key-auth configuration to the key_auth object.
func keyAuthObject(ctx context.Context, c *client.KeyAuthConfig) (types.Object, diag.Diagnostics) {
	names, diags := types.ListValueFrom(ctx, types.StringType, nonNilStrings(c.KeyNames))
	ttl := types.ObjectNull(keyTTLAttrTypes)
	if c.TTL != nil {
		var d diag.Diagnostics
		ttl, d = types.ObjectValue(keyTTLAttrTypes, map[string]attr.Value{
			"value": types.Int64Value(c.TTL.Value),
			"unit":  types.StringValue(c.TTL.Unit),
		})
		diags.Append(d...)
	}
	obj, d := types.ObjectValue(keyAuthAttrTypes, map[string]attr.Value{"key_names": names, "ttl": ttl})
	diags.Append(d...)
	return obj, diags
}

// openIDConnectObject maps an OpenID Connect configuration to the
// openid_connect object. additional_properties keeps the prior text when it
// means the same JSON, so formatting never shows as a difference.
func openIDConnectObject(ctx context.Context, priorExtra types.String, c *client.OpenIDConnectConfig) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	list := func(s []string) types.List {
		l, d := types.ListValueFrom(ctx, types.StringType, nonNilStrings(s))
		diags.Append(d...)
		return l
	}
	extra, err := additionalPropertiesValue(priorExtra, c.AdditionalProperties)
	if err != nil {
		diags.AddError("Unreadable OpenID Connect settings", err.Error())
	}
	obj, d := types.ObjectValue(openIDConnectAttrTypes, map[string]attr.Value{
		"issuer":                types.StringValue(c.Issuer),
		"credential_claim":      list(c.CredentialClaim),
		"scopes":                list(c.Scopes),
		"auth_methods":          list(c.AuthMethods),
		"additional_properties": extra,
	})
	diags.Append(d...)
	return obj, diags
}

// additionalPropertiesValue returns prior when it encodes the same JSON object
// as props (or props is empty and prior is null or an empty object), else
// props as compact JSON, or null when there are none.
func additionalPropertiesValue(prior types.String, props map[string]json.RawMessage) (types.String, error) {
	if known(prior) {
		var priorObj, serverObj any
		if err := json.Unmarshal([]byte(prior.ValueString()), &priorObj); err == nil {
			raw, err := json.Marshal(props)
			if err != nil {
				return types.StringNull(), err
			}
			if err := json.Unmarshal(raw, &serverObj); err != nil {
				return types.StringNull(), err
			}
			if serverObj == nil {
				serverObj = map[string]any{}
			}
			if reflect.DeepEqual(priorObj, serverObj) {
				return prior, nil
			}
		}
	}
	if len(props) == 0 {
		return types.StringNull(), nil
	}
	raw, err := json.Marshal(props)
	if err != nil {
		return types.StringNull(), err
	}
	return types.StringValue(string(raw)), nil
}

// oidcPatch returns the OpenID Connect part of a PATCH: the new settings, and
// null for each additional property that disappears, since PATCH merges.
func oidcPatch(old, new *client.OpenIDConnectConfig) *client.OpenIDConnectConfig {
	if new == nil || old == nil {
		return new
	}
	patch := *new
	patch.AdditionalProperties = maps.Clone(new.AdditionalProperties)
	for k := range old.AdditionalProperties {
		if _, ok := patch.AdditionalProperties[k]; !ok {
			if patch.AdditionalProperties == nil {
				patch.AdditionalProperties = map[string]json.RawMessage{}
			}
			patch.AdditionalProperties[k] = json.RawMessage("null")
		}
	}
	return &patch
}
