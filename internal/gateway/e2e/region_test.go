package e2e_test

import (
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// TestAccGateway_regions: a node serves the control plane of its own region only. The same
// configuration is applied in us and eu; each region's node lets its own application's key
// through and answers the other region's key with 401, as a key it has never seen.
func TestAccGateway_regions(t *testing.T) {
	acctest.PreCheck(t)
	const eu = "eu"
	usCP := newControlPlane(t, acctest.Client(t), client.DefaultRegion, acctest.RandomName("e2e-us"))
	euCP := newControlPlane(t, acctest.RegionClient(t, eu), eu, acctest.RandomName("e2e-eu"))
	up := newUpstream(t)
	usNode, euNode := startNode(t, usCP, nodeOptions{}), startNode(t, euCP, nodeOptions{})

	us, euStack := newStack("us", usCP, up), newStack("eu", euCP, up)
	euStack.Region = eu
	for _, s := range []*stack{&us, &euStack} {
		s.KeyRegistration, s.Key = client.RegistrationApproved, newKey()
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: us.HCL() + euStack.HCL(),
			Check: resource.ComposeTestCheckFunc(
				euNode.expect(
					probe{what: "eu node, eu key", path: "/orders", header: withKey(euStack.Key), status: http.StatusOK},
					probe{what: "eu node, us key", path: "/orders", header: withKey(us.Key), status: http.StatusUnauthorized, check: challenged},
				),
				usNode.expect(
					probe{what: "us node, us key", path: "/orders", header: withKey(us.Key), status: http.StatusOK},
					probe{what: "us node, eu key", path: "/orders", header: withKey(euStack.Key), status: http.StatusUnauthorized, check: challenged},
				),
			),
		}},
	})
}
