package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
	"github.com/devportal-labs/terraform-provider-devportal/internal/client"
	"github.com/devportal-labs/terraform-provider-devportal/internal/oidctest"
)

// oidcScopes are the scopes the stacks' OpenID Connect strategy requires of a token.
var oidcScopes = []string{"orders"}

// TestAccGateway_openIDConnect follows an API from key-auth to OpenID Connect: once the
// publication switches strategy, keys no longer open it and the token of an application whose
// registration is pending gets 403; approved, the application's tokens from the local issuer get
// through, an expired one does not, and after the issuer rotates its signing key the node fetches
// the new key and accepts tokens signed with it, while tokens of the retired key fail.
func TestAccGateway_openIDConnect(t *testing.T) {
	s := newKeyAuthSetup(t, "oidc")
	issuer := oidctest.New(t)
	keys := s.stack
	keys.Issuer, keys.KeyRegistration = issuer.URL(), client.RegistrationApproved
	pending := keys
	pending.Strategy, pending.OIDCRegistration, pending.OIDCClientID = "oidc", client.RegistrationPending, keys.Name+"-client"
	approved := pending
	approved.OIDCRegistration = client.RegistrationApproved

	// token returns a valid token of the OpenID Connect application, signed with the issuer's
	// current key.
	clientID := pending.OIDCClientID
	var beforeRotation string
	token := func() string { return issuer.Token(clientID, oidcScopes, 5*time.Minute) }
	bearer := func(what string, tok func() string, status int, check func(answer) error) resource.TestCheckFunc {
		return func(*terraformState) error {
			return probe{what: what, path: "/orders", header: withBearer(tok()), status: status, check: check}.run(s.node)
		}
	}
	sawOIDCApp := s.up.sawApplication(&s.ids.OIDCApp, &s.ids.Developer, &s.ids.Portal)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: keys.HCL(),
				Check:  s.node.expect(probe{what: "key before the switch", path: "/orders", header: withKey(s.key), status: http.StatusOK}),
			},
			{
				Config: pending.HCL(),
				Check: resource.ComposeTestCheckFunc(
					pending.capture(&s.ids),
					s.node.expect(
						probe{what: "key after the switch", path: "/orders", header: withKey(s.key), status: http.StatusUnauthorized, check: challenged},
						probe{what: "no token", path: "/orders", status: http.StatusUnauthorized, check: challenged},
					),
					bearer("token of a pending registration", token, http.StatusForbidden, problemJSON),
					bearer("token of an unknown client", func() string { return issuer.Token("someone-else", oidcScopes, time.Minute) },
						http.StatusUnauthorized, challenged),
				),
			},
			{
				Config: approved.HCL(),
				Check: resource.ComposeTestCheckFunc(
					approved.capture(&s.ids),
					s.node.expect(),
					bearer("valid token", token, http.StatusOK, sawOIDCApp),
					bearer("expired token", func() string { return issuer.Token(clientID, oidcScopes, -5*time.Minute) },
						http.StatusUnauthorized, challenged),
					bearer("token without the scope", func() string { return issuer.Token(clientID, []string{"openid"}, time.Minute) },
						http.StatusUnauthorized, challenged),
					func(*terraformState) error {
						beforeRotation = token()
						issuer.Rotate(false)
						return nil
					},
					bearer("token of the new key", token, http.StatusOK, sawOIDCApp),
					bearer("token of the retired key", func() string { return beforeRotation }, http.StatusUnauthorized, challenged),
				),
			},
		},
	})
}
