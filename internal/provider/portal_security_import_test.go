package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// importedSecurityConfig is a portal whose default strategy is a strategy of the same
// configuration. The strategy is destroyed before the portal (depends_on), so that a default
// left pointing at it is refused every time rather than only when the two deletions race.
func importedSecurityConfig(name string, withSecurity bool) string {
	cfg := fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %[1]q
}

resource "devportal_application_auth_strategy" "test" {
  name       = %[1]q
  key_auth   = { key_names = ["x-api-key"] }
  depends_on = [devportal_portal.test]
}
`, name)
	if withSecurity {
		cfg += `
resource "devportal_portal_security" "test" {
  portal_id                            = devportal_portal.test.id
  default_application_auth_strategy_id = devportal_application_auth_strategy.test.id
}
`
	}
	return cfg
}

// TestAccPortalSecurity_importThenDestroy imports the security settings of a portal whose default
// strategy is managed in the same configuration: one terraform destroy removes all three.
func TestAccPortalSecurity_importThenDestroy(t *testing.T) {
	name := acctest.RandomName("sec-import")
	c := acctest.Client(t)
	var portalID, strategyID string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraformState) error {
			if _, err := c.GetPortal(context.Background(), portalID); !client.IsNotFound(err) {
				return fmt.Errorf("portal %s still exists after destroy: %v", portalID, err)
			}
			if _, err := c.GetAuthStrategy(context.Background(), strategyID); !client.IsNotFound(err) {
				return fmt.Errorf("strategy %s still exists after destroy: %v", strategyID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// The portal's default is set outside Terraform before the settings are imported.
				Config: importedSecurityConfig(name, false),
				Check: func(s *terraformState) error {
					portalID = s.RootModule().Resources["devportal_portal.test"].Primary.ID
					strategyID = s.RootModule().Resources["devportal_application_auth_strategy.test"].Primary.ID
					_, err := c.UpdatePortal(context.Background(), portalID, client.UpdatePortalRequest{
						DefaultApplicationAuthStrategyID: client.Value(strategyID),
					})
					return err
				},
			},
			{
				Config:             importedSecurityConfig(name, true),
				ResourceName:       "devportal_portal_security.test",
				ImportState:        true,
				ImportStateIdFunc:  func(*terraformState) (string, error) { return portalID, nil },
				ImportStatePersist: true,
			},
			{
				// The import matches the configuration; the destroy after this step is the test.
				Config:   importedSecurityConfig(name, true),
				PlanOnly: true,
			},
		},
	})
}
