package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

// withEcho adds the echo provider, which copies an ephemeral value into the state of echo.test so
// that the test can look at what the run saw.
func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){"echo": echoprovider.NewProviderServer()}
	for name, f := range acctest.ProtoV6ProviderFactories {
		factories[name] = f
	}
	return factories
}

// TestAccApplicationAPIKeyEphemeral issues a key for one run: while it is open the application's
// credential list shows it active, the run sees the secret, and after the run it is revoked. Plan
// and apply each open (and close) a key of their own.
func TestAccApplicationAPIKeyEphemeral(t *testing.T) {
	acctest.PreCheck(t)
	k := newKeyApplication(t)
	config := fixtureLocals(k.portalFixture) + fmt.Sprintf(`
ephemeral "devportal_application_api_key" "smoke" {
  portal_id      = local.portal_id
  application_id = %[1]q
  display_name   = "smoke"
  lifetime       = "15m"
}

# Read while the key is open: the list must show it.
data "devportal_application_credentials" "during" {
  portal_id      = local.portal_id
  application_id = %[1]q
  depends_on     = [ephemeral.devportal_application_api_key.smoke]
}

provider "echo" {
  data = ephemeral.devportal_application_api_key.smoke
}

resource "echo" "test" {}
`, k.ApplicationID)
	var keyID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: withEcho(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("key"),
					knownvalue.StringRegexp(regexp.MustCompile(`^dpk_.{43}$`))),
				statecheck.ExpectKnownValue("echo.test", tfjsonpath.New("data").AtMapKey("expires_at"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue("data.devportal_application_credentials.during", tfjsonpath.New("credentials"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"display_name": knownvalue.StringExact("smoke"),
						"status":       knownvalue.StringExact("active"),
					})})),
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrWith("echo.test", "data.id", func(v string) error { keyID = v; return nil }),
				func(*terraformState) error {
					// After the run nothing is left: the key was revoked on close.
					keys, err := acctest.Client(t).ListAllCredentials(context.Background(), k.PortalID, k.ApplicationID)
					if err != nil {
						return err
					}
					if len(keys) != 0 {
						return fmt.Errorf("keys left after the run (the apply's key was %s): %+v", keyID, keys)
					}
					return nil
				},
			),
		}},
	})
}
