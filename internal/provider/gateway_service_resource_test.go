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
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

func TestAccGatewayService_lifecycle(t *testing.T) {
	cpName := acctest.RandomName("cp")
	var cpID, id string
	const res = "devportal_gateway_service.test"
	updated := `
  name            = "orders"
  protocol        = "https"
  port            = 8443
  path            = "/v1"
  retries         = 2
  connect_timeout = 1000
  enabled         = false
  tags            = ["team-orders", "tier-1"]`

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkServicesGone(t),
		Steps: []resource.TestStep{
			{
				Config: gatewayServiceConfig(cpName, ``),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("protocol"), knownvalue.StringExact("http")),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("port"), knownvalue.Int64Exact(80)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("retries"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("read_timeout"), knownvalue.Int64Exact(60000)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("path"), knownvalue.Null()),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.Null()),
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[res]
					cpID, id = rs.Primary.Attributes["control_plane_id"], rs.Primary.ID
					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: gatewayServiceConfig(cpName, updated),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					s, err := acctest.Client(t).GetGatewayService(context.Background(), cpID, id)
					if err != nil {
						return err
					}
					if s.Protocol != "https" || s.Port != 8443 || s.Enabled || len(s.Tags) != 2 || s.ConnectTimeout != 1000 {
						return fmt.Errorf("server has %+v", s)
					}
					return nil
				},
			},
			{
				ResourceName:      res,
				ImportState:       true,
				ImportStateIdFunc: importID(res, "control_plane_id", "id"),
				ImportStateVerify: true,
			},
			{
				Config:            gatewayServiceConfig(cpName, updated),
				ResourceName:      res,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID(res, "control_plane_id", "id"),
			},
			{
				// Going back to the defaults clears what the configuration no longer sets.
				Config: gatewayServiceConfig(cpName, ``),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(res, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("port"), knownvalue.Int64Exact(80)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tags"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeleteGatewayService(context.Background(), cpID, id); err != nil {
						t.Fatalf("deleting service %s out of band: %v", id, err)
					}
				},
				Config: gatewayServiceConfig(cpName, ``),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(res, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccGatewayService_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"protocol": {`protocol = "ftp"`, `(?s)protocol.*value must be one of`},
		"port":     {`port = 70000`, `(?s)port.*must be between 0 and 65535`},
		"path":     {`path = "v1"`, `(?s)path.*must start with '/'`},
		"name":     {`name = "orders api"`, `(?s)name.*must contain only letters`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      gatewayServiceConfig(acctest.RandomName("cp"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func gatewayServiceConfig(cpName, body string) string {
	return fmt.Sprintf(`
resource "devportal_control_plane" "test" {
  name = %q
}

resource "devportal_gateway_service" "test" {
  control_plane_id = devportal_control_plane.test.id
  host             = "orders.internal"
  %s
}
`, cpName, body)
}

// importID joins the given attributes of a resource with "/" into an import ID.
func importID(res string, attrs ...string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[res]
		if !ok {
			return "", fmt.Errorf("%s is not in state", res)
		}
		id := ""
		for i, a := range attrs {
			if i > 0 {
				id += "/"
			}
			id += rs.Primary.Attributes[a]
		}
		return id, nil
	}
}

// checkServicesGone verifies that every devportal_gateway_service left the server.
func checkServicesGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_gateway_service" {
				continue
			}
			_, err := acctest.Client(t).GetGatewayService(context.Background(), rs.Primary.Attributes["control_plane_id"], rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("service %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
