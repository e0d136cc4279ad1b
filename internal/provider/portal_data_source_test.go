package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

func TestAccPortalDataSource(t *testing.T) {
	name := acctest.RandomName("portal-ds")
	config := fmt.Sprintf(`
resource "devportal_portal" "test" {
  name        = %q
  description = "Looked up"
  labels      = { team = "platform" }
}

data "devportal_portal" "by_id" {
  id = devportal_portal.test.id
}

data "devportal_portal" "by_name" {
  name = devportal_portal.test.name
}
`, name)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.devportal_portal.by_id", "name", "devportal_portal.test", "name"),
					resource.TestCheckResourceAttrPair("data.devportal_portal.by_name", "id", "devportal_portal.test", "id"),
					resource.TestCheckResourceAttrPair("data.devportal_portal.by_name", "default_domain", "devportal_portal.test", "default_domain"),
					resource.TestCheckResourceAttrSet("data.devportal_portal.by_name", "default_application_auth_strategy_id"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.devportal_portal.by_id", tfjsonpath.New("description"), knownvalue.StringExact("Looked up")),
					statecheck.ExpectKnownValue("data.devportal_portal.by_id", tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("platform"),
					})),
					statecheck.ExpectKnownValue("data.devportal_portal.by_name", tfjsonpath.New("authentication_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.devportal_portal.by_name", tfjsonpath.New("default_api_visibility"), knownvalue.StringExact("private")),
				},
			},
		},
	})
}

func TestAccPortalDataSource_errors(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"unknown name": {fmt.Sprintf("name = %q", acctest.RandomName("missing")), `Portal not found`},
		"unknown id":   {`id = "00000000-0000-4000-8000-000000000000"`, `(?s)Unable to read portal.*404`},
		"id and name":  {"id = \"00000000-0000-4000-8000-000000000000\"\n  name = \"x\"", `(?s)Invalid Attribute Combination.*id`},
		"neither":      {``, `(?s)Invalid Attribute Combination`},
		"malformed id": {`id = "portal-1"`, `(?s)Invalid ID.*id`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("data \"devportal_portal\" \"test\" {\n  %s\n}\n", tt.body),
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}
