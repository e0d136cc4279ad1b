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
)

const pubRes = "devportal_api_publication.test"

// TestAccAPIPublication_authStrategyModes walks the three ways to choose the
// strategy (inherit the portal default, a given strategy, no application
// auth) through every transition, and imports each mode with an empty plan.
func TestAccAPIPublication_authStrategyModes(t *testing.T) {
	name := acctest.RandomName("pub")
	var apiID, portalID string
	inherit := publicationConfig(name, ``)
	explicit := publicationConfig(name, `
  auth_strategy_id           = devportal_application_auth_strategy.explicit.id
  visibility                 = "public"
  auto_approve_registrations = true`)
	disabled := publicationConfig(name, `
  disable_application_auth = true`)
	enabled := publicationConfig(name, `
  disable_application_auth = false`)
	importSteps := func(config string) []resource.TestStep {
		return []resource.TestStep{
			{ResourceName: pubRes, ImportState: true, ImportStateVerify: true},
			{Config: config, ResourceName: pubRes, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
		}
	}
	update := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(pubRes, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction("devportal_api.test", plancheck.ResourceActionNoop),
		},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	steps := []resource.TestStep{{
		Config: inherit,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(pubRes, tfjsonpath.New("disable_application_auth"), knownvalue.Bool(false)),
			statecheck.ExpectKnownValue(pubRes, tfjsonpath.New("visibility"), knownvalue.StringExact("private")),
			statecheck.ExpectKnownValue(pubRes, tfjsonpath.New("auto_approve_registrations"), knownvalue.Bool(false)),
		},
		Check: resource.ComposeTestCheckFunc(
			func(s *terraformState) error {
				rs := s.RootModule().Resources[pubRes]
				apiID, portalID = rs.Primary.Attributes["api_id"], rs.Primary.Attributes["portal_id"]
				return nil
			},
			checkPublicationUsesPortalDefault(t),
		),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
	}}
	steps = append(steps, importSteps(inherit)...)
	steps = append(steps, resource.TestStep{
		Config:           explicit,
		ConfigPlanChecks: update,
		Check: resource.ComposeTestCheckFunc(
			resource.TestCheckResourceAttrPair(pubRes, "auth_strategy_id", "devportal_application_auth_strategy.explicit", "id"),
			resource.TestCheckResourceAttr(pubRes, "visibility", "public"),
			resource.TestCheckResourceAttr(pubRes, "auto_approve_registrations", "true"),
			checkServerPublication(t, &apiID, &portalID, "devportal_application_auth_strategy.explicit"),
		),
	})
	steps = append(steps, importSteps(explicit)...)
	steps = append(steps, resource.TestStep{
		Config:           disabled,
		ConfigPlanChecks: update,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(pubRes, tfjsonpath.New("auth_strategy_id"), knownvalue.Null()),
			statecheck.ExpectKnownValue(pubRes, tfjsonpath.New("disable_application_auth"), knownvalue.Bool(true)),
			// Left out, visibility keeps what the publication has.
			statecheck.ExpectKnownValue(pubRes, tfjsonpath.New("visibility"), knownvalue.StringExact("public")),
		},
		Check: checkServerPublication(t, &apiID, &portalID, ""),
	})
	steps = append(steps, importSteps(disabled)...)
	steps = append(steps,
		resource.TestStep{
			Config:           explicit,
			ConfigPlanChecks: update,
			Check:            checkServerPublication(t, &apiID, &portalID, "devportal_application_auth_strategy.explicit"),
		},
		resource.TestStep{
			// Dropping the explicit strategy keeps it: the portal default applies at publish time only.
			Config: inherit,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pubRes, plancheck.ResourceActionUpdate)},
			},
			Check: resource.TestCheckResourceAttrPair(pubRes, "auth_strategy_id", "devportal_application_auth_strategy.explicit", "id"),
		},
		resource.TestStep{
			Config:           disabled,
			ConfigPlanChecks: update,
		},
		resource.TestStep{
			// From disabled, asking for application auth without a strategy takes the portal default.
			Config:           enabled,
			ConfigPlanChecks: update,
			Check:            checkPublicationUsesPortalDefault(t),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := acctest.Client(t).UnpublishAPI(context.Background(), apiID, portalID); err != nil {
					t.Fatalf("unpublishing out of band: %v", err)
				}
			},
			Config: enabled,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(pubRes, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkGone(t, "devportal_api", getAPI),
		Steps:                    steps,
	})
}

func TestAccAPIPublication_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"strategy and disabled": {
			"auth_strategy_id = devportal_application_auth_strategy.explicit.id\n  disable_application_auth = true",
			`(?s)Conflicting application auth settings.*disable_application_auth`,
		},
		"visibility":  {`visibility = "hidden"`, `(?s)visibility.*value must be one of`},
		"strategy id": {`auth_strategy_id = "key-auth"`, `(?s)Invalid ID.*auth_strategy_id`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      publicationConfig(acctest.RandomName("pub"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

// publicationConfig is a portal (whose default strategy the server creates),
// another key-auth strategy, an API and its publication with body.
func publicationConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %[1]q
}

resource "devportal_application_auth_strategy" "explicit" {
  name     = "%[1]s-explicit"
  key_auth = { key_names = ["x-api-key"] }
}

resource "devportal_api" "test" {
  name = %[1]q
}

resource "devportal_api_publication" "test" {
  api_id    = devportal_api.test.id
  portal_id = devportal_portal.test.id
  %[2]s
}
`, name, body)
}

// checkPublicationUsesPortalDefault checks that the publication in state uses
// the portal's default strategy, as the server reports it.
func checkPublicationUsesPortalDefault(t *testing.T) resource.TestCheckFunc {
	return func(s *terraformState) error {
		rs := s.RootModule().Resources[pubRes]
		p, err := acctest.Client(t).GetPortal(context.Background(), rs.Primary.Attributes["portal_id"])
		if err != nil {
			return err
		}
		if p.DefaultApplicationAuthStrategyID == nil {
			return fmt.Errorf("portal %s has no default strategy", p.ID)
		}
		if got := rs.Primary.Attributes["auth_strategy_id"]; got != *p.DefaultApplicationAuthStrategyID {
			return fmt.Errorf("auth_strategy_id = %q, want the portal default %s", got, *p.DefaultApplicationAuthStrategyID)
		}
		return checkServerPublicationStrategy(t, rs.Primary.Attributes["api_id"], p.ID, *p.DefaultApplicationAuthStrategyID)
	}
}

// checkServerPublication checks the strategy of the publication on the
// server: that of strategyRes, or none when strategyRes is empty.
func checkServerPublication(t *testing.T, apiID, portalID *string, strategyRes string) resource.TestCheckFunc {
	return func(s *terraformState) error {
		want := ""
		if strategyRes != "" {
			want = s.RootModule().Resources[strategyRes].Primary.ID
		}
		return checkServerPublicationStrategy(t, *apiID, *portalID, want)
	}
}

func checkServerPublicationStrategy(t *testing.T, apiID, portalID, want string) error {
	p, err := acctest.Client(t).GetPublication(context.Background(), apiID, portalID)
	if err != nil {
		return err
	}
	switch {
	case want == "" && p.AuthStrategyIDs != nil:
		return fmt.Errorf("server publication uses %v, want no application auth", p.AuthStrategyIDs)
	case want != "" && (len(p.AuthStrategyIDs) != 1 || p.AuthStrategyIDs[0] != want):
		return fmt.Errorf("server publication uses %v, want [%s]", p.AuthStrategyIDs, want)
	}
	return nil
}
