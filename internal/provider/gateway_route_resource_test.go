package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

const routeRes = "devportal_gateway_route.test"

// TestAccGatewayRoute_create checks a route with only paths: the server's defaults land in state,
// the route points at its service, and a second plan is empty.
func TestAccGatewayRoute_create(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRoutesGone(t),
		Steps: []resource.TestStep{{
			Config: gatewayRouteConfig(acctest.RandomName("cp"), `paths = ["/orders"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("protocols"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("https")})),
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("strip_path"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("preserve_host"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("https_redirect_status_code"), knownvalue.Int64Exact(426)),
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("path_handling"), knownvalue.StringExact("v0")),
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("hosts"), knownvalue.Null()),
				statecheck.ExpectKnownValue(routeRes, tfjsonpath.New("name"), knownvalue.Null()),
				statecheck.CompareValuePairs(routeRes, tfjsonpath.New("service_id"),
					"devportal_gateway_service.test", tfjsonpath.New("id"), compare.ValuesSame()),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccGatewayRoute_update checks that changing matching rules and options updates the route in
// place, and that the server holds the new values.
func TestAccGatewayRoute_update(t *testing.T) {
	cpName := acctest.RandomName("cp")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRoutesGone(t),
		Steps: []resource.TestStep{
			{Config: gatewayRouteConfig(cpName, `paths = ["/orders"]`)},
			{
				Config: gatewayRouteConfig(cpName, `
  name       = "orders"
  hosts      = ["api.example.com"]
  methods    = ["GET", "POST"]
  protocols  = ["http", "https"]
  strip_path = false
  tags       = ["team-orders"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(routeRes, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[routeRes]
					rt, err := acctest.Client(t).GetGatewayRoute(context.Background(), rs.Primary.Attributes["control_plane_id"], rs.Primary.ID)
					if err != nil {
						return err
					}
					if rt.Name == nil || *rt.Name != "orders" || rt.Paths != nil || rt.StripPath ||
						!slices.Equal(rt.Methods, []string{"GET", "POST"}) || !slices.Equal(rt.Protocols, []string{"http", "https"}) {
						return fmt.Errorf("server has %+v", rt)
					}
					return nil
				},
			},
		},
	})
}

// TestAccGatewayRoute_import checks that a route imports by <control_plane_id>/<route_id> with the
// same state as it was created with.
func TestAccGatewayRoute_import(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRoutesGone(t),
		Steps: []resource.TestStep{
			{Config: gatewayRouteConfig(acctest.RandomName("cp"), `
  name    = "orders"
  paths   = ["/orders", "~/orders/\\d+$"]
  methods = ["GET"]
  tags    = ["a", "b"]`)},
			{
				ResourceName:      routeRes,
				ImportState:       true,
				ImportStateIdFunc: importID(routeRes, "control_plane_id", "id"),
				ImportStateVerify: true,
			},
		},
	})
}

// TestAccGatewayRoute_invalidConfig checks that paths, methods, protocols and a route that matches
// on nothing are refused at plan time.
func TestAccGatewayRoute_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"relative path":   {`paths = ["orders"]`, `(?s)paths.*must start with '/'`},
		"empty segment":   {`paths = ["/a//b"]`, `(?s)paths.*empty segment`},
		"lower method":    {`methods = ["get"]`, `(?s)methods.*upper-case`},
		"stream protocol": {"paths = [\"/a\"]\n  protocols = [\"tcp\"]", `(?s)protocols.*value must be one of`},
		"nothing matched": {`name = "orders"`, `(?s)At least one attribute out of`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      gatewayRouteConfig(acctest.RandomName("cp"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func gatewayRouteConfig(cpName, body string) string {
	return fmt.Sprintf(`
resource "devportal_control_plane" "test" {
  name = %q
}

resource "devportal_gateway_service" "test" {
  control_plane_id = devportal_control_plane.test.id
  host             = "orders.internal"
}

resource "devportal_gateway_route" "test" {
  control_plane_id = devportal_control_plane.test.id
  service_id       = devportal_gateway_service.test.id
  %s
}
`, cpName, body)
}

// checkRoutesGone verifies that every devportal_gateway_route left the server.
func checkRoutesGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_gateway_route" {
				continue
			}
			_, err := acctest.Client(t).GetGatewayRoute(context.Background(), rs.Primary.Attributes["control_plane_id"], rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("route %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}
