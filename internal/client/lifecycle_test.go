package client_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// newBackendClient starts the bundled backend on loopback with a fresh
// database and returns a client for it.
func newBackendClient(t *testing.T) *client.Client {
	t.Helper()
	token := "spat_clienttestclienttestclienttest"
	srv, err := backend.New(context.Background(), backend.Config{
		DBPath:     pgtest.DB(t),
		AdminToken: token,
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("closing backend: %v", err)
		}
	})
	c, err := client.New(client.Config{ServerURL: hs.URL, Token: token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// must returns v, or stops the test when the call that produced it failed.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPublicationLifecycle drives every call of the lifecycle through the
// client against the real backend: the managed plugin follows the
// publication and the service link.
func TestPublicationLifecycle(t *testing.T) {
	ctx := context.Background()
	c := newBackendClient(t)

	strategy := must(c.CreateAuthStrategy(ctx, client.CreateAuthStrategyRequest{
		Name: "keys", DisplayName: "Keys", StrategyType: client.StrategyTypeKeyAuth,
		Configs: client.AuthStrategyConfigs{KeyAuth: &client.KeyAuthConfig{KeyNames: []string{"apikey"}}},
	}))
	portal := must(c.CreatePortal(ctx, client.CreatePortalRequest{Name: "partners"}))
	version := "v1"
	api := must(c.CreateAPI(ctx, client.CreateAPIRequest{Name: "Orders", Version: &version}))
	if api.Slug != "orders-v1" {
		t.Errorf("slug = %q, want the one derived from name and version", api.Slug)
	}
	if found := must(c.FindAPIsByName(ctx, "Orders")); len(found) != 1 || found[0].ID != api.ID {
		t.Errorf("FindAPIsByName = %+v", found)
	}
	cp := must(c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "edge"}))
	if cp.Config.ControlPlaneEndpoint == "" {
		t.Error("control plane has no endpoint")
	}
	name := "orders"
	svc := must(c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Name: &name, Host: "orders.internal"}))
	if svc.Port != client.DefaultServicePort || svc.Protocol != client.DefaultServiceProtocol || !svc.Enabled {
		t.Errorf("service defaults: %+v", svc)
	}
	if byName := must(c.GetGatewayService(ctx, cp.ID, "orders")); byName.ID != svc.ID {
		t.Errorf("service by name = %s, want %s", byName.ID, svc.ID)
	}

	pub := must(c.PublishAPI(ctx, api.ID, portal.ID, client.PublishRequest{AuthStrategyIDs: client.Value([]string{strategy.ID})}))
	if !slices.Equal(pub.AuthStrategyIDs, []string{strategy.ID}) || pub.Visibility != client.VisibilityPrivate {
		t.Errorf("publication = %+v", pub)
	}
	if p := must(c.ManagedApplicationAuthPlugin(ctx, cp.ID, svc.ID, api.ID)); p != nil {
		t.Fatalf("plugin %s applied before the link", p.ID)
	}

	link := must(c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID))
	if got := must(c.ImplementationsOfAPI(ctx, api.ID)); len(got) != 1 || got[0].ID != link.ID || got[0].APIID != api.ID {
		t.Errorf("ImplementationsOfAPI = %+v", got)
	}
	plugin := must(c.ManagedApplicationAuthPlugin(ctx, cp.ID, svc.ID, api.ID))
	if plugin == nil {
		t.Fatal("no managed plugin after the link")
	}
	cfg := must(plugin.ApplicationAuthConfig())
	if !slices.Equal(cfg.StrategyIDs(), []string{strategy.ID}) || !slices.Equal(cfg.KeyNames(), []string{"apikey"}) {
		t.Errorf("plugin config = %+v", cfg)
	}
	all := must(c.ListPlugins(ctx, cp.ID))
	if len(all) != 1 || all[0].Service == nil || all[0].Service.ID != svc.ID {
		t.Errorf("control plane plugins = %+v", all)
	}

	// Publishing without application auth removes the plugin.
	must(c.PublishAPI(ctx, api.ID, portal.ID, client.PublishRequest{AuthStrategyIDs: client.Null[[]string]()}))
	if got := must(c.GetPublication(ctx, api.ID, portal.ID)); got.AuthStrategyIDs != nil {
		t.Errorf("auth_strategy_ids = %v, want null", got.AuthStrategyIDs)
	}
	if p := must(c.ManagedApplicationAuthPlugin(ctx, cp.ID, svc.ID, api.ID)); p != nil {
		t.Errorf("plugin %s left after publishing without application auth", p.ID)
	}
	if pubs := must(c.PublicationsOfAPI(ctx, api.ID)); len(pubs) != 1 || pubs[0].PortalID != portal.ID {
		t.Errorf("PublicationsOfAPI = %+v", pubs)
	}

	if err := c.DeleteGatewayService(ctx, cp.ID, svc.ID); !client.IsConflict(err) {
		t.Errorf("deleting a linked service: err = %v, want 409", err)
	}
	node := must(c.RegisterNode(ctx, cp.ID, client.RegisterNodeRequest{Hostname: "dp-1", Version: "3.4.0"}))
	if got := must(c.GetImplementation(ctx, api.ID, link.ID)); got.Service.AuthStrategySyncError == nil {
		t.Error("no sync error while a 3.4 node is registered")
	}
	if nodes := must(c.ListNodes(ctx, cp.ID)); len(nodes) != 1 || nodes[0].Version != "3.4.0" {
		t.Errorf("ListNodes = %+v", nodes)
	}
	if err := c.DeleteNode(ctx, cp.ID, node.ID); err != nil {
		t.Fatal(err)
	}

	for _, err := range []error{
		c.UnpublishAPI(ctx, api.ID, portal.ID),
		c.DeleteImplementation(ctx, api.ID, link.ID),
		c.DeleteGatewayService(ctx, cp.ID, svc.ID),
		c.DeleteControlPlane(ctx, cp.ID),
		c.DeleteAPI(ctx, api.ID),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetAPI(ctx, api.ID); !client.IsNotFound(err) {
		t.Errorf("API after delete: err = %v, want 404", err)
	}
}

func TestRequestBodies(t *testing.T) {
	tests := map[string]struct {
		in   any
		want string
	}{
		"publish inheriting the portal default": {client.PublishRequest{}, `{}`},
		"publish without application auth": {
			client.PublishRequest{AuthStrategyIDs: client.Null[[]string](), Visibility: "public"},
			`{"auth_strategy_ids":null,"visibility":"public"}`,
		},
		"publish with a strategy": {
			client.PublishRequest{AuthStrategyIDs: client.Value([]string{"s"}), AutoApproveRegistrations: new(false)},
			`{"auth_strategy_ids":["s"],"auto_approve_registrations":false}`,
		},
		"api slug back to default": {
			client.UpdateAPIRequest{Slug: client.Null[string](), Version: client.Value("v2")},
			`{"version":"v2","slug":null}`,
		},
		"service": {
			client.GatewayServiceRequest{Host: "h", Port: new(int64(8080)), Enabled: new(false)},
			`{"host":"h","port":8080,"enabled":false}`,
		},
		"link": {
			client.CreateImplementationRequest{Service: client.ImplementationServiceRef{ControlPlaneID: "c", ID: "s"}},
			`{"service":{"control_plane_id":"c","id":"s"}}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("body = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestApplicationAuthConfig(t *testing.T) {
	p := client.Plugin{
		ID: "p", Name: client.ApplicationAuthPluginName, Tags: []string{client.ManagedPluginTag},
		Config: json.RawMessage(`{"scope":"api-1","auth_type":"v2-strategies","v2_strategies":{
			"key_auth":[{"strategy_id":"b","config":{"key_names":["x-key","apikey"]}},{"strategy_id":"a","config":{"key_names":["apikey"]}}],
			"openid_connect":[{"strategy_id":"c","config":{"issuer":"https://idp.example.com"}}]}}`),
	}
	if !p.IsManagedApplicationAuth() {
		t.Error("not recognised as the managed plugin")
	}
	cfg, err := p.ApplicationAuthConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Scope != "api-1" {
		t.Errorf("scope = %q", cfg.Scope)
	}
	if got := cfg.StrategyIDs(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("StrategyIDs = %v", got)
	}
	if got := cfg.KeyNames(); !slices.Equal(got, []string{"apikey", "x-key"}) {
		t.Errorf("KeyNames = %v", got)
	}
	if (client.Plugin{Name: client.ApplicationAuthPluginName}).IsManagedApplicationAuth() {
		t.Error("a plugin without the managed tag is not the managed plugin")
	}
	if _, err := (client.Plugin{ID: "q", Name: "rate-limiting"}).ApplicationAuthConfig(); err == nil {
		t.Error("decoding another plugin's config must fail")
	}
}
