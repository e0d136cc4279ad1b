package e2e_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
)

// keyAuthSetup is what every key-auth test starts from: its control plane, upstream, node and stack.
type keyAuthSetup struct {
	up    *upstream
	node  *testNode
	stack stack
	key   string
	ids   ids
}

func newKeyAuthSetup(t *testing.T, label string) *keyAuthSetup {
	t.Helper()
	acctest.PreCheck(t)
	cp := newControlPlane(t, acctest.Client(t), client.DefaultRegion, acctest.RandomName("e2e-"+label))
	up := newUpstream(t)
	s := &keyAuthSetup{up: up, node: startNode(t, cp, nodeOptions{}), stack: newStack(label, cp, up), key: newKey()}
	s.stack.Key = s.key
	return s
}

// sawApp checks that the upstream's last request came from the stack's key-auth application
// without the key.
func (s *keyAuthSetup) sawApp() func(answer) error {
	return s.up.sawApplication(&s.ids.KeyApp, &s.ids.Developer, &s.ids.Portal)
}

// TestAccGateway_keyRequired: with an approved registration, a request without a key or with a
// key the node does not know gets 401 with a challenge; the application's key, in a header or in
// the query, gets through, and the upstream sees who called but never the key or identity headers
// the client made up.
func TestAccGateway_keyRequired(t *testing.T) {
	s := newKeyAuthSetup(t, "keyreq")
	s.stack.KeyRegistration = client.RegistrationApproved
	forged := http.Header{"Apikey": {s.key}, "X-Application-Id": {"forged"}, "X-Developer-Id": {"forged"}, "X-Portal-Id": {"forged"}}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.stack.HCL(),
			Check: resource.ComposeTestCheckFunc(
				s.stack.capture(&s.ids),
				s.node.expect(
					probe{what: "no key", path: "/orders/items", status: http.StatusUnauthorized, check: challenged},
					probe{what: "no key, forged identity", path: "/orders/items",
						header: http.Header{"X-Application-Id": {"forged"}}, status: http.StatusUnauthorized},
					probe{what: "unknown key", path: "/orders/items", header: withKey(newKey()), status: http.StatusUnauthorized, check: challenged},
					probe{what: "key in the header", path: "/orders/items", header: withKey(s.key), status: http.StatusOK, check: s.sawApp()},
					probe{what: "key under the second name", path: "/orders/items",
						header: http.Header{"X-Api-Key": {s.key}}, status: http.StatusOK, check: s.sawApp()},
					probe{what: "key in the query", path: "/orders/items?apikey=" + s.key + "&page=2", status: http.StatusOK,
						check: func(a answer) error {
							if err := s.sawApp()(a); err != nil {
								return err
							}
							return queryKept(s.up, "page", "2")
						}},
					probe{what: "key with forged identity headers", path: "/orders/items", header: forged, status: http.StatusOK, check: s.sawApp()},
					probe{what: "no route", path: "/elsewhere", header: withKey(s.key), status: http.StatusNotFound, check: problemJSON},
				),
			),
		}},
	})
}

// TestAccGateway_approval: a known key of an application whose registration is pending gets 403;
// once Terraform approves the registration the same key gets through.
func TestAccGateway_approval(t *testing.T) {
	s := newKeyAuthSetup(t, "approval")
	pending, approved := s.stack, s.stack
	pending.KeyRegistration = client.RegistrationPending
	approved.KeyRegistration = client.RegistrationApproved

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: pending.HCL(),
				Check: s.node.expect(
					probe{what: "pending registration", path: "/orders", header: withKey(s.key), status: http.StatusForbidden, check: problemJSON},
					probe{what: "no key", path: "/orders", status: http.StatusUnauthorized, check: challenged},
				),
			},
			{
				Config: approved.HCL(),
				Check: resource.ComposeTestCheckFunc(
					approved.capture(&s.ids),
					s.node.expect(probe{what: "approved registration", path: "/orders", header: withKey(s.key), status: http.StatusOK, check: s.sawApp()}),
				),
			},
		},
	})
}

// TestAccGateway_revocation: an application's access ends when Terraform revokes its registration
// (403), and its key is unknown once the key is deleted (401), even after the registration is
// approved again.
func TestAccGateway_revocation(t *testing.T) {
	s := newKeyAuthSetup(t, "revoke")
	approved, revoked, keyless := s.stack, s.stack, s.stack
	approved.KeyRegistration = client.RegistrationApproved
	revoked.KeyRegistration = client.RegistrationRevoked
	keyless.KeyRegistration, keyless.Key = client.RegistrationApproved, ""

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: approved.HCL(),
				Check:  s.node.expect(probe{what: "approved", path: "/orders", header: withKey(s.key), status: http.StatusOK}),
			},
			{
				Config: revoked.HCL(),
				Check:  s.node.expect(probe{what: "revoked registration", path: "/orders", header: withKey(s.key), status: http.StatusForbidden, check: problemJSON}),
			},
			{
				Config: keyless.HCL(),
				Check: s.node.expect(
					probe{what: "deleted key", path: "/orders", header: withKey(s.key), status: http.StatusUnauthorized, check: challenged},
				),
			},
		},
	})
}

// queryKept checks that the upstream's last request kept a query parameter the client sent
// besides the key.
func queryKept(up *upstream, name, want string) error {
	r, err := up.last()
	if err != nil {
		return err
	}
	if got := r.Query.Get(name); got != want {
		return fmt.Errorf("upstream saw query parameter %s=%q, want %q", name, got, want)
	}
	return nil
}
