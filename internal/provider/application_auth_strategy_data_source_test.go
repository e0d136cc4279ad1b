package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestAccApplicationAuthStrategyDataSource(t *testing.T) {
	name := acctest.RandomName("strategy-ds")
	config := strategyConfig(name, `
  labels = { team = "platform" }
  key_auth = {
    key_names = ["x-api-key"]
    ttl       = { value = 2, unit = "weeks" }
  }`) + fmt.Sprintf(`
resource "devportal_application_auth_strategy" "oidc" {
  name = "%[1]s-oidc"
  %[2]s
}

data "devportal_application_auth_strategy" "by_name" {
  name = devportal_application_auth_strategy.test.name
}

data "devportal_application_auth_strategy" "by_id" {
  id = devportal_application_auth_strategy.oidc.id
}
`, name, oidcBody(`jsonencode({ audience = ["api"] })`))

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.devportal_application_auth_strategy.by_name", "id", strategyAddr, "id"),
					resource.TestCheckResourceAttrPair("data.devportal_application_auth_strategy.by_id", "name", "devportal_application_auth_strategy.oidc", "name"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.devportal_application_auth_strategy.by_name", tfjsonpath.New("strategy_type"), knownvalue.StringExact("key_auth")),
					statecheck.ExpectKnownValue("data.devportal_application_auth_strategy.by_name", tfjsonpath.New("key_auth").AtMapKey("ttl").AtMapKey("unit"), knownvalue.StringExact("weeks")),
					statecheck.ExpectKnownValue("data.devportal_application_auth_strategy.by_name", tfjsonpath.New("openid_connect"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.devportal_application_auth_strategy.by_id", tfjsonpath.New("strategy_type"), knownvalue.StringExact("openid_connect")),
					statecheck.ExpectKnownValue("data.devportal_application_auth_strategy.by_id", tfjsonpath.New("openid_connect").AtMapKey("additional_properties"), knownvalue.StringExact(`{"audience":["api"]}`)),
				},
			},
		},
	})
}

func TestAccApplicationAuthStrategyDataSource_ambiguousName(t *testing.T) {
	name := acctest.RandomName("strategy-twin")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c := acctest.Client(t)
					for range 2 {
						s, err := c.CreateAuthStrategy(context.Background(), client.CreateAuthStrategyRequest{
							Name: name, DisplayName: name, StrategyType: client.StrategyTypeKeyAuth,
							Configs: client.AuthStrategyConfigs{KeyAuth: &client.KeyAuthConfig{KeyNames: []string{"apikey"}}},
						})
						if err != nil {
							t.Fatalf("creating strategy %q: %v", name, err)
						}
						t.Cleanup(func() { _ = c.DeleteAuthStrategy(context.Background(), s.ID) })
					}
				},
				Config:      fmt.Sprintf("data \"devportal_application_auth_strategy\" \"test\" {\n  name = %q\n}\n", name),
				ExpectError: regexp.MustCompile(`Several application auth strategies match`),
			},
			{
				Config:      fmt.Sprintf("data \"devportal_application_auth_strategy\" \"test\" {\n  name = %q\n}\n", name+"-none"),
				ExpectError: regexp.MustCompile(`Application auth strategy not found`),
			},
		},
	})
}
