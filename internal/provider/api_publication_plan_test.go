package provider

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/pgtest"
)

// TestPublicationStrategyChangeWarnsOfSuspendedRegistrations plans a change of a publication's
// strategy against the bundled backend, where two applications are registered with the API under
// the current strategy, and checks the warning that counts them.
func TestPublicationStrategyChangeWarnsOfSuspendedRegistrations(t *testing.T) {
	ctx := context.Background()
	c := newPlanTestBackend(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	portal, err := c.CreatePortal(ctx, client.CreatePortalRequest{Name: "partners"})
	must(err)
	keyAuth := *portal.DefaultApplicationAuthStrategyID
	other, err := c.CreateAuthStrategy(ctx, client.CreateAuthStrategyRequest{Name: "other-keys", DisplayName: "Keys",
		StrategyType: client.StrategyTypeKeyAuth, Configs: client.AuthStrategyConfigs{KeyAuth: &client.KeyAuthConfig{KeyNames: []string{"x-key"}}}})
	must(err)
	api, err := c.CreateAPI(ctx, client.CreateAPIRequest{Name: "Orders"})
	must(err)
	cp, err := c.CreateControlPlane(ctx, client.CreateControlPlaneRequest{Name: "edge"})
	must(err)
	name := "orders"
	svc, err := c.CreateGatewayService(ctx, cp.ID, client.GatewayServiceRequest{Name: &name, Host: "orders.internal"})
	must(err)
	_, err = c.CreateImplementation(ctx, api.ID, cp.ID, svc.ID)
	must(err)
	_, err = c.PublishAPI(ctx, api.ID, portal.ID, client.PublishRequest{})
	must(err)
	for _, email := range []string{"ada@example.com", "bob@example.com"} {
		dev, err := c.CreateDeveloper(ctx, portal.ID, client.CreateDeveloperRequest{Email: email, FullName: email, Status: client.DeveloperApproved})
		must(err)
		app, err := c.CreateApplication(ctx, portal.ID, client.CreateApplicationRequest{Name: "app of " + email, Owner: client.DeveloperOwner(dev.ID)})
		must(err)
		_, err = c.CreateRegistration(ctx, portal.ID, app.ID, client.CreateRegistrationRequest{APIID: api.ID, Status: client.RegistrationApproved})
		must(err)
	}

	r := &apiPublicationResource{client: c}
	state := publicationModel(api.ID, portal.ID, keyAuth)
	tests := []struct {
		name string
		plan apiPublicationResourceModel
		want []string // fragments of the warning; nil for none
	}{
		{"strategy unchanged", publicationModel(api.ID, portal.ID, keyAuth), nil},
		{"another strategy", publicationModel(api.ID, portal.ID, other.ID), []string{
			`API "Orders" (` + api.ID + `) to portal "partners" (` + portal.ID + `)`,
			"from strategy " + keyAuth + " to strategy " + other.ID, "suspends 2 application registrations",
			"stop granting access", "goes back to strategy " + keyAuth,
		}},
		{"a strategy created in the same apply", func() apiPublicationResourceModel {
			m := publicationModel(api.ID, portal.ID, keyAuth)
			m.AuthStrategyID = types.StringUnknown()
			return m
		}(), []string{"to a strategy known after apply suspends 2 application registrations"}},
		{"application auth dropped", func() apiPublicationResourceModel {
			m := publicationModel(api.ID, portal.ID, "")
			m.DisableApplicationAuth = types.BoolValue(true)
			return m
		}(), []string{"to no application auth suspends 2 application registrations"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := modifyPlanRequest(t, r, state, tt.plan)
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			got := warningDetails(resp.Diagnostics)
			if tt.want == nil {
				if len(got) != 0 {
					t.Errorf("unexpected warnings %v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("warnings %v, want one", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("warning lacks %q: %s", w, got[0])
				}
			}
		})
	}
}

// newPlanTestBackend starts the bundled backend on loopback with a temporary database and
// returns a client for it.
func newPlanTestBackend(t *testing.T) *client.Client {
	t.Helper()
	const token = "spat_plantestplantestplantestplantest"
	srv, err := backend.New(context.Background(), backend.Config{DBPath: pgtest.DB(t), AdminToken: token})
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
	c, err := client.New(client.Config{ServerURL: hs.URL, Region: "us", Token: token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// publicationModel is a publication of apiID to portalID with strategyID ("" for none).
func publicationModel(apiID, portalID, strategyID string) apiPublicationResourceModel {
	m := apiPublicationResourceModel{
		ID: types.StringValue(publicationID(apiID, portalID)), APIID: types.StringValue(apiID), PortalID: types.StringValue(portalID),
		AuthStrategyID: types.StringNull(), DisableApplicationAuth: types.BoolValue(strategyID == ""),
		Visibility: types.StringValue(client.VisibilityPrivate), AutoApproveRegistrations: types.BoolValue(false),
	}
	if strategyID != "" {
		m.AuthStrategyID = types.StringValue(strategyID)
	}
	return m
}

// modifyPlanRequest builds the request Terraform sends for an update from state to plan, with
// the plan as the configuration.
func modifyPlanRequest(t *testing.T, r *apiPublicationResource, state, plan apiPublicationResourceModel) resource.ModifyPlanRequest {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	null := tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)
	s := tfsdk.State{Schema: sr.Schema, Raw: null}
	p := tfsdk.Plan{Schema: sr.Schema, Raw: null}
	var diags diag.Diagnostics
	diags.Append(s.Set(ctx, &state)...)
	diags.Append(p.Set(ctx, &plan)...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return resource.ModifyPlanRequest{State: s, Plan: p, Config: tfsdk.Config{Schema: sr.Schema, Raw: p.Raw}}
}

func warningDetails(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity() == diag.SeverityWarning {
			out = append(out, d.Detail())
		}
	}
	return out
}
