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

func TestAccAPI_lifecycle(t *testing.T) {
	name := acctest.RandomName("api")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkGone(t, "devportal_api", getAPI),
		Steps: []resource.TestStep{
			{
				Config: apiConfig(name, `version = "v1"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("version"), knownvalue.StringExact("v1")),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("slug"), knownvalue.StringExact(name+"-v1")),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("labels"), knownvalue.Null()),
				},
				Check: resource.TestCheckResourceAttrWith("devportal_api.test", "id", func(v string) error {
					id = v
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Renaming keeps the slug the server derived at creation.
				Config: apiConfig(name+"-renamed", apiStep2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_api.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("version"), knownvalue.Null()),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("slug"), knownvalue.StringExact(name+"-v1")),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("description"), knownvalue.StringExact("Orders")),
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("orders"),
					})),
				},
				Check: func(*terraformState) error {
					a, err := acctest.Client(t).GetAPI(context.Background(), id)
					if err != nil {
						return err
					}
					if a.Version != nil || a.Labels["team"] != "orders" {
						return fmt.Errorf("server kept old values: version=%v labels=%v", a.Version, a.Labels)
					}
					return nil
				},
			},
			{
				Config: apiConfig(name+"-renamed", apiStep2+"\n  slug = \"orders-api\""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_api.test", tfjsonpath.New("slug"), knownvalue.StringExact("orders-api")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      "devportal_api.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config:          apiConfig(name+"-renamed", apiStep2+"\n  slug = \"orders-api\""),
				ResourceName:    "devportal_api.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteAPI(context.Background(), id); err != nil {
						t.Fatalf("deleting API %s out of band: %v", id, err)
					}
				},
				Config: apiConfig(name+"-renamed", apiStep2+"\n  slug = \"orders-api\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_api.test", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAPI_duplicateNameAndVersion(t *testing.T) {
	name := acctest.RandomName("api")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "devportal_api" "a" {
  name    = %[1]q
  version = "v1"
}

resource "devportal_api" "b" {
  name    = %[1]q
  version = "v1"
  slug    = "%[1]s-other"
}
`, name),
			ExpectError: regexp.MustCompile(`(?s)Unable to create API.*409.*already exists.*must\s+be\s+unique`),
		}},
	})
}

const apiStep2 = `
  description = "Orders"
  labels      = { team = "orders" }`

func apiConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_api" "test" {
  name = %q
  %s
}
`, name, body)
}

func getAPI(c *client.Client, id string) error {
	_, err := c.GetAPI(context.Background(), id)
	return err
}

// checkGone verifies that every resource of type typ left the server; get
// reads one by its state id.
func checkGone(t *testing.T, typ string, get func(*client.Client, string) error) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != typ {
				continue
			}
			err := get(acctest.Client(t), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("%s %s still exists", typ, rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
