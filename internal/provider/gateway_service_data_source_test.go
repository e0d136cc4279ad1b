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

func TestAccGatewayServiceDataSource(t *testing.T) {
	config := gatewayServiceConfig(acctest.RandomName("cp"), `
  name = "orders"
  path = "/orders"
  tags = ["team-orders"]`) + `
data "devportal_gateway_service" "by_id" {
  control_plane_id = devportal_control_plane.test.id
  id               = devportal_gateway_service.test.id
}

data "devportal_gateway_service" "by_name" {
  control_plane_id = devportal_control_plane.test.id
  name             = devportal_gateway_service.test.name
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.devportal_gateway_service.by_name", "id", "devportal_gateway_service.test", "id"),
					resource.TestCheckResourceAttrPair("data.devportal_gateway_service.by_id", "name", "devportal_gateway_service.test", "name"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.devportal_gateway_service.by_name", tfjsonpath.New("host"), knownvalue.StringExact("orders.internal")),
					statecheck.ExpectKnownValue("data.devportal_gateway_service.by_name", tfjsonpath.New("path"), knownvalue.StringExact("/orders")),
					statecheck.ExpectKnownValue("data.devportal_gateway_service.by_name", tfjsonpath.New("port"), knownvalue.Int64Exact(80)),
					statecheck.ExpectKnownValue("data.devportal_gateway_service.by_name", tfjsonpath.New("tags"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("team-orders"),
					})),
				},
			},
			{
				Config: config + `
data "devportal_gateway_service" "missing" {
  control_plane_id = devportal_control_plane.test.id
  name             = "payments"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Gateway service not found.*"payments"`),
			},
		},
	})
}

func TestAccGatewayServiceDataSource_invalidConfig(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "devportal_gateway_service" "test" {
  control_plane_id = %q
}
`, "00000000-0000-4000-8000-000000000000"),
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
		}},
	})
}
