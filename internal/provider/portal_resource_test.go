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

func TestAccPortal_lifecycle(t *testing.T) {
	name := acctest.RandomName("portal")
	renamed := name + "-renamed"
	var id string

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalsGone(t),
		Steps: []resource.TestStep{
			{
				Config: portalConfig(name, ``),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("labels"), knownvalue.Null()),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("force_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("default_domain"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("canonical_domain"), knownvalue.NotNull()),
				},
				Check: resource.TestCheckResourceAttrWith("devportal_portal.test", "id", func(v string) error {
					id = v
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: portalConfig(renamed, `
  display_name  = "Partner portal"
  description   = "APIs for partners"
  labels        = { team = "platform", env = "test" }
  force_destroy = true`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_portal.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("name"), knownvalue.StringExact(renamed)),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("display_name"), knownvalue.StringExact("Partner portal")),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("description"), knownvalue.StringExact("APIs for partners")),
					statecheck.ExpectKnownValue("devportal_portal.test", tfjsonpath.New("labels"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("platform"),
						"env":  knownvalue.StringExact("test"),
					})),
				},
			},
			{
				// Removing a label and the description clears them on the server.
				Config: portalConfig(renamed, portalStep3),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_portal.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraformState) error {
					p, err := acctest.Client(t).GetPortal(context.Background(), id)
					if err != nil {
						return err
					}
					if p.Description != nil || len(p.Labels) != 1 || p.Labels["team"] != "platform" {
						return fmt.Errorf("server kept old values: description=%v labels=%v", p.Description, p.Labels)
					}
					return nil
				},
			},
			{
				ResourceName:      "devportal_portal.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Importing with an import block plans no change.
				Config:          portalConfig(renamed, portalStep3),
				ResourceName:    "devportal_portal.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				PreConfig: func() {
					if err := acctest.Client(t).DeletePortal(context.Background(), id, true); err != nil {
						t.Fatalf("deleting portal %s out of band: %v", id, err)
					}
				},
				Config: portalConfig(renamed, portalStep3),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("devportal_portal.test", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccPortal_invalidConfig(t *testing.T) {
	tests := map[string]struct {
		body string
		want string
	}{
		"reserved label key": {`labels = { konnect_team = "a" }`, `(?s)Reserved label key.*labels`},
		"reserved kong-":     {`labels = { kong-x = "a" }`, `(?s)Reserved label key.*labels`},
		"bad label value":    {`labels = { team = "-a-" }`, `Attribute labels\["team"\]\s+must be 1 to 63`},
		"long description":   {fmt.Sprintf("description = %q", longString(513)), `Attribute description string length\s+must be at most 512`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      portalConfig(acctest.RandomName("portal"), tt.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tt.want),
				}},
			})
		})
	}
}

func TestAccPortal_regions(t *testing.T) {
	name := acctest.RandomName("portal-eu")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acctest.ProviderConfig("eu") + portalConfig(name, ``),
				Check: resource.TestCheckResourceAttrWith("devportal_portal.test", "id", func(id string) error {
					ctx := context.Background()
					if _, err := acctest.RegionClient(t, "eu").GetPortal(ctx, id); err != nil {
						return fmt.Errorf("portal %s not found in eu: %w", id, err)
					}
					if _, err := acctest.RegionClient(t, "us").GetPortal(ctx, id); !client.IsNotFound(err) {
						return fmt.Errorf("portal %s of eu seen from us: err = %v", id, err)
					}
					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccPortalDataSource_regions(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.RandomName("portal-eu")
	eu := acctest.RegionClient(t, "eu")
	p, err := eu.CreatePortal(context.Background(), client.CreatePortalRequest{Name: name})
	if err != nil {
		t.Fatalf("creating portal %q in eu: %v", name, err)
	}
	t.Cleanup(func() { _ = eu.DeletePortal(context.Background(), p.ID, true) })

	lookup := func(provider, attr, value string) string {
		return provider + fmt.Sprintf("data \"devportal_portal\" \"test\" {\n  %s = %q\n}\n", attr, value)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lookup(acctest.ProviderConfig("eu"), "name", name),
				Check:  resource.TestCheckResourceAttr("data.devportal_portal.test", "id", p.ID),
			},
			{
				// The default region (us) sees the eu portal neither by name nor by id.
				Config:      lookup("", "name", name),
				ExpectError: regexp.MustCompile(`Portal not found`),
			},
			{
				Config:      lookup("", "id", p.ID),
				ExpectError: regexp.MustCompile(`(?s)Unable to read portal.*404`),
			},
		},
	})
}

const portalStep3 = `
  display_name = "Partner portal"
  labels       = { team = "platform" }`

func portalConfig(name, body string) string {
	return fmt.Sprintf(`
resource "devportal_portal" "test" {
  name = %q
  %s
}
`, name, body)
}

// checkPortalsGone verifies that every devportal_portal left the server.
func checkPortalsGone(t *testing.T) func(*terraformState) error {
	return func(s *terraformState) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_portal" {
				continue
			}
			_, err := acctest.Client(t).GetPortal(context.Background(), rs.Primary.ID)
			if err == nil {
				return fmt.Errorf("portal %s still exists", rs.Primary.ID)
			}
			if !client.IsNotFound(err) {
				return err
			}
		}
		return nil
	}
}

func longString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}
