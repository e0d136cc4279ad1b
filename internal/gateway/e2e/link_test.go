package e2e_test

import (
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// TestAccGateway_linkMoves: application auth follows the API's service link. Linked to orders,
// /orders needs a key and /spare does not; unlinked, both proxy without application auth;
// linked to spare, /spare needs the key and /orders proxies freely.
func TestAccGateway_linkMoves(t *testing.T) {
	s := newKeyAuthSetup(t, "link")
	onOrders := s.stack
	onOrders.Spare, onOrders.KeyRegistration = true, client.RegistrationApproved
	unlinked, onSpare := onOrders, onOrders
	unlinked.LinkTo, onSpare.LinkTo = "", "spare"

	enforced := func(path string) []probe {
		return []probe{
			{what: path + " without a key", path: path, status: http.StatusUnauthorized, check: challenged},
			{what: path + " with the key", path: path, header: withKey(s.key), status: http.StatusOK, check: s.sawApp()},
		}
	}
	open := func(path string) []probe {
		return []probe{{what: path + " without application auth", path: path, status: http.StatusOK, check: s.up.sawNoApplication()}}
	}
	both := func(a, b []probe) []probe { return append(append([]probe{}, a...), b...) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: onOrders.HCL(),
				Check:  resource.ComposeTestCheckFunc(onOrders.capture(&s.ids), s.node.expect(both(enforced("/orders"), open("/spare"))...)),
			},
			{
				Config: unlinked.HCL(),
				Check:  s.node.expect(both(open("/orders"), open("/spare"))...),
			},
			{
				Config: onSpare.HCL(),
				Check:  s.node.expect(both(open("/orders"), enforced("/spare"))...),
			},
		},
	})
}
