package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

// The managed plugin's id is set by whichever of the link and the publication comes second. These
// tests create them in each order, and in one apply without depends_on between them, and rely on
// the framework's check that the plan after each apply is empty, outputs included.

// orderConfig is an API with a service and a strategy; withLink and withPublication add the link
// and the publication, and the output shows the plugin as the enforcement data source reads it.
func orderConfig(name string, withLink, withPublication bool) string {
	cfg := fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %[1]q
}

resource "devportal_application_auth_strategy" "test" {
  name     = %[1]q
  key_auth = { key_names = ["x-api-key"] }
}

resource "devportal_control_plane" "test" {
  name = %[1]q
}

resource "devportal_gateway_service" "test" {
  control_plane_id = devportal_control_plane.test.id
  name             = "orders"
  host             = "orders.internal"
}

resource "devportal_api" "test" {
  name = %[1]q
}
`, name)
	var after []string
	if withLink {
		after = append(after, "devportal_api_service_link.test")
		cfg += `
resource "devportal_api_service_link" "test" {
  api_id           = devportal_api.test.id
  control_plane_id = devportal_control_plane.test.id
  service_id       = devportal_gateway_service.test.id
}
`
	}
	if withPublication {
		after = append(after, "devportal_api_publication.test")
		cfg += `
resource "devportal_api_publication" "test" {
  api_id           = devportal_api.test.id
  portal_id        = devportal_portal.test.id
  auth_strategy_id = devportal_application_auth_strategy.test.id
}
`
	}
	dependsOn := ""
	for _, a := range after {
		dependsOn += a + ", "
	}
	return cfg + fmt.Sprintf(`
data "devportal_application_auth_enforcement" "test" {
  api_id     = devportal_api.test.id
  depends_on = [%s]
}

output "plugin_id" {
  value = data.devportal_application_auth_enforcement.test.plugin_id
}
`, dependsOn)
}

// pluginEnforced checks that the plugin the output shows exists once both objects do.
var pluginEnforced = []statecheck.StateCheck{
	statecheck.ExpectKnownOutputValue("plugin_id", knownvalue.NotNull()),
	statecheck.ExpectKnownValue("data.devportal_application_auth_enforcement.test", tfjsonpath.New("status"), knownvalue.StringExact("applied")),
}

func TestAccLinkPublicationOrder_linkFirst(t *testing.T) {
	name := acctest.RandomName("order")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: orderConfig(name, true, false)},
			{Config: orderConfig(name, true, true), ConfigStateChecks: pluginEnforced},
		},
	})
}

func TestAccLinkPublicationOrder_publicationFirst(t *testing.T) {
	name := acctest.RandomName("order")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: orderConfig(name, false, true)},
			{Config: orderConfig(name, true, true), ConfigStateChecks: pluginEnforced},
		},
	})
}

func TestAccLinkPublicationOrder_oneApply(t *testing.T) {
	name := acctest.RandomName("order")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: orderConfig(name, true, true), ConfigStateChecks: pluginEnforced},
		},
	})
}
