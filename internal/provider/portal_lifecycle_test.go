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

// checkNoManagedStrategy fails when the key-auth strategy the server creates with portal name is
// still there: after the apply the portal does not need it.
func checkNoManagedStrategy(t *testing.T, name string) func(*terraformState) error {
	return func(*terraformState) error {
		left, err := acctest.Client(t).FindAuthStrategiesByName(context.Background(), name+"-key-auth")
		if err != nil {
			return err
		}
		if len(left) != 0 {
			return fmt.Errorf("strategy %s (%s) was left behind", left[0].Name, left[0].ID)
		}
		return nil
	}
}

// TestAccPortal_withoutAuthentication creates a portal with authentication off in one apply and
// checks that no key-auth strategy is left for it.
func TestAccPortal_withoutAuthentication(t *testing.T) {
	name := acctest.RandomName("public")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalsGone(t),
		Steps: []resource.TestStep{{
			Config: portalConfig(name, ``) + `
resource "devportal_portal_security" "test" {
  portal_id              = devportal_portal.test.id
  authentication_enabled = false
}
`,
			Check: checkNoManagedStrategy(t, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("devportal_portal_security.test", tfjsonpath.New("default_application_auth_strategy_id"), knownvalue.StringExact("")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccPortal_chosenDefaultStrategy creates a portal and gives it a strategy of its own as the
// default in the same apply, and checks that no key-auth strategy is left for it.
func TestAccPortal_chosenDefaultStrategy(t *testing.T) {
	name := acctest.RandomName("chosen")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalsGone(t),
		Steps: []resource.TestStep{{
			Config: portalConfig(name, ``) + fmt.Sprintf(`
resource "devportal_application_auth_strategy" "test" {
  name         = "%s-chosen"
  display_name = "API key"
  key_auth     = { key_names = ["apikey"] }
}

resource "devportal_portal_security" "test" {
  portal_id                            = devportal_portal.test.id
  default_application_auth_strategy_id = devportal_application_auth_strategy.test.id
}
`, name),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkNoManagedStrategy(t, name),
				resource.TestCheckResourceAttrPair("devportal_portal_security.test", "default_application_auth_strategy_id",
					"devportal_application_auth_strategy.test", "id"),
			),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccPortal_authenticationTurnedOff turns authentication off on an existing portal without
// naming a default strategy: the plan leaves the default to the server, which deletes the
// strategy it created with the portal.
func TestAccPortal_authenticationTurnedOff(t *testing.T) {
	name := acctest.RandomName("closing")
	security := func(body string) string {
		return portalConfig(name, ``) + fmt.Sprintf(`
resource "devportal_portal_security" "test" {
  portal_id = devportal_portal.test.id
  %s
}
`, body)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalsGone(t),
		Steps: []resource.TestStep{
			{
				Config: security(`auto_approve_developers = true`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_portal_security.test", tfjsonpath.New("default_application_auth_strategy_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
				},
			},
			{
				Config: security("auto_approve_developers = true\n  authentication_enabled = false"),
				Check:  checkNoManagedStrategy(t, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_portal_security.test", tfjsonpath.New("default_application_auth_strategy_id"), knownvalue.StringExact("")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue("devportal_portal_security.test", tfjsonpath.New("default_application_auth_strategy_id")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccPortal_forceDestroy destroys a portal in which a developer signed up: refused with the
// server's count until force_destroy is set, then deleted with the developer.
func TestAccPortal_forceDestroy(t *testing.T) {
	name := acctest.RandomName("occupied")
	var portalID, developerID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(s *terraformState) error {
			if err := checkPortalsGone(t)(s); err != nil {
				return err
			}
			_, err := acctest.Client(t).GetDeveloper(context.Background(), portalID, developerID)
			if !client.IsNotFound(err) {
				return fmt.Errorf("developer %s of the deleted portal: err = %v, want 404", developerID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: portalConfig(name, ``),
				Check: resource.TestCheckResourceAttrWith("devportal_portal.test", "id", func(id string) error {
					portalID = id
					d, err := acctest.Client(t).CreateDeveloper(context.Background(), id,
						client.CreateDeveloperRequest{Email: randomEmail("occupant"), FullName: "Occupant"})
					if err != nil {
						return err
					}
					developerID = d.ID
					return nil
				}),
			},
			{
				Config:      portalConfig(name, ``),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Unable to delete portal.*still has 1 developer and 0\s+applications.*force_destroy\s+=\s+true`),
			},
			{
				Config: portalConfig(name, `force_destroy = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_portal.test", plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}
