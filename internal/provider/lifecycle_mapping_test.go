package provider

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const (
	testAPIID    = "11111111-1111-4111-8111-111111111111"
	testPortalID = "22222222-2222-4222-8222-222222222222"
	strategyX    = "33333333-3333-4333-8333-333333333333"
	strategyY    = "44444444-4444-4444-8444-444444444444"
)

// TestPlanPublication covers every transition between the three ways to
// choose a publication's strategy.
func TestPlanPublication(t *testing.T) {
	str, null, unknown := types.StringValue, types.StringNull(), types.StringUnknown()
	boolean, nullBool, unknownBool := types.BoolValue, types.BoolNull(), types.BoolUnknown()
	stateWith := func(auth types.String, disabled bool) *apiPublicationResourceModel {
		return &apiPublicationResourceModel{
			ID: str(publicationID(testAPIID, testPortalID)), APIID: str(testAPIID), PortalID: str(testPortalID),
			AuthStrategyID: auth, DisableApplicationAuth: boolean(disabled), Visibility: str("public"),
			AutoApproveRegistrations: boolean(false),
		}
	}
	tests := []struct {
		name         string
		auth         types.String
		disable      types.Bool
		state        *apiPublicationResourceModel
		wantAuth     types.String
		wantDisabled types.Bool
	}{
		{"create inheriting", null, nullBool, nil, unknown, unknownBool},
		{"create explicit", str(strategyX), nullBool, nil, str(strategyX), boolean(false)},
		{"create disabled", null, boolean(true), nil, null, boolean(true)},
		{"create asking for the default", null, boolean(false), nil, unknown, boolean(false)},
		{"create with a strategy not yet known", unknown, nullBool, nil, unknown, boolean(false)},
		{"inherited stays", null, nullBool, stateWith(str(strategyX), false), str(strategyX), boolean(false)},
		{"inherit to explicit", str(strategyY), nullBool, stateWith(str(strategyX), false), str(strategyY), boolean(false)},
		{"explicit to disabled", null, boolean(true), stateWith(str(strategyY), false), null, boolean(true)},
		{"disabled stays when the flag is dropped", null, nullBool, stateWith(null, true), null, boolean(true)},
		{"disabled to explicit", str(strategyX), nullBool, stateWith(null, true), str(strategyX), boolean(false)},
		{"disabled to the portal default", null, boolean(false), stateWith(null, true), unknown, boolean(false)},
		{"explicit to inherit keeps the strategy", null, nullBool, stateWith(str(strategyY), false), str(strategyY), boolean(false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := apiPublicationResourceModel{
				APIID: str(testAPIID), PortalID: str(testPortalID), AuthStrategyID: tt.auth,
				DisableApplicationAuth: tt.disable, Visibility: null,
			}
			plan := cfg
			plan.AutoApproveRegistrations = boolean(false)
			planPublication(cfg, &plan, tt.state)
			if !plan.AuthStrategyID.Equal(tt.wantAuth) || !plan.DisableApplicationAuth.Equal(tt.wantDisabled) {
				t.Errorf("plan auth_strategy_id = %v, disable_application_auth = %v; want %v, %v",
					plan.AuthStrategyID, plan.DisableApplicationAuth, tt.wantAuth, tt.wantDisabled)
			}
			wantVisibility := unknown
			if tt.state != nil {
				wantVisibility = str("public")
			}
			if !plan.Visibility.Equal(wantVisibility) {
				t.Errorf("plan visibility = %v, want %v", plan.Visibility, wantVisibility)
			}
			if plan.ID.ValueString() != publicationID(testAPIID, testPortalID) {
				t.Errorf("plan id = %v", plan.ID)
			}
		})
	}

	t.Run("replacement carries nothing over", func(t *testing.T) {
		cfg := apiPublicationResourceModel{APIID: unknown, PortalID: str(testPortalID), AuthStrategyID: null,
			DisableApplicationAuth: nullBool, Visibility: null}
		plan := cfg
		planPublication(cfg, &plan, stateWith(str(strategyX), false))
		if !plan.AuthStrategyID.IsUnknown() || !plan.Visibility.IsUnknown() || !plan.ID.IsUnknown() {
			t.Errorf("plan = %+v, want the server's choices unknown", plan)
		}
	})
}

func TestPublishRequest(t *testing.T) {
	tests := []struct {
		name string
		m    apiPublicationResourceModel
		want string
	}{
		{"inherit", apiPublicationResourceModel{AuthStrategyID: types.StringUnknown(), DisableApplicationAuth: types.BoolUnknown(),
			Visibility: types.StringUnknown(), AutoApproveRegistrations: types.BoolValue(false)},
			`{"auto_approve_registrations":false}`},
		{"explicit", apiPublicationResourceModel{AuthStrategyID: types.StringValue(strategyX), DisableApplicationAuth: types.BoolValue(false),
			Visibility: types.StringValue("public"), AutoApproveRegistrations: types.BoolValue(true)},
			`{"auth_strategy_ids":["` + strategyX + `"],"visibility":"public","auto_approve_registrations":true}`},
		{"disabled", apiPublicationResourceModel{AuthStrategyID: types.StringNull(), DisableApplicationAuth: types.BoolValue(true),
			Visibility: types.StringValue("private"), AutoApproveRegistrations: types.BoolValue(false)},
			`{"auth_strategy_ids":null,"visibility":"private","auto_approve_registrations":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(publishRequest(tt.m))
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != tt.want {
				t.Errorf("body = %s, want %s", body, tt.want)
			}
		})
	}
}

func TestPublicationFromAPI(t *testing.T) {
	var m apiPublicationResourceModel
	m.fromAPI(&client.Publication{APIID: testAPIID, PortalID: testPortalID, Visibility: "private"})
	if !m.AuthStrategyID.IsNull() || !m.DisableApplicationAuth.ValueBool() {
		t.Errorf("no strategy: auth %v, disabled %v", m.AuthStrategyID, m.DisableApplicationAuth)
	}
	m.fromAPI(&client.Publication{APIID: testAPIID, PortalID: testPortalID, AuthStrategyIDs: []string{strategyX}})
	if m.AuthStrategyID.ValueString() != strategyX || m.DisableApplicationAuth.ValueBool() || m.ID.ValueString() != testAPIID+"/"+testPortalID {
		t.Errorf("with strategy: %+v", m)
	}
}

func TestEnforcementOf(t *testing.T) {
	link := &client.Implementation{Service: client.ImplementationService{ControlPlaneID: "cp", ID: "svc"}}
	stale := &client.Implementation{Service: client.ImplementationService{ControlPlaneID: "cp", ID: "svc",
		AuthStrategySyncError: &client.SyncError{Message: "node dp-1 runs 3.4.0"}}}
	plugin := &client.Plugin{ID: "plugin", Name: client.ApplicationAuthPluginName, Tags: []string{client.ManagedPluginTag},
		Config: json.RawMessage(`{"scope":"api","v2_strategies":{"key_auth":[{"strategy_id":"s1","config":{"key_names":["apikey"]}}],"openid_connect":[]}}`)}
	pubs := []client.Publication{{PortalID: "p1", AuthStrategyIDs: []string{"s1"}}, {PortalID: "p2"}}

	tests := []struct {
		name   string
		pubs   []client.Publication
		link   *client.Implementation
		plugin *client.Plugin
		want   enforcement
	}{
		{"nothing", nil, nil, nil, enforcement{Status: "none", AuthStrategyIDs: []string{}, KeyNames: []string{}}},
		{"published without auth and linked", pubs[1:], link, nil,
			enforcement{Status: "none", ControlPlaneID: ptr("cp"), ServiceID: ptr("svc"), AuthStrategyIDs: []string{}, KeyNames: []string{}}},
		{"published before the link", pubs, nil, nil,
			enforcement{Status: "pending", AuthStrategyIDs: []string{"s1"}, KeyNames: []string{}}},
		{"applied", pubs, link, plugin, enforcement{Status: "applied", ControlPlaneID: ptr("cp"), ServiceID: ptr("svc"),
			PluginID: ptr("plugin"), AuthStrategyIDs: []string{"s1"}, KeyNames: []string{"apikey"}}},
		{"old node", pubs, stale, plugin, enforcement{Status: "pending", ControlPlaneID: ptr("cp"), ServiceID: ptr("svc"),
			PluginID: ptr("plugin"), AuthStrategyIDs: []string{"s1"}, KeyNames: []string{"apikey"}, SyncError: ptr("node dp-1 runs 3.4.0")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := enforcementOf(tt.pubs, tt.link, tt.plugin)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("enforcementOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAPIUpdateRequest(t *testing.T) {
	ctx := context.Background()
	state := apiResourceModel{
		Name: types.StringValue("orders"), Version: types.StringValue("v1"), Slug: types.StringValue("orders-v1"),
		Description: types.StringValue("old"),
		Labels:      types.MapValueMust(types.StringType, map[string]attr.Value{"team": types.StringValue("a")}),
	}
	plan := state
	plan.Version = types.StringNull()
	plan.Description = types.StringValue("new")
	plan.Labels = types.MapNull(types.StringType)
	got, diags := apiUpdateRequest(ctx, state, plan)
	if diags.HasError() {
		t.Fatal(diags)
	}
	body, _ := json.Marshal(got)
	if want := `{"version":null,"description":"new","labels":{"team":null}}`; string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
}

func TestGatewayServiceRequest(t *testing.T) {
	ctx := context.Background()
	m := gatewayServiceResourceModel{
		Name: types.StringNull(), Protocol: types.StringValue("https"), Host: types.StringValue("h"),
		Port: types.Int64Value(443), Path: types.StringNull(), Retries: types.Int64Value(5),
		ConnectTimeout: types.Int64Value(1), WriteTimeout: types.Int64Value(2), ReadTimeout: types.Int64Value(3),
		Enabled: types.BoolValue(false), Tags: types.ListValueMust(types.StringType, []attr.Value{types.StringValue("t")}),
	}
	got, diags := gatewayServiceRequest(ctx, m)
	if diags.HasError() {
		t.Fatal(diags)
	}
	body, _ := json.Marshal(got)
	want := `{"protocol":"https","host":"h","port":443,"retries":5,"connect_timeout":1,"write_timeout":2,"read_timeout":3,"enabled":false,"tags":["t"]}`
	if string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}

	var back gatewayServiceResourceModel
	back.Tags = types.ListValueMust(types.StringType, []attr.Value{})
	back.fromAPI(ctx, &client.GatewayService{ID: "s", Host: "h"})
	if back.Tags.IsNull() || len(back.Tags.Elements()) != 0 || !back.Name.IsNull() || !back.Path.IsNull() {
		t.Errorf("fromAPI kept shapes wrong: %+v", back)
	}
}
