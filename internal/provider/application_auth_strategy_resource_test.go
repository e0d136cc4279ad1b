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

const strategyAddr = "devportal_application_auth_strategy.test"

func TestAccApplicationAuthStrategy_keyAuth(t *testing.T) {
	name := acctest.RandomName("strategy")
	var id string
	updated := `
  display_name = "API keys"
  labels       = { team = "platform" }
  key_auth = {
    key_names = ["x-api-key", "apikey"]
    ttl       = { value = 30, unit = "days" }
  }`

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkStrategiesGone(t),
		Steps: []resource.TestStep{
			{
				Config: strategyConfig(name, `
  key_auth = {}`),
				Check: resource.TestCheckResourceAttrWith(strategyAddr, "id", func(v string) error { id = v; return nil }),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("key_auth").AtMapKey("key_names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("apikey")})),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("key_auth").AtMapKey("ttl"), knownvalue.Null()),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("openid_connect"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: strategyConfig(name, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(strategyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("API keys")),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("key_auth").AtMapKey("ttl"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"value": knownvalue.Int64Exact(30),
						"unit":  knownvalue.StringExact("days"),
					})),
				},
			},
			{
				ResourceName:      strategyAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config:          strategyConfig(name, updated),
				ResourceName:    strategyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Removing the TTL removes it on the server, in place.
				Config: strategyConfig(name, `
  display_name = "API keys"
  key_auth = {
    key_names = ["x-api-key"]
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(strategyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					s, err := acctest.Client(t).GetAuthStrategy(context.Background(), id)
					if err != nil {
						return err
					}
					if ka := s.Configs.KeyAuth; ka == nil || ka.TTL != nil || len(s.Labels) != 0 {
						return fmt.Errorf("server kept old values: %+v, labels %v", ka, s.Labels)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteAuthStrategy(context.Background(), id); err != nil {
						t.Fatalf("deleting strategy %s out of band: %v", id, err)
					}
				},
				Config: strategyConfig(name, `
  display_name = "API keys"
  key_auth = {
    key_names = ["x-api-key"]
  }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(strategyAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Switching the type replaces the strategy.
				Config: strategyConfig(name, oidcBody(`jsonencode({ audience = ["api"] })`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(strategyAddr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccApplicationAuthStrategy_openIDConnect(t *testing.T) {
	name := acctest.RandomName("strategy-oidc")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkStrategiesGone(t),
		Steps: []resource.TestStep{
			{
				// The JSON text keeps its own formatting; the server's encoding is not a difference.
				Config: strategyConfig(name, oidcBody(`"{ \"audience\": [\"api\"], \"leeway\": 5 }"`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("openid_connect").AtMapKey("issuer"), knownvalue.StringExact("https://idp.example.com/oauth2")),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("openid_connect").AtMapKey("additional_properties"),
						knownvalue.StringExact(`{ "audience": ["api"], "leeway": 5 }`)),
					statecheck.ExpectKnownValue(strategyAddr, tfjsonpath.New("key_auth"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: strategyConfig(name, oidcBody(`jsonencode({ audience = ["api", "admin"] })`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(strategyAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      strategyAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config:          strategyConfig(name, oidcBody(`jsonencode({ audience = ["api", "admin"] })`)),
				ResourceName:    strategyAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func TestAccApplicationAuthStrategy_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"neither type":    {``, `(?s)key_auth.*openid_connect.*required|(?s)No attribute specified`},
		"both types":      {"key_auth = {}\n" + oidcBody(`null`), `(?s)2 attributes specified.*key_auth`},
		"ttl unit":        {`key_auth = { ttl = { value = 1, unit = "months" } }`, `(?s)key_auth.ttl.unit.*value must be one of`},
		"empty key names": {`key_auth = { key_names = [] }`, `(?s)key_auth.key_names.*at least 1`},
		"key name not a header name": {`key_auth = { key_names = ["apikey", "bad name!"] }`,
			`(?s)Invalid key name.*key_auth.key_names\[1\].*"bad name!".*letters, digits`},
		"reserved extra": {oidcBody(`jsonencode({ issuer = "https://x" })`), `(?s)Reserved property.*issuer`},
		"extra not JSON": {oidcBody(`"audience"`), `(?s)Invalid JSON object.*additional_properties`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      strategyConfig(acctest.RandomName("strategy"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func strategyConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_application_auth_strategy" "test" {
  name = %q
  %s
}
`, name, body)
}

func oidcBody(additional string) string {
	return fmt.Sprintf(`
  openid_connect = {
    issuer                = "https://idp.example.com/oauth2"
    credential_claim      = ["client_id"]
    scopes                = ["openid"]
    auth_methods          = ["client_credentials", "bearer"]
    additional_properties = %s
  }`, additional)
}

// checkStrategiesGone verifies that every strategy resource left the server.
func checkStrategiesGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_application_auth_strategy" {
				continue
			}
			_, err := acctest.Client(t).GetAuthStrategy(context.Background(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("strategy %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
