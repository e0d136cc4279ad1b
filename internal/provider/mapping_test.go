package provider

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func ptr[T any](v T) *T { return &v }

func TestPortalUpdateRequest(t *testing.T) {
	ctx := context.Background()
	labels := func(kv ...string) types.Map {
		m := map[string]attr.Value{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = types.StringValue(kv[i+1])
		}
		return types.MapValueMust(types.StringType, m)
	}
	state := portalResourceModel{
		Name: types.StringValue("a"), DisplayName: types.StringValue("A"),
		Description: types.StringValue("old"), Labels: labels("team", "x", "env", "dev"),
	}
	plan := state
	plan.Name = types.StringValue("b")
	plan.Description = types.StringNull()
	plan.Labels = labels("team", "y")

	got, diags := portalUpdateRequest(ctx, state, plan)
	if diags.HasError() {
		t.Fatal(diags)
	}
	body, _ := json.Marshal(got)
	want := `{"name":"b","description":null,"labels":{"env":null,"team":"y"}}`
	if string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
}

func TestPortalModelFromAPI(t *testing.T) {
	ctx := context.Background()
	m := portalResourceModel{Labels: types.MapValueMust(types.StringType, map[string]attr.Value{}), ForceDestroy: types.BoolValue(true)}
	diags := m.fromAPI(ctx, &client.Portal{ID: "p", Name: "n", DisplayName: "d", DefaultDomain: "x.example", CanonicalDomain: "x.example"})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if m.Labels.IsNull() || len(m.Labels.Elements()) != 0 {
		t.Errorf("an empty labels argument must stay empty, got %v", m.Labels)
	}
	if !m.Description.IsNull() || !m.ForceDestroy.ValueBool() {
		t.Errorf("description %v, force_destroy %v", m.Description, m.ForceDestroy)
	}

	m = portalResourceModel{Labels: types.MapNull(types.StringType)}
	m.fromAPI(ctx, &client.Portal{ID: "p", Labels: map[string]string{}})
	if !m.Labels.IsNull() || m.ForceDestroy.ValueBool() {
		t.Errorf("labels %v, force_destroy %v", m.Labels, m.ForceDestroy)
	}
}

func TestPortalSecurityUpdateRequest(t *testing.T) {
	m := portalSecurityModel{
		AuthenticationEnabled:            types.BoolUnknown(),
		RBACEnabled:                      types.BoolValue(true),
		AutoApproveDevelopers:            types.BoolNull(),
		AutoApproveApplications:          types.BoolValue(false),
		DefaultAPIVisibility:             types.StringValue("public"),
		DefaultPageVisibility:            types.StringUnknown(),
		DefaultApplicationAuthStrategyID: types.StringValue(""),
		BasicAuthEnabled:                 types.BoolValue(false),
	}
	body, _ := json.Marshal(portalSecurityUpdateRequest(m))
	want := `{"rbac_enabled":true,"default_api_visibility":"public","default_application_auth_strategy_id":null,"auto_approve_applications":false}`
	if string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}

	m.DefaultApplicationAuthStrategyID = types.StringUnknown()
	body, _ = json.Marshal(portalSecurityUpdateRequest(m))
	if want := `{"rbac_enabled":true,"default_api_visibility":"public","auto_approve_applications":false}`; string(body) != want {
		t.Errorf("unknown strategy: body = %s, want %s", body, want)
	}
}

func TestPortalSecurityDefaults(t *testing.T) {
	const base = `"authentication_enabled":true,"rbac_enabled":false,"default_api_visibility":"private","default_page_visibility":"private"`
	tests := []struct {
		name     string
		current  *string
		original *originalStrategy
		want     string
	}{
		{"imported: strategy cleared", ptr("s1"), nil, `{` + base + `,"default_application_auth_strategy_id":null,"auto_approve_developers":false,"auto_approve_applications":false}`},
		{"imported without strategy", nil, nil, `{` + base + `,"auto_approve_developers":false,"auto_approve_applications":false}`},
		{"unchanged strategy", ptr("s1"), &originalStrategy{ID: ptr("s1")}, `{` + base + `,"auto_approve_developers":false,"auto_approve_applications":false}`},
		{"restore original", nil, &originalStrategy{ID: ptr("s1")}, `{` + base + `,"default_application_auth_strategy_id":"s1","auto_approve_developers":false,"auto_approve_applications":false}`},
		{"restore none", ptr("s2"), &originalStrategy{}, `{` + base + `,"default_application_auth_strategy_id":null,"auto_approve_developers":false,"auto_approve_applications":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(portalSecurityDefaults(&client.Portal{DefaultApplicationAuthStrategyID: tt.current}, tt.original))
			if string(body) != tt.want {
				t.Errorf("body = %s\nwant   %s", body, tt.want)
			}
		})
	}
}

func TestPortalSecurityFromAPI(t *testing.T) {
	var m portalSecurityModel
	m.fromAPI(&client.Portal{ID: "p", DefaultAPIVisibility: "public", DefaultPageVisibility: "private"}, &client.PortalAuthenticationSettings{BasicAuthEnabled: true})
	if m.DefaultApplicationAuthStrategyID.ValueString() != "" || m.DefaultApplicationAuthStrategyID.IsNull() {
		t.Errorf("no default strategy must map to \"\", got %v", m.DefaultApplicationAuthStrategyID)
	}
	if m.ID.ValueString() != "p" || m.PortalID.ValueString() != "p" || !m.BasicAuthEnabled.ValueBool() {
		t.Errorf("model = %+v", m)
	}
	m.fromAPI(&client.Portal{ID: "p", DefaultApplicationAuthStrategyID: ptr("s")}, &client.PortalAuthenticationSettings{})
	if m.DefaultApplicationAuthStrategyID.ValueString() != "s" {
		t.Errorf("strategy = %v", m.DefaultApplicationAuthStrategyID)
	}
}

func TestValidatePortalSecurity(t *testing.T) {
	tests := []struct {
		auth, rbac types.Bool
		wantErr    bool
	}{
		{types.BoolValue(false), types.BoolValue(true), true},
		{types.BoolNull(), types.BoolValue(true), false},
		{types.BoolValue(true), types.BoolValue(true), false},
		{types.BoolValue(false), types.BoolValue(false), false},
		{types.BoolUnknown(), types.BoolValue(true), false},
	}
	for _, tt := range tests {
		diags := validatePortalSecurity(portalSecurityModel{AuthenticationEnabled: tt.auth, RBACEnabled: tt.rbac})
		if diags.HasError() != tt.wantErr {
			t.Errorf("auth=%v rbac=%v: errors = %v, want error %v", tt.auth, tt.rbac, diags, tt.wantErr)
		}
	}
}

func keyAuthModelValue(t *testing.T, names []string, ttl *client.KeyTTL) types.Object {
	t.Helper()
	obj, diags := keyAuthObject(context.Background(), &client.KeyAuthConfig{KeyNames: names, TTL: ttl})
	if diags.HasError() {
		t.Fatal(diags)
	}
	return obj
}

func TestAuthStrategyUpdateRequest(t *testing.T) {
	ctx := context.Background()
	state := authStrategyModel{
		Name: types.StringValue("s"), DisplayName: types.StringValue("S"), Labels: types.MapNull(types.StringType),
		KeyAuth:       keyAuthModelValue(t, []string{"apikey"}, &client.KeyTTL{Value: 1, Unit: "days"}),
		OpenIDConnect: types.ObjectNull(openIDConnectAttrTypes),
	}

	plan := state
	got, diags := authStrategyUpdateRequest(ctx, state, plan)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if body, _ := json.Marshal(got); string(body) != `{}` {
		t.Errorf("no change: body = %s", body)
	}

	plan.KeyAuth = keyAuthModelValue(t, []string{"apikey"}, nil)
	got, _ = authStrategyUpdateRequest(ctx, state, plan)
	if body, _ := json.Marshal(got); string(body) != `{"configs":{"key-auth":{"key_names":["apikey"],"ttl":null}}}` {
		t.Errorf("TTL removal: body = %s", body)
	}
}

func TestOIDCPatch(t *testing.T) {
	old := &client.OpenIDConnectConfig{AdditionalProperties: map[string]json.RawMessage{"a": json.RawMessage(`1`), "b": json.RawMessage(`2`)}}
	new := &client.OpenIDConnectConfig{Issuer: "https://i", AdditionalProperties: map[string]json.RawMessage{"b": json.RawMessage(`3`)}}
	got := oidcPatch(old, new)
	want := map[string]json.RawMessage{"a": json.RawMessage(`null`), "b": json.RawMessage(`3`)}
	if !reflect.DeepEqual(got.AdditionalProperties, want) || got.Issuer != "https://i" {
		t.Errorf("patch = %+v", got)
	}
	if len(new.AdditionalProperties) != 1 {
		t.Error("oidcPatch changed its input")
	}
}

func TestAdditionalPropertiesValue(t *testing.T) {
	props := map[string]json.RawMessage{"audience": json.RawMessage(`["api"]`), "leeway": json.RawMessage(`5`)}
	tests := []struct {
		name  string
		prior types.String
		props map[string]json.RawMessage
		want  types.String
	}{
		{"same JSON keeps prior text", types.StringValue(`{ "leeway": 5, "audience": [ "api" ] }`), props, types.StringValue(`{ "leeway": 5, "audience": [ "api" ] }`)},
		{"different JSON takes server", types.StringValue(`{"leeway":6}`), props, types.StringValue(`{"audience":["api"],"leeway":5}`)},
		{"null prior takes server", types.StringNull(), props, types.StringValue(`{"audience":["api"],"leeway":5}`)},
		{"nothing stays null", types.StringNull(), nil, types.StringNull()},
		{"empty object kept", types.StringValue(`{}`), nil, types.StringValue(`{}`)},
		{"removed on server", types.StringValue(`{"a":1}`), nil, types.StringNull()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := additionalPropertiesValue(tt.prior, tt.props)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("value = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAuthStrategyCreateRequest(t *testing.T) {
	ctx := context.Background()
	oidc, diags := types.ObjectValue(openIDConnectAttrTypes, map[string]attr.Value{
		"issuer":                types.StringValue("https://idp"),
		"credential_claim":      types.ListValueMust(types.StringType, []attr.Value{types.StringValue("sub")}),
		"scopes":                types.ListValueMust(types.StringType, []attr.Value{}),
		"auth_methods":          types.ListValueMust(types.StringType, []attr.Value{types.StringValue("bearer")}),
		"additional_properties": types.StringValue(`{"audience":["x"]}`),
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	m := authStrategyModel{
		Name: types.StringValue("s"), DisplayName: types.StringUnknown(), Labels: types.MapNull(types.StringType),
		KeyAuth: types.ObjectNull(keyAuthAttrTypes), OpenIDConnect: oidc,
	}
	req, diags := authStrategyCreateRequest(ctx, m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	body, _ := json.Marshal(req)
	want := `{"name":"s","display_name":"s","strategy_type":"openid_connect","configs":{"openid-connect":{"audience":["x"],"auth_methods":["bearer"],"credential_claim":["sub"],"issuer":"https://idp","scopes":[]}}}`
	if string(body) != want {
		t.Errorf("body = %s\nwant   %s", body, want)
	}
}

func TestRetryWhileInUse(t *testing.T) {
	inUse := &client.APIError{StatusCode: http.StatusConflict}
	boom := errors.New("boom")
	tests := []struct {
		name      string
		answers   []error
		wait      time.Duration
		wantCalls int
		wantErr   error
	}{
		{"deleted at once", []error{nil}, time.Minute, 1, nil},
		{"released by another change", []error{inUse, inUse, nil}, time.Minute, 3, nil},
		{"other errors are not retried", []error{boom}, time.Minute, 1, boom},
		{"still in use when the wait is over", []error{inUse, inUse}, 0, 1, inUse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := retryWhileInUse(context.Background(), tt.wait, func() error {
				answer := tt.answers[min(calls, len(tt.answers)-1)]
				calls++
				return answer
			})
			if calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tt.wantCalls)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
