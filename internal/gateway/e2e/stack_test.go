package e2e_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"text/template"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

// keyNames are the header and query names of the stacks' key-auth strategy.
var keyNames = []string{"apikey", "x-api-key"}

// stack is the Terraform configuration of one API behind a gateway, as a platform team writes it:
// a portal that asks for approval, a key-auth strategy (and an OpenID Connect one when Issuer is
// set), the Orders API published with one of them and linked to a gateway service whose route
// /orders leads to the test's upstream, and an approved developer with a key-auth application.
// Its fields are what the steps of a test change.
type stack struct {
	// Provider is a provider block for a backend of the test's own; "" is the shared backend.
	Provider       string
	Label          string // Terraform names: devportal_portal.<Label> and so on
	Name           string // unique prefix of the objects' names
	Region         string // region of every object; "" is the provider's
	ControlPlaneID string
	UpstreamHost   string
	UpstreamPort   int

	// Spare adds a second service with the route /spare to the same upstream, linked to nothing
	// unless LinkTo names it.
	Spare bool
	// LinkTo is the service the API is linked to: "orders", "spare" or "" (not linked).
	LinkTo string
	// Strategy is the strategy the API is published with: "keys" or "oidc".
	Strategy string
	// Issuer, when set, adds an OpenID Connect strategy trusting that issuer.
	Issuer string

	// KeyRegistration is the status of the key-auth application's registration; "" is none.
	KeyRegistration string
	// Key is the key-auth application's API key (supplied write-only); "" is none.
	Key string
	// OIDCRegistration, when set, adds an application of the OpenID Connect strategy registered
	// with this status, known to the identity provider as OIDCClientID.
	OIDCRegistration string
	OIDCClientID     string
}

// newStack returns a stack of the default region for one test, pointing at its upstream.
func newStack(label string, cp controlPlane, up *upstream) stack {
	host, port := up.hostPort()
	return stack{
		Label:          label,
		Name:           acctest.RandomName("e2e-" + label),
		ControlPlaneID: cp.ID,
		UpstreamHost:   host,
		UpstreamPort:   port,
		LinkTo:         "orders",
		Strategy:       "keys",
	}
}

// newKey returns an API key no other test uses.
func newKey() string { return "e2e-" + rand.Text() + rand.Text() }

// Addresses of a stack's resources, for state checks.
func (s stack) addr(kind, suffix string) string {
	name := s.Label
	if suffix != "" {
		name += "_" + suffix
	}
	return "devportal_" + kind + "." + name
}

var stackTemplate = template.Must(template.New("stack").Parse(`{{.Provider}}
resource "devportal_application_auth_strategy" "{{.Label}}_keys" {
  name = "{{.Name}}-keys"{{.RegionLine}}
  key_auth = {
    key_names = ["apikey", "x-api-key"]
  }
}
{{if .Issuer}}
resource "devportal_application_auth_strategy" "{{.Label}}_oidc" {
  name = "{{.Name}}-oidc"{{.RegionLine}}
  openid_connect = {
    issuer           = "{{.Issuer}}"
    credential_claim = ["client_id"]
    scopes           = ["orders"]
    auth_methods     = ["bearer"]
  }
}
{{end}}
resource "devportal_portal" "{{.Label}}" {
  name          = "{{.Name}}"
  force_destroy = true{{.RegionLine}}
}

resource "devportal_portal_security" "{{.Label}}" {
  portal_id                            = devportal_portal.{{.Label}}.id
  authentication_enabled               = true
  auto_approve_developers              = false
  auto_approve_applications            = false
  default_application_auth_strategy_id = devportal_application_auth_strategy.{{.Label}}_keys.id{{.RegionLine}}
}

resource "devportal_gateway_service" "{{.Label}}_orders" {
  control_plane_id = "{{.ControlPlaneID}}"
  name             = "orders"
  protocol         = "http"
  host             = "{{.UpstreamHost}}"
  port             = {{.UpstreamPort}}{{.RegionLine}}
}

resource "devportal_gateway_route" "{{.Label}}_orders" {
  control_plane_id = "{{.ControlPlaneID}}"
  service_id       = devportal_gateway_service.{{.Label}}_orders.id
  name             = "orders"
  paths            = ["/orders"]
  protocols        = ["http"]{{.RegionLine}}
}
{{if .Spare}}
resource "devportal_gateway_service" "{{.Label}}_spare" {
  control_plane_id = "{{.ControlPlaneID}}"
  name             = "spare"
  protocol         = "http"
  host             = "{{.UpstreamHost}}"
  port             = {{.UpstreamPort}}{{.RegionLine}}
}

resource "devportal_gateway_route" "{{.Label}}_spare" {
  control_plane_id = "{{.ControlPlaneID}}"
  service_id       = devportal_gateway_service.{{.Label}}_spare.id
  name             = "spare"
  paths            = ["/spare"]
  protocols        = ["http"]{{.RegionLine}}
}
{{end}}
resource "devportal_api" "{{.Label}}" {
  name = "{{.Name}}"{{.RegionLine}}
}
{{if .LinkTo}}
resource "devportal_api_service_link" "{{.Label}}" {
  api_id           = devportal_api.{{.Label}}.id
  control_plane_id = "{{.ControlPlaneID}}"
  service_id       = devportal_gateway_service.{{.Label}}_{{.LinkTo}}.id{{.RegionLine}}
}
{{end}}
resource "devportal_api_publication" "{{.Label}}" {
  api_id           = devportal_api.{{.Label}}.id
  portal_id        = devportal_portal.{{.Label}}.id
  auth_strategy_id = devportal_application_auth_strategy.{{.Label}}_{{.Strategy}}.id
  visibility       = "private"{{.RegionLine}}
  depends_on       = [devportal_portal_security.{{.Label}}]
}

resource "devportal_developer" "{{.Label}}" {
  portal_id  = devportal_portal.{{.Label}}.id
  email      = "{{.Name}}@example.com"
  full_name  = "Gateway Developer"
  status     = "approved"{{.RegionLine}}
  depends_on = [devportal_portal_security.{{.Label}}]
}

resource "devportal_application" "{{.Label}}_keys" {
  portal_id        = devportal_portal.{{.Label}}.id
  name             = "{{.Name}}-keys"
  developer_id     = devportal_developer.{{.Label}}.id
  auth_strategy_id = devportal_application_auth_strategy.{{.Label}}_keys.id{{.RegionLine}}
}
{{if .KeyRegistration}}
resource "devportal_application_registration" "{{.Label}}_keys" {
  portal_id      = devportal_portal.{{.Label}}.id
  application_id = devportal_application.{{.Label}}_keys.id
  api_id         = devportal_api.{{.Label}}.id
  status         = "{{.KeyRegistration}}"{{.RegionLine}}
  depends_on     = [{{.RegistrationDependencies}}]
}
{{end}}{{if .Key}}
resource "devportal_application_api_key" "{{.Label}}" {
  portal_id      = devportal_portal.{{.Label}}.id
  application_id = devportal_application.{{.Label}}_keys.id
  display_name   = "e2e"
  key_wo         = "{{.Key}}"
  key_wo_version = 1{{.RegionLine}}
}
{{end}}{{if .OIDCRegistration}}
resource "devportal_application" "{{.Label}}_oidc" {
  portal_id        = devportal_portal.{{.Label}}.id
  name             = "{{.Name}}-oidc"
  developer_id     = devportal_developer.{{.Label}}.id
  auth_strategy_id = devportal_application_auth_strategy.{{.Label}}_oidc.id
  client_id        = "{{.OIDCClientID}}"{{.RegionLine}}
}

resource "devportal_application_registration" "{{.Label}}_oidc" {
  portal_id      = devportal_portal.{{.Label}}.id
  application_id = devportal_application.{{.Label}}_oidc.id
  api_id         = devportal_api.{{.Label}}.id
  status         = "{{.OIDCRegistration}}"{{.RegionLine}}
  depends_on     = [{{.RegistrationDependencies}}]
}
{{end}}`))

// RegionLine is the region argument of every resource, or nothing.
func (s stack) RegionLine() string {
	if s.Region == "" {
		return ""
	}
	return fmt.Sprintf("\n  region = %q", s.Region)
}

// RegistrationDependencies are what a registration needs first: the publication, and the link
// when there is one.
func (s stack) RegistrationDependencies() string {
	deps := []string{"devportal_api_publication." + s.Label}
	if s.LinkTo != "" {
		deps = append(deps, "devportal_api_service_link."+s.Label)
	}
	return strings.Join(deps, ", ")
}

// HCL renders the stack.
func (s stack) HCL() string {
	var b strings.Builder
	if err := stackTemplate.Execute(&b, s); err != nil {
		panic(err)
	}
	return b.String()
}

// ids are the ids of a stack's objects that the node passes upstream, read from the state after
// an apply.
type ids struct {
	Portal, Developer, KeyApp, OIDCApp string
}

// capture returns a check that reads the ids from the state into the receiver.
func (s stack) capture(into *ids) resource.TestCheckFunc {
	read := func(addr string, p *string) resource.TestCheckFunc {
		return resource.TestCheckResourceAttrWith(addr, "id", func(v string) error { *p = v; return nil })
	}
	checks := []resource.TestCheckFunc{
		read(s.addr("portal", ""), &into.Portal),
		read(s.addr("developer", ""), &into.Developer),
		read(s.addr("application", "keys"), &into.KeyApp),
	}
	if s.OIDCRegistration != "" {
		checks = append(checks, read(s.addr("application", "oidc"), &into.OIDCApp))
	}
	return resource.ComposeTestCheckFunc(checks...)
}
