package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/faultproxy"
)

// TestAccIdempotentRetries applies and destroys a configuration through a proxy that drops the
// connection of the first try of every change after the backend made it: each resource is
// created once, the plan after apply is empty, and destroy succeeds.
func TestAccIdempotentRetries(t *testing.T) {
	acctest.PreCheck(t)
	proxy, proxyURL := faultproxy.Start(t, acctest.BaseURL(), faultproxy.DropAfterForwarding, faultproxy.Options{KeyedOnly: true})
	strategyName, portalName := acctest.RandomName("retry-keys"), acctest.RandomName("retry-portal")
	config := fmt.Sprintf(`
provider "devportal" {
  server_url = %q
}

resource "devportal_application_auth_strategy" "keys" {
  name         = %q
  display_name = "Keys"
  key_auth = {
    key_names = ["x-api-key"]
  }
}

resource "devportal_portal" "test" {
  name = %q
}

resource "devportal_portal_security" "test" {
  portal_id                            = devportal_portal.test.id
  authentication_enabled               = true
  default_application_auth_strategy_id = devportal_application_auth_strategy.keys.id
}

resource "devportal_developer" "ada" {
  portal_id = devportal_portal_security.test.portal_id
  email     = "ada@example.com"
  full_name = "Ada"
  status    = "approved"
}

resource "devportal_application" "test" {
  portal_id    = devportal_portal_security.test.portal_id
  name         = "billing"
  developer_id = devportal_developer.ada.id
}
`, proxyURL+"/"+client.RegionPlaceholder, strategyName, portalName)

	c := acctest.Client(t)
	ctx := context.Background()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				strategies, err := c.FindAuthStrategiesByName(ctx, strategyName)
				if err != nil || len(strategies) != 1 {
					return fmt.Errorf("strategies named %s: %d (%v), want 1", strategyName, len(strategies), err)
				}
				portalID := s.RootModule().Resources["devportal_portal.test"].Primary.ID
				apps, err := c.ListApplications(ctx, portalID, client.ApplicationListOptions{})
				if err != nil || len(apps.Data) != 1 {
					return fmt.Errorf("applications of portal %s: %v (%v), want 1", portalID, apps, err)
				}
				if n := proxy.Faults(); n < 5 {
					return fmt.Errorf("the proxy dropped %d connections, want one per change (5)", n)
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			strategies, err := c.FindAuthStrategiesByName(ctx, strategyName)
			if err != nil || len(strategies) != 0 {
				return fmt.Errorf("strategies named %s after destroy: %d (%v)", strategyName, len(strategies), err)
			}
			return nil
		},
	})
}
