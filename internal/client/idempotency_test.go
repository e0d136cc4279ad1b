package client

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/faultproxy"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// TestCreatesThroughAFaultyProxyMakeOneObject drives the calls that create, change and delete
// objects through a proxy that spoils the first try of each, after the backend did the work or
// before. Every call succeeds, with no false 409, and every create leaves exactly one object.
func TestCreatesThroughAFaultyProxyMakeOneObject(t *testing.T) {
	for _, f := range []faultproxy.Fault{faultproxy.DropAfterForwarding, faultproxy.UnavailableAfterForwarding, faultproxy.UnavailableBeforeForwarding} {
		t.Run(f.String(), func(t *testing.T) {
			token := "spat_idempotencytestidempotencytest"
			srv, err := backend.New(t.Context(), backend.Config{DBPath: pgtest.DB(t), AdminToken: token})
			if err != nil {
				t.Fatal(err)
			}
			be := httptest.NewServer(srv.Handler())
			t.Cleanup(func() {
				be.Close()
				if err := srv.Close(); err != nil {
					t.Errorf("closing backend: %v", err)
				}
			})
			proxy, proxyURL := faultproxy.Start(t, be.URL, f, faultproxy.Options{})
			c, err := New(Config{ServerURL: proxyURL, Token: token, MaxRetries: 3})
			if err != nil {
				t.Fatal(err)
			}
			c.http.RetryWaitMin, c.http.RetryWaitMax = time.Millisecond, 5*time.Millisecond
			direct, err := New(Config{ServerURL: be.URL, Token: token, MaxRetries: -1})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			check := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s through the proxy: %v", what, err)
				}
			}
			count := func(what string, n, want int, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("counting %s: %v", what, err)
				}
				if n != want {
					t.Errorf("%d %s, want %d", n, what, want)
				}
			}

			strategy, err := c.CreateAuthStrategy(ctx, CreateAuthStrategyRequest{Name: "keys", DisplayName: "Keys", StrategyType: StrategyTypeKeyAuth,
				Configs: AuthStrategyConfigs{KeyAuth: &KeyAuthConfig{KeyNames: []string{"apikey"}}}})
			check("CreateAuthStrategy", err)
			yes := true
			portal, err := c.CreatePortal(ctx, CreatePortalRequest{Name: "partners", AuthenticationEnabled: &yes,
				DefaultApplicationAuthStrategyID: Value(strategy.ID)})
			check("CreatePortal", err)
			version := "v1"
			api, err := c.CreateAPI(ctx, CreateAPIRequest{Name: "Orders", Version: &version})
			check("CreateAPI", err)
			cp, err := c.CreateControlPlane(ctx, CreateControlPlaneRequest{Name: "edge"})
			check("CreateControlPlane", err)
			name := "orders"
			svc, err := c.CreateGatewayService(ctx, cp.ID, GatewayServiceRequest{Name: &name, Host: "orders.internal"})
			check("CreateGatewayService", err)
			_, err = c.RegisterNode(ctx, cp.ID, RegisterNodeRequest{Hostname: "node-1", Version: "3.9.0"})
			check("RegisterNode", err)
			_, err = c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID)
			check("CreateImplementation", err)
			_, err = c.PublishAPI(ctx, api.ID, portal.ID, PublishRequest{})
			check("PublishAPI", err)
			dev, err := c.CreateDeveloper(ctx, portal.ID, CreateDeveloperRequest{Email: "ada@example.com", FullName: "Ada", Status: "approved"})
			check("CreateDeveloper", err)
			app, err := c.CreateApplication(ctx, portal.ID, CreateApplicationRequest{Name: "invoicing", Owner: DeveloperOwner(dev.ID)})
			check("CreateApplication", err)
			_, err = c.CreateRegistration(ctx, portal.ID, app.ID, CreateRegistrationRequest{APIID: api.ID, Status: "approved"})
			check("CreateRegistration", err)
			key, err := c.IssueAPIKey(ctx, portal.ID, app.ID, IssueAPIKeyRequest{DisplayName: "ci"})
			check("IssueAPIKey", err)
			if key.Secret == "" {
				t.Error("the issued key has no secret")
			}
			renamed := "billing"
			_, err = c.UpdateApplication(ctx, portal.ID, app.ID, UpdateApplicationRequest{Name: &renamed})
			check("UpdateApplication", err)

			strategies, err := direct.FindAuthStrategiesByName(ctx, "keys")
			count("strategies", len(strategies), 1, err)
			portals, err := direct.FindPortalsByName(ctx, "partners")
			count("portals", len(portals), 1, err)
			apis, err := direct.FindAPIsByName(ctx, "Orders")
			count("APIs", len(apis), 1, err)
			services, err := direct.ListGatewayServices(ctx, cp.ID)
			count("gateway services", len(services), 1, err)
			nodes, err := direct.ListNodes(ctx, cp.ID)
			count("nodes", len(nodes), 1, err)
			impls, err := direct.ImplementationsOfAPI(ctx, api.ID)
			count("implementations", len(impls), 1, err)
			devs, err := direct.ListAllDevelopers(ctx, portal.ID, DeveloperListOptions{})
			count("developers", len(devs), 1, err)
			apps, err := direct.ListApplications(ctx, portal.ID, ApplicationListOptions{})
			if err == nil && len(apps.Data) == 1 && apps.Data[0].Name != renamed {
				t.Errorf("application name %q, want %q", apps.Data[0].Name, renamed)
			}
			count("applications", total(apps), 1, err)
			regs, err := direct.ListAllPortalRegistrations(ctx, portal.ID, RegistrationListOptions{})
			count("registrations", len(regs), 1, err)
			keys, err := direct.ListAllCredentials(ctx, portal.ID, app.ID)
			count("API keys", len(keys), 1, err)
			if err == nil && len(keys) == 1 && keys[0].ID != key.ID {
				t.Errorf("the stored key is %s, the client was given %s", keys[0].ID, key.ID)
			}

			// A delete whose first answer was lost gets that answer again, not a 404.
			check("DeleteCredential", c.DeleteCredential(ctx, portal.ID, app.ID, key.ID))
			keys, err = direct.ListAllCredentials(ctx, portal.ID, app.ID)
			count("API keys after the delete", len(keys), 0, err)

			if n := proxy.Faults(); n < 14 {
				t.Errorf("the proxy spoiled %d first tries, want one per call (14)", n)
			}
		})
	}
}

func total[T any](p *Page[T]) int {
	if p == nil {
		return 0
	}
	return p.Meta.Page.Total
}
