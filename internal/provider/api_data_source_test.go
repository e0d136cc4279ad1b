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

func TestAccAPIDataSource(t *testing.T) {
	name := acctest.RandomName("api-ds")
	config := fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %[1]q
}

resource "devportal_api" "v1" {
  name        = %[1]q
  version     = "v1"
  description = "First"
  labels      = { team = "orders" }
}

resource "devportal_api" "v2" {
  name    = %[1]q
  version = "v2"
}

resource "devportal_api_publication" "v1" {
  api_id                   = devportal_api.v1.id
  portal_id                = devportal_portal.test.id
  disable_application_auth = true
}

data "devportal_api" "by_id" {
  id         = devportal_api.v1.id
  depends_on = [devportal_api_publication.v1]
}

data "devportal_api" "by_name" {
  name    = devportal_api.v2.name
  version = "v2"
}
`, name)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.devportal_api.by_id", "slug", "devportal_api.v1", "slug"),
					resource.TestCheckResourceAttrPair("data.devportal_api.by_id", "portals.0.id", "devportal_portal.test", "id"),
					resource.TestCheckResourceAttrPair("data.devportal_api.by_name", "id", "devportal_api.v2", "id"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.devportal_api.by_id", tfjsonpath.New("description"), knownvalue.StringExact("First")),
					statecheck.ExpectKnownValue("data.devportal_api.by_id", tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("orders"),
					})),
					statecheck.ExpectKnownValue("data.devportal_api.by_id", tfjsonpath.New("portals"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownValue("data.devportal_api.by_name", tfjsonpath.New("portals"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.devportal_api.by_name", tfjsonpath.New("description"), knownvalue.Null()),
				},
			},
			{
				// Two versions share the name: the version must pick one.
				Config:      config + fmt.Sprintf("\ndata \"devportal_api\" \"ambiguous\" {\n  name = %q\n}\n", name),
				ExpectError: regexp.MustCompile(`(?s)Several APIs match.*v1, v2`),
			},
		},
	})
}

func TestAccAPIDataSource_errors(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"unknown name":    {fmt.Sprintf("name = %q", acctest.RandomName("missing")), `API not found`},
		"unknown version": {fmt.Sprintf("name = %q\n  version = \"v9\"", acctest.RandomName("missing")), `(?s)API not found.*version "v9"`},
		"unknown id":      {`id = "00000000-0000-4000-8000-000000000000"`, `(?s)Unable to read API.*404`},
		"id and version":  {"id = \"00000000-0000-4000-8000-000000000000\"\n  version = \"v1\"", `(?s)Invalid Attribute Combination`},
		"neither":         {``, `(?s)Invalid Attribute Combination`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("data \"devportal_api\" \"test\" {\n  %s\n}\n", tt.body),
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}
