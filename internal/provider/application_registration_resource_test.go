package provider_test

import (
	"context"
	"fmt"
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

const registrationAddr = "devportal_application_registration.test"

// registrationConfig declares an approved developer, an application and its registration with
// the fixture's API.
func registrationConfig(f portalFixture, email, extra string) string {
	return fixtureLocals(f) + fmt.Sprintf(`
resource "devportal_developer" "test" {
  portal_id = local.portal_id
  email     = %q
  full_name = "Registrant"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id    = local.portal_id
  name         = "registrant-app"
  developer_id = devportal_developer.test.id
}

resource "devportal_application_registration" "test" {
  portal_id      = local.portal_id
  application_id = devportal_application.test.id
  api_id         = local.api_id
%s
}
`, email, extra)
}

func TestAccApplicationRegistration_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{})
	email := randomEmail("reg")
	c := acctest.Client(t)
	var appID, id string
	importID := func(*terraformState) (string, error) { return f.PortalID + "/" + appID + "/" + id, nil }
	serverStatus := func(want string) resource.TestCheckFunc {
		return func(*terraformState) error {
			reg, err := c.GetRegistration(context.Background(), f.PortalID, appID, id)
			if err != nil {
				return err
			}
			if reg.Status != want {
				return fmt.Errorf("registration %s has status %q on the server, want %q", id, reg.Status, want)
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Without a status the approval rules decide: the portal asks for approval.
				Config: registrationConfig(f, email, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(registrationAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(registrationAddr, tfjsonpath.New("api_name"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrWith("devportal_application.test", "id", func(v string) error { appID = v; return nil }),
					resource.TestCheckResourceAttrWith(registrationAddr, "id", func(v string) error { id = v; return nil }),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The administrator approves in place; the gateway then knows the application.
				Config: registrationConfig(f, email, `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(registrationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(serverStatus("approved"), func(*terraformState) error {
					if _, ok := gatewayKeyHashes(t, f.ControlPlaneID)[appID]; !ok {
						return fmt.Errorf("approved application %s missing from the gateway data", appID)
					}
					return nil
				}),
			},
			{
				// Revoking is in place too, and stops the gateway from honouring the application.
				Config: registrationConfig(f, email, `  status = "revoked"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(registrationAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(serverStatus("revoked"), func(*terraformState) error {
					if _, ok := gatewayKeyHashes(t, f.ControlPlaneID)[appID]; ok {
						return fmt.Errorf("revoked application %s still in the gateway data", appID)
					}
					return nil
				}),
			},
			{
				ResourceName:      registrationAddr,
				ImportState:       true,
				ImportStateIdFunc: importID,
				ImportStateVerify: true,
			},
			{
				Config:            registrationConfig(f, email, `  status = "revoked"`),
				ResourceName:      registrationAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID,
			},
			{
				// An approval given elsewhere is detected and undone.
				PreConfig: func() {
					if _, err := c.UpdateRegistration(context.Background(), f.PortalID, appID, id,
						client.UpdateRegistrationRequest{Status: client.RegistrationApproved}); err != nil {
						t.Fatalf("approving registration %s out of band: %v", id, err)
					}
				},
				Config: registrationConfig(f, email, `  status = "revoked"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(registrationAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(registrationAddr, tfjsonpath.New("status"), knownvalue.StringExact("revoked")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: serverStatus("revoked"),
			},
			{
				// Leaving status out afterwards keeps the last decision.
				Config: registrationConfig(f, email, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A registration deleted behind Terraform's back is made again.
				PreConfig: func() {
					if err := c.DeleteRegistration(context.Background(), f.PortalID, appID, id); err != nil {
						t.Fatalf("deleting registration %s out of band: %v", id, err)
					}
				},
				Config: registrationConfig(f, email, `  status = "approved"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(registrationAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(registrationAddr, tfjsonpath.New("status"), knownvalue.StringExact("approved")),
				},
			},
		},
	})
}

// TestAccApplicationRegistration_approvalRules checks the status a registration starts with.
func TestAccApplicationRegistration_approvalRules(t *testing.T) {
	tests := map[string]struct {
		opts  fixtureOptions
		extra string
		want  string
	}{
		"approval required":            {fixtureOptions{}, "", "pending"},
		"portal auto-approves":         {fixtureOptions{autoApproveApplications: true}, "", "approved"},
		"publication auto-approves":    {fixtureOptions{autoApproveRegistration: true}, "", "approved"},
		"explicit status wins":         {fixtureOptions{autoApproveApplications: true}, `  status = "pending"`, "pending"},
		"explicit approval":            {fixtureOptions{}, `  status = "approved"`, "approved"},
		"explicit rejection at create": {fixtureOptions{autoApproveRegistration: true}, `  status = "rejected"`, "rejected"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			acctest.PreCheck(t)
			f := newPortalFixture(t, tt.opts)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: registrationConfig(f, randomEmail("rule"), tt.extra),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(registrationAddr, tfjsonpath.New("status"), knownvalue.StringExact(tt.want)),
					},
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
				}},
			})
		})
	}
}

// TestAccApplicationRegistration_unpublishedAPI shows the server's refusal in the diagnostic.
func TestAccApplicationRegistration_unpublishedAPI(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	f.APIID = "0b6d7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      registrationConfig(f, randomEmail("unpub"), ""),
			ExpectError: regexp.MustCompile(`(?s)Unable to register application.*404.*not published.*publish\s+the\s+API\s+with\s+devportal_api_publication`),
		}},
	})
}

// TestAccApplicationRegistration_apiRenamedInSameApply renames the API while changing the
// registration's status: api_name, which the API's resource changes, is read after the update
// rather than carried over from the state.
func TestAccApplicationRegistration_apiRenamedInSameApply(t *testing.T) {
	acctest.PreCheck(t)
	f := newPortalFixture(t, fixtureOptions{withoutAPI: true})
	name, email := acctest.RandomName("reg-rename"), randomEmail("reg-rename")
	config := func(apiName, status string) string {
		return fixtureLocals(f) + fmt.Sprintf(`
resource "devportal_control_plane" "test" {
  name = %[1]q
}

resource "devportal_gateway_service" "test" {
  control_plane_id = devportal_control_plane.test.id
  name             = "orders"
  host             = "orders.internal"
}

resource "devportal_api" "test" {
  name = %[2]q
}

resource "devportal_api_service_link" "test" {
  api_id           = devportal_api.test.id
  control_plane_id = devportal_control_plane.test.id
  service_id       = devportal_gateway_service.test.id
}

resource "devportal_api_publication" "test" {
  api_id    = devportal_api.test.id
  portal_id = local.portal_id
}

resource "devportal_developer" "test" {
  portal_id = local.portal_id
  email     = %[3]q
  full_name = "Registrant"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id    = local.portal_id
  name         = "registrant-app"
  developer_id = devportal_developer.test.id
}

resource "devportal_application_registration" "test" {
  portal_id      = local.portal_id
  application_id = devportal_application.test.id
  api_id         = devportal_api_publication.test.api_id
  status         = %[4]q
  depends_on     = [devportal_api_service_link.test]
}
`, name, apiName, email, status)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(name+"-a", "pending")},
			{
				Config: config(name+"-b", "approved"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(registrationAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(registrationAddr, tfjsonpath.New("api_name"), knownvalue.StringExact(name+"-b")),
				},
			},
		},
	})
}
