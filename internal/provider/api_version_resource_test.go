package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const versionRes = "devportal_api_version.test"

// ordersSpec is a small OpenAPI document of the given version.
func ordersSpec(version string) string {
	return `openapi: 3.0.3
info:
  title: Orders
  version: "` + version + `"
paths:
  /orders:
    get:
      summary: List orders
      responses:
        "200":
          description: The orders.
`
}

// writeSpec writes content to a file of the test's own directory and returns its path.
func writeSpec(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAccAPIVersion_create checks a version read from a file with file(): its name comes from
// info.version, the server recognises OpenAPI 3, and a second plan is empty.
func TestAccAPIVersion_create(t *testing.T) {
	spec := writeSpec(t, t.TempDir(), ordersSpec("1.0.0"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIVersionsGone(t),
		Steps: []resource.TestStep{{
			Config: apiVersionConfig(acctest.RandomName("ver"), fmt.Sprintf(`spec = file(%q)`, spec)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(versionRes, tfjsonpath.New("version"), knownvalue.StringExact("1.0.0")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(versionRes, tfjsonpath.New("version"), knownvalue.StringExact("1.0.0")),
				statecheck.ExpectKnownValue(versionRes, tfjsonpath.New("spec_type"), knownvalue.StringExact("oas3")),
				statecheck.ExpectKnownValue(versionRes, tfjsonpath.New("spec"), knownvalue.StringExact(ordersSpec("1.0.0"))),
			},
		}},
	})
}

// TestAccAPIVersion_specChange checks that editing the specification file updates the version in
// place, its name following info.version, and that the server holds the new document.
func TestAccAPIVersion_specChange(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, ordersSpec("1.0.0"))
	name := acctest.RandomName("ver")
	config := apiVersionConfig(name, fmt.Sprintf(`spec = file(%q)`, spec))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIVersionsGone(t),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { writeSpec(t, dir, strings.Replace(ordersSpec("1.1.0"), "List orders", "List the orders", 1)) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(versionRes, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(versionRes, tfjsonpath.New("version"), knownvalue.StringExact("1.1.0")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[versionRes]
					v, err := acctest.Client(t).GetAPIVersion(context.Background(), rs.Primary.Attributes["api_id"], rs.Primary.ID)
					if err != nil {
						return err
					}
					if v.Version != "1.1.0" || !strings.Contains(v.Spec.Content, "List the orders") {
						return fmt.Errorf("server has version %q with %q", v.Version, v.Spec.Content)
					}
					return nil
				},
			},
			{
				// A configured name wins over info.version and changes in place.
				Config: apiVersionConfig(name, fmt.Sprintf("spec = file(%q)\n  version = \"v1\"", spec)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(versionRes, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(versionRes, tfjsonpath.New("version"), knownvalue.StringExact("v1")),
				},
			},
		},
	})
}

// TestAccAPIVersion_import checks that a version imports by <api_id>/<version_id> with the state
// it was created with, and that an import block plans no change.
func TestAccAPIVersion_import(t *testing.T) {
	config := apiVersionConfig(acctest.RandomName("ver"), fmt.Sprintf("spec = %q\n  version = \"2024-06\"", ordersSpec("3.0.0")))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIVersionsGone(t),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:      versionRes,
				ImportState:       true,
				ImportStateIdFunc: importID(versionRes, "api_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config:            config,
				ResourceName:      versionRes,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID(versionRes, "api_id", "id"),
			},
		},
	})
}

// TestAccAPIVersion_serverRefusal checks that a document only the server can find fault with, a
// reference to a missing schema, is refused on spec with the line the server names.
func TestAccAPIVersion_serverRefusal(t *testing.T) {
	broken := strings.Replace(ordersSpec("1.0.0"), `          description: The orders.
`, `          description: The orders.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Order"
`, 1)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkAPIVersionsGone(t),
		Steps: []resource.TestStep{{
			Config:      apiVersionConfig(acctest.RandomName("ver"), fmt.Sprintf("spec = %q", broken)),
			ExpectError: regexp.MustCompile(`(?s)Unable to create API version.*spec.*line 1[0-9].*Order`),
		}},
	})
}

// TestAccAPIVersion_invalidConfig checks that what is not a specification is refused at plan time.
func TestAccAPIVersion_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		spec string
		want string
	}{
		"not yaml":           {"openapi: 3.0.3\ninfo: [", `(?s)Invalid API specification.*neither JSON nor YAML`},
		"a list":             {"- openapi", `(?s)Invalid API specification.*mapping`},
		"swagger":            {"swagger: \"2.0\"\ninfo: {}\n", `(?s)Invalid API specification.*Swagger 2.0`},
		"no kind":            {"info:\n  title: x\n", `(?s)Invalid API specification.*line 1`},
		"unterminated quote": {ordersSpec("1") + "x: \"", `(?s)Invalid API specification.*line 1[0-9]`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      apiVersionConfig(acctest.RandomName("ver"), fmt.Sprintf("spec = %q", tt.spec)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func apiVersionConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_api" "test" {
  name = %q
}

resource "devportal_api_version" "test" {
  api_id = devportal_api.test.id
  %s
}
`, name, body)
}

// checkAPIVersionsGone verifies that every devportal_api_version left the server.
func checkAPIVersionsGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_api_version" {
				continue
			}
			_, err := acctest.Client(t).GetAPIVersion(context.Background(), rs.Primary.Attributes["api_id"], rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("version %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
