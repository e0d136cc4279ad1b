package provider_test

import (
	"context"
	"fmt"
	"regexp"
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

const nodeTokenRes = "devportal_gateway_node_token.test"

func gatewayNodeTokenConfig(cpName string, withToken bool) string {
	cfg := fmt.Sprintf(`
resource "devportal_control_plane" "test" {
  name = %q
}
`, cpName)
	if withToken {
		cfg += `
resource "devportal_gateway_node_token" "test" {
  control_plane_id = devportal_control_plane.test.id
  name             = "edge"
}
`
	}
	return cfg
}

// nodeClient is a client that authenticates with a node token.
func nodeClient(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{ServerURL: acctest.ServerURL(), Token: token, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestAccGatewayNodeToken_create checks that the token is issued with its secret in state, that
// it reads its control plane's node configuration, and that a second plan is empty.
func TestAccGatewayNodeToken_create(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: gatewayNodeTokenConfig(acctest.RandomName("cp"), true),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(nodeTokenRes, tfjsonpath.New("token"), knownvalue.StringRegexp(regexp.MustCompile(`^dpn_[A-Za-z0-9_-]{43}$`))),
				statecheck.ExpectKnownValue(nodeTokenRes, tfjsonpath.New("name"), knownvalue.StringExact("edge")),
				statecheck.ExpectKnownValue(nodeTokenRes, tfjsonpath.New("created_at"), knownvalue.StringFunc(isRFC3339)),
				statecheck.ExpectKnownValue(nodeTokenRes, tfjsonpath.New("region"), knownvalue.StringExact("us")),
				statecheck.CompareValuePairs(nodeTokenRes, tfjsonpath.New("control_plane_id"),
					"devportal_control_plane.test", tfjsonpath.New("id"), compare.ValuesSame()),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(s *terraformState) error {
				rs := s.RootModule().Resources[nodeTokenRes]
				cfg, err := nodeClient(t, rs.Primary.Attributes["token"]).GetNodeConfig(context.Background(), rs.Primary.Attributes["control_plane_id"], "", 0)
				if err != nil || cfg == nil {
					return fmt.Errorf("reading the node configuration with the token: %v", err)
				}
				return nil
			},
		}},
	})
}

// TestAccGatewayNodeToken_import checks that a token imports by <control_plane_id>/<token_id>
// with the state it was created with, except its secret, which the server never shows again.
func TestAccGatewayNodeToken_import(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: gatewayNodeTokenConfig(acctest.RandomName("cp"), true)},
			{
				ResourceName:            nodeTokenRes,
				ImportState:             true,
				ImportStateIdFunc:       importID(nodeTokenRes, "control_plane_id", "id"),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"token"},
			},
		},
	})
}

// TestAccGatewayNodeToken_delete checks that destroying the resource revokes the token at once:
// the token then gets 401.
func TestAccGatewayNodeToken_delete(t *testing.T) {
	cpName := acctest.RandomName("cp")
	var token, cpID string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: gatewayNodeTokenConfig(cpName, true),
				Check: func(s *terraformState) error {
					rs := s.RootModule().Resources[nodeTokenRes]
					token, cpID = rs.Primary.Attributes["token"], rs.Primary.Attributes["control_plane_id"]
					return nil
				},
			},
			{
				Config: gatewayNodeTokenConfig(cpName, false),
				Check: func(*terraformState) error {
					_, err := nodeClient(t, token).GetNodeConfig(context.Background(), cpID, "", 0)
					if !client.IsUnauthorized(err) {
						return fmt.Errorf("the destroyed token answered %v, want 401", err)
					}
					return nil
				},
			},
		},
	})
}
