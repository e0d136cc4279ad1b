package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestAccControlPlane_lifecycle(t *testing.T) {
	name := acctest.RandomName("cp")
	var id string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkGone(t, "devportal_control_plane", getControlPlane),
		Steps: []resource.TestStep{
			{
				Config: controlPlaneConfig(name, `description = "Edge gateways"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_control_plane.test", tfjsonpath.New("description"), knownvalue.StringExact("Edge gateways")),
					statecheck.ExpectKnownValue("devportal_control_plane.test", tfjsonpath.New("control_plane_endpoint"), knownvalue.StringRegexp(regexpMust(`^https://`))),
					statecheck.ExpectKnownValue("devportal_control_plane.test", tfjsonpath.New("telemetry_endpoint"), knownvalue.StringRegexp(regexpMust(`^https://`))),
				},
				Check: resource.TestCheckResourceAttrWith("devportal_control_plane.test", "id", func(v string) error {
					id = v
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: controlPlaneConfig(name+"-renamed", `labels = { env = "test" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_control_plane.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					cp, err := acctest.Client(t).GetControlPlane(context.Background(), id)
					if err != nil {
						return err
					}
					if cp.Name != name+"-renamed" || cp.Description != nil || cp.Labels["env"] != "test" {
						return fmt.Errorf("server has name=%q description=%v labels=%v", cp.Name, cp.Description, cp.Labels)
					}
					return nil
				},
			},
			{
				ResourceName:      "devportal_control_plane.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				Config:          controlPlaneConfig(name+"-renamed", `labels = { env = "test" }`),
				ResourceName:    "devportal_control_plane.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteControlPlane(context.Background(), id); err != nil {
						t.Fatalf("deleting control plane %s out of band: %v", id, err)
					}
				},
				Config: controlPlaneConfig(name+"-renamed", `labels = { env = "test" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_control_plane.test", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func controlPlaneConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_control_plane" "test" {
  name = %q
  %s
}
`, name, body)
}

func getControlPlane(c *client.Client, id string) error {
	_, err := c.GetControlPlane(context.Background(), id)
	return err
}

// Kong's CLI labels what it manages with KONGCTL-namespace and KONGCTL-protected: upper-case keys
// are not reserved, so such objects can be managed and imported here too.
func TestAccControlPlane_kongctlLabels(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: controlPlaneConfig(acctest.RandomName("cp-kongctl"), `labels = { "KONGCTL-namespace" = "team-a", "KONGCTL-protected" = "true" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("devportal_control_plane.test", tfjsonpath.New("labels").AtMapKey("KONGCTL-namespace"), knownvalue.StringExact("team-a")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}
