package browsertest

import (
	"encoding/json"
	"strings"
	"text/template"

	"github.com/devportal-labs/terraform-provider-devportal/internal/acctest"
)

// portal is the Terraform configuration of the story's portal, as a platform team writes it: a
// portal with user authentication that approves developers and registrations itself, a key-auth
// strategy as its default, the public Orders API linked to a gateway service, and the private
// Ledger API. The later steps add the approvals the story waits for.
type portal struct {
	// Provider is the provider block that points at the test's backend.
	Provider string
	Name     string // unique prefix of the objects' names and slugs

	// ApproveDeveloper imports the developer who signed up on the website and approves them.
	ApproveDeveloper bool
	DeveloperEmail   string
	DeveloperName    string
	// ApproveRegistration imports the registration the developer made on the website and
	// approves it; its ids come from the variables registration_import_id.
	ApproveRegistration bool
}

func newPortal(provider string) portal {
	name := acctest.RandomName("web")
	return portal{
		Provider:       provider,
		Name:           name,
		DeveloperEmail: "ada@example.com", // the story's backend is its own: no other test signs up there
		DeveloperName:  "Ada Lovelace",
	}
}

// Slugs of the story's APIs: the story has a backend of its own, so plain ones are free.
func (p portal) OrdersSlug() string { return "orders" }
func (p portal) LedgerSlug() string { return "ledger" }

var portalTemplate = template.Must(template.New("portal").Parse(`{{.Provider}}
resource "devportal_control_plane" "web" {
  name = "{{.Name}}"
}

resource "devportal_application_auth_strategy" "keys" {
  name         = "{{.Name}}-keys"
  display_name = "Partner keys"
  key_auth = {
    key_names = ["apikey"]
  }
}

resource "devportal_portal" "web" {
  name          = "{{.Name}}"
  display_name  = "Acme Developer Portal"
  force_destroy = true
}

resource "devportal_portal_security" "web" {
  portal_id                            = devportal_portal.web.id
  authentication_enabled               = true
  auto_approve_developers              = false
  auto_approve_applications            = false
  default_application_auth_strategy_id = devportal_application_auth_strategy.keys.id
}

resource "devportal_gateway_service" "orders" {
  control_plane_id = devportal_control_plane.web.id
  name             = "orders"
  protocol         = "http"
  host             = "127.0.0.1"
  port             = 9
}

resource "devportal_api" "orders" {
  name        = "Orders"
  slug        = "{{.OrdersSlug}}"
  description = "Place and track orders."
}

resource "devportal_api_service_link" "orders" {
  api_id           = devportal_api.orders.id
  control_plane_id = devportal_control_plane.web.id
  service_id       = devportal_gateway_service.orders.id
}

resource "devportal_api_publication" "orders" {
  api_id           = devportal_api.orders.id
  portal_id        = devportal_portal.web.id
  auth_strategy_id = devportal_application_auth_strategy.keys.id
  visibility       = "public"
  depends_on       = [devportal_portal_security.web]
}

resource "devportal_api" "ledger" {
  name        = "Ledger"
  slug        = "{{.LedgerSlug}}"
  description = "The books, for approved developers only."
}

resource "devportal_api_publication" "ledger" {
  api_id           = devportal_api.ledger.id
  portal_id        = devportal_portal.web.id
  auth_strategy_id = devportal_application_auth_strategy.keys.id
  visibility       = "private"
  depends_on       = [devportal_portal_security.web]
}
{{if .ApproveDeveloper}}
import {
  to = devportal_developer.web
  id = "${devportal_portal.web.id}/{{.DeveloperEmail}}"
}

resource "devportal_developer" "web" {
  portal_id = devportal_portal.web.id
  email     = "{{.DeveloperEmail}}"
  full_name = "{{.DeveloperName}}"
  status    = "approved"
}
{{end}}{{if .ApproveRegistration}}
variable "application_id" {
  type = string
}

variable "registration_id" {
  type = string
}

import {
  to = devportal_application_registration.web
  id = "${devportal_portal.web.id}/${var.application_id}/${var.registration_id}"
}

resource "devportal_application_registration" "web" {
  portal_id      = devportal_portal.web.id
  application_id = var.application_id
  api_id         = devportal_api.orders.id
  status         = "approved"
}
{{end}}`))

// HCL renders the configuration.
func (p portal) HCL() string {
	var b strings.Builder
	if err := portalTemplate.Execute(&b, p); err != nil {
		panic(err)
	}
	return b.String()
}

// later is a Terraform variable whose value a step before the one that uses it finds out (an id of
// something made in the browser); it is read when the step writes its variables.
type later struct{ value *string }

func (l later) MarshalJSON() ([]byte, error) { return json.Marshal(*l.value) }
