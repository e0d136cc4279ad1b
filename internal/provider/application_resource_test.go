package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const applicationAddr = "devportal_application.test"

// applicationConfig declares two approved developers, a and b, and an application.
func applicationConfig(f portalFixture, emailA, emailB, body string) string {
	return fixtureLocals(f) + fmt.Sprintf(`
resource "devportal_developer" "a" {
  portal_id = local.portal_id
  email     = %q
  full_name = "Developer A"
  status    = "approved"
}

resource "devportal_developer" "b" {
  portal_id = local.portal_id
  email     = %q
  full_name = "Developer B"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id = local.portal_id
%s
}
`, emailA, emailB, body)
}

func TestAccApplication_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	a, b := randomEmail("owner-a"), randomEmail("owner-b")
	var id string
	c := acctest.Client(t)
	importID := func(*terraformState) (string, error) { return f.PortalID + "/" + id, nil }
	renamed := `
  name         = "billing-renamed"
  developer_id = devportal_developer.b.id
  labels       = { team = "billing" }`

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: applicationConfig(f, a, b, `
  name         = "billing"
  developer_id = devportal_developer.a.id`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("auth_strategy_id"), knownvalue.StringExact(f.StrategyID)),
					statecheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("labels"), knownvalue.Null()),
					statecheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("description"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair(applicationAddr, "developer_id", "devportal_developer.a", "id"),
					resource.TestCheckResourceAttrWith(applicationAddr, "id", func(v string) error {
						id = v
						// Applications are regional: another region does not see this one.
						if _, err := acctest.RegionClient(t, "eu").GetApplication(context.Background(), f.PortalID, v); !client.IsNotFound(err) {
							return fmt.Errorf("application %s of us seen from eu: err = %v", v, err)
						}
						return nil
					}),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Name, owner and labels change in place.
				Config: applicationConfig(f, a, b, renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(applicationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					app, err := c.GetApplication(context.Background(), f.PortalID, id)
					if err != nil {
						return err
					}
					if app.Name != "billing-renamed" || app.Labels["team"] != "billing" {
						return fmt.Errorf("server kept old values: %+v", app)
					}
					return nil
				},
			},
			{
				ResourceName:      applicationAddr,
				ImportState:       true,
				ImportStateIdFunc: importID,
				ImportStateVerify: true,
			},
			{
				Config:            applicationConfig(f, a, b, renamed),
				ResourceName:      applicationAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID,
			},
			{
				// A rename behind Terraform's back is detected and undone in place.
				PreConfig: func() {
					name := "renamed-elsewhere"
					if _, err := c.UpdateApplication(context.Background(), f.PortalID, id, client.UpdateApplicationRequest{Name: &name}); err != nil {
						t.Fatalf("renaming application %s out of band: %v", id, err)
					}
				},
				Config: applicationConfig(f, a, b, renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(applicationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("name"), knownvalue.StringExact("billing-renamed")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Removing the labels clears them on the server.
				Config: applicationConfig(f, a, b, `
  name         = "billing-renamed"
  developer_id = devportal_developer.b.id`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(applicationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					app, err := c.GetApplication(context.Background(), f.PortalID, id)
					if err != nil {
						return err
					}
					if len(app.Labels) != 0 {
						return fmt.Errorf("labels left on the server: %v", app.Labels)
					}
					return nil
				},
			},
			{
				// An application deleted behind Terraform's back is created again.
				PreConfig: func() {
					if err := c.DeleteApplication(context.Background(), f.PortalID, id); err != nil {
						t.Fatalf("deleting application %s out of band: %v", id, err)
					}
				},
				Config: applicationConfig(f, a, b, `
  name         = "billing-renamed"
  developer_id = devportal_developer.b.id`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(applicationAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccApplication_importSelfService imports an application a developer created in the portal,
// with the description only they can set.
func TestAccApplication_importSelfService(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true, autoApproveDevelopers: true})
	email := randomEmail("self-app")
	dev := newDeveloperSession(t, f.PortalID, email)
	dev.signUp("Katherine Johnson")
	if status := dev.login(); status != http.StatusNoContent {
		t.Fatalf("login: status %d", status)
	}
	devID := dev.me()
	res := dev.do(http.MethodPost, "/applications", map[string]any{"name": "orbits", "description": "Trajectory checks"}).
		expect(t, "create application", http.StatusCreated)
	appID, _ := res.Body["id"].(string)

	config := fixtureLocals(f) + fmt.Sprintf(`
resource "devportal_application" "test" {
  portal_id    = local.portal_id
  name         = "orbits"
  developer_id = %q
}
`, devID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          config,
			ResourceName:    applicationAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   f.PortalID + "/" + appID,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("description"), knownvalue.StringExact("Trajectory checks")),
					plancheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("auth_strategy_id"), knownvalue.StringExact(f.StrategyID)),
				},
			},
		}},
	})
}

// TestAccApplication_regions manages an application in eu: the eu API knows it, the us API does not.
func TestAccApplication_regions(t *testing.T) {
	name := acctest.RandomName("portal-eu")
	config := acctest.ProviderConfig("eu") + fmt.Sprintf(`
resource "devportal_portal" "eu" {
  name          = %q
  force_destroy = true
}

resource "devportal_developer" "eu" {
  portal_id = devportal_portal.eu.id
  email     = %q
  full_name = "EU Developer"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id    = devportal_portal.eu.id
  name         = "eu-app"
  developer_id = devportal_developer.eu.id
}
`, name, randomEmail("eu"))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraformState) error {
				app := s.RootModule().Resources[applicationAddr].Primary
				portalID, id := app.Attributes["portal_id"], app.ID
				ctx := context.Background()
				if _, err := acctest.RegionClient(t, "eu").GetApplication(ctx, portalID, id); err != nil {
					return fmt.Errorf("application %s not found in eu: %w", id, err)
				}
				if _, err := acctest.RegionClient(t, "us").GetApplication(ctx, portalID, id); !client.IsNotFound(err) {
					return fmt.Errorf("application %s of eu seen from us: err = %v", id, err)
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

func TestAccApplication_developerOfAnotherPortal(t *testing.T) {
	config := fmt.Sprintf(`
resource "devportal_portal" "a" {
  name          = %q
  force_destroy = true
}

resource "devportal_portal" "b" {
  name          = %q
  force_destroy = true
}

resource "devportal_developer" "b" {
  portal_id = devportal_portal.b.id
  email     = %q
  full_name = "Developer B"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id    = devportal_portal.a.id
  name         = "misplaced-owner"
  developer_id = devportal_developer.b.id
}
`, acctest.RandomName("portal-a"), acctest.RandomName("portal-b"), randomEmail("other-portal"))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)in resource "devportal_application" "test":\s+\d+:\s+developer_id =.*the server answered 400: developer_id:\s+no developer with id`),
		}},
	})
}

// TestAccApplication_openIDConnectClientID gives one application of an OpenID Connect strategy
// the client id its identity provider knows and lets the server generate the other's; both read
// back, import, and a new client id replaces the application.
func TestAccApplication_openIDConnectClientID(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	a, b := randomEmail("oidc-a"), randomEmail("oidc-b")
	clientID := acctest.RandomName("partner-client")
	body := func(clientID string) string {
		return fmt.Sprintf(`
  name             = "token-app"
  developer_id     = devportal_developer.a.id
  auth_strategy_id = devportal_application_auth_strategy.tokens.id
  client_id        = %q
}

resource "devportal_application" "generated" {
  portal_id        = local.portal_id
  name             = "token-app-generated"
  developer_id     = devportal_developer.b.id
  auth_strategy_id = devportal_application_auth_strategy.tokens.id
}

resource "devportal_application_auth_strategy" "tokens" {
  name          = %q
  display_name  = "Partner tokens"
  openid_connect = {
    issuer           = "https://idp.example.com/oauth2"
    credential_claim = ["client_id"]
    scopes           = ["orders"]
    auth_methods     = ["bearer"]
  }`, clientID, acctest.RandomName("tokens"))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: applicationConfig(f, a, b, body(clientID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(clientID)),
					statecheck.ExpectKnownValue("devportal_application.generated", tfjsonpath.New("client_id"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      applicationAddr,
				ImportState:       true,
				ImportStateIdFunc: importID(applicationAddr, "portal_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config: applicationConfig(f, a, b, body(clientID+"-2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(applicationAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(applicationAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(clientID+"-2")),
				},
			},
		},
	})
}
