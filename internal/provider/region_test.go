package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/provider"
)

// withoutRegions serves the provider as earlier releases were, whose state has no region.
var withoutRegions = map[string]func() (tfprotov6.ProviderServer, error){
	acctest.ProviderName: providerserver.NewProtocol6WithError(provider.NewWithoutRegions()),
}

// regionalConfig is a control plane with a gateway service; region, when set, is given to both.
func regionalConfig(providerBlock, region, name, description string) string {
	line := ""
	if region != "" {
		line = fmt.Sprintf("region = %q", region)
	}
	return providerBlock + fmt.Sprintf(`
resource "devportal_control_plane" "test" {
  name        = %q
  description = %q
  %s
}

resource "devportal_gateway_service" "test" {
  control_plane_id = devportal_control_plane.test.id
  host             = "orders.internal"
  %s
}
`, name, description, line, line)
}

// checkControlPlaneIn checks that the control plane in state exists in region and has description.
func checkControlPlaneIn(t *testing.T, region, description string) resource.TestCheckFunc {
	return resource.TestCheckResourceAttrWith("devportal_control_plane.test", "id", func(id string) error {
		cp, err := acctest.RegionClient(t, region).GetControlPlane(context.Background(), id)
		if err != nil {
			return fmt.Errorf("control plane %s not in %s: %w", id, region, err)
		}
		if got := ptrValue(cp.Description); got != description {
			return fmt.Errorf("control plane %s in %s has description %q, want %q", id, region, got, description)
		}
		return nil
	})
}

func ptrValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkControlPlanesGoneIn verifies that the control planes in state left region.
func checkControlPlanesGoneIn(t *testing.T, region string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "devportal_control_plane" {
				continue
			}
			_, err := acctest.RegionClient(t, region).GetControlPlane(context.Background(), rs.Primary.ID)
			if !client.IsNotFound(err) {
				return fmt.Errorf("control plane %s still in %s: err = %v", rs.Primary.ID, region, err)
			}
		}
		return nil
	}
}

// Objects keep the region they were made in: changing the provider's region refuses the plan
// instead of recreating them, refresh keeps reading them in their region, and a region set
// on the resources keeps managing them there with a provider of another region.
func TestAccRegion_objectsStayInTheirRegion(t *testing.T) {
	name := acctest.RandomName("region")
	const svc = "devportal_gateway_service.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkControlPlanesGoneIn(t, "eu"),
		Steps: []resource.TestStep{
			{
				Config: regionalConfig(acctest.ProviderConfig("eu"), "", name, "first"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("devportal_control_plane.test", "region", "eu"),
					resource.TestCheckResourceAttr(svc, "region", "eu"),
					checkControlPlaneIn(t, "eu", "first"),
				),
			},
			{
				// The provider alias is gone: the provider's region is us now.
				Config:      regionalConfig("", "", name, "first"),
				ExpectError: regexp.MustCompile(`(?s)Object cannot move to another region.*region\s+"eu".*now\s+"us".*region\s+=\s+"eu"`),
			},
			{
				// Refresh read both objects in eu and kept them; with their region on the
				// resources there is nothing to do.
				Config:   regionalConfig("", "eu", name, "first"),
				PlanOnly: true,
			},
			{
				Config: regionalConfig("", "eu", name, "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("devportal_control_plane.test", plancheck.ResourceActionUpdate),
				}},
				Check: checkControlPlaneIn(t, "eu", "second"),
			},
			{
				// A region set on the resource is refused just the same.
				Config:      regionalConfig("", "au", name, "second"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Object cannot move to another region.*region\s+"eu".*region\s+argument\s+is\s+now\s+"au"`),
			},
			{
				// An import ID may name the region; the provider's region is us.
				ResourceName: svc,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					id, err := importID(svc, "control_plane_id", "id")(s)
					return "eu/" + id, err
				},
				ImportStateVerify: true,
			},
		},
	})
}

// State written before objects kept their region gives an empty plan: the object is read in
// the provider's region, as before, and its region is recorded.
func TestAccRegion_stateWithoutRegion(t *testing.T) {
	name := acctest.RandomName("region-old")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:     func() { acctest.PreCheck(t) },
		CheckDestroy: checkPortalsGone(t),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: withoutRegions,
				Config:                   portalConfig(name, ""),
				Check:                    resource.TestCheckNoResourceAttr("devportal_portal.test", "region"),
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Config:                   portalConfig(name, ""),
				PlanOnly:                 true,
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Config:                   portalConfig(name, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.TestCheckResourceAttr("devportal_portal.test", "region", "us"),
			},
		},
	})
}

// An object of state without region that is not found in the provider's region may live in
// another one: refresh fails instead of forgetting it, and a refresh in its region records it.
func TestAccRegion_stateWithoutRegionElsewhere(t *testing.T) {
	name := acctest.RandomName("region-old")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:     func() { acctest.PreCheck(t) },
		CheckDestroy: checkControlPlanesGoneIn(t, "eu"),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: withoutRegions,
				Config:                   regionalConfig(acctest.ProviderConfig("eu"), "", name, "first"),
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Config:                   regionalConfig("", "", name, "first"),
				ExpectError:              regexp.MustCompile(`(?s)Object not found in the provider's region.*region\s+"us"`),
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Config:                   regionalConfig(acctest.ProviderConfig("eu"), "", name, "first"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("devportal_control_plane.test", "region", "eu"),
					resource.TestCheckResourceAttr("devportal_gateway_service.test", "region", "eu"),
				),
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Config:                   regionalConfig("", "eu", name, "first"),
				PlanOnly:                 true,
			},
		},
	})
}

// A portal made in us is not planned for replacement when the provider's region becomes eu:
// the plan fails and names both regions, and the portal is still read in us.
func TestAccRegion_providerRegionChanged(t *testing.T) {
	name := acctest.RandomName("region-us")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkPortalsGone(t),
		Steps: []resource.TestStep{
			{
				Config: portalConfig(name, ""),
				Check:  resource.TestCheckResourceAttr("devportal_portal.test", "region", "us"),
			},
			{
				Config:      acctest.ProviderConfig("eu") + portalConfig(name, ""),
				ExpectError: regexp.MustCompile(`(?s)Object cannot move to another region.*region\s+"us".*now\s+"eu"`),
			},
			{
				Config:   acctest.ProviderConfig("eu") + portalConfig(name, `region = "us"`),
				PlanOnly: true,
			},
		},
	})
}
