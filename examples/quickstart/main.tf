# The quickstart: a private developer portal that requires admin approval, with a key-auth
# application auth strategy as its default; a gateway control plane with the service behind the
# Orders API, linked to it; and the API published to the portal with the strategy, so that the
# backend applies its managed application auth plugin on the service. Run it with `make demo`,
# which starts the bundled backend and sets DEVPORTAL_SERVER_URL and DEVPORTAL_TOKEN for the
# provider.

terraform {
  required_providers {
    devportal = {
      source = "devportal-labs/devportal"
    }
  }
}

provider "devportal" {}

resource "devportal_application_auth_strategy" "key_auth" {
  name         = "quickstart-key-auth"
  display_name = "API key"
  key_auth = {
    key_names = ["apikey", "x-api-key"]
  }
}

# Destroying the portal is refused while developers who signed up, or their applications, are in it;
# set force_destroy = true and apply first to delete it with everything in it.
resource "devportal_portal" "partners" {
  name         = "partners"
  display_name = "Partner Portal"
  description  = "Self-service access to the partner APIs."
}

resource "devportal_portal_security" "partners" {
  portal_id                            = devportal_portal.partners.id
  authentication_enabled               = true
  auto_approve_developers              = false
  auto_approve_applications            = false
  default_api_visibility               = "private"
  default_application_auth_strategy_id = devportal_application_auth_strategy.key_auth.id
}

resource "devportal_control_plane" "edge" {
  name        = "quickstart-edge"
  description = "Gateways in front of the partner APIs."
}

resource "devportal_gateway_service" "orders" {
  control_plane_id = devportal_control_plane.edge.id
  name             = "orders"
  protocol         = "https"
  host             = "orders.internal.example.com"
  port             = 443
}

resource "devportal_api" "orders" {
  name        = "Orders"
  version     = "v1"
  description = "Create and track orders."
}

resource "devportal_api_service_link" "orders" {
  api_id           = devportal_api.orders.id
  control_plane_id = devportal_control_plane.edge.id
  service_id       = devportal_gateway_service.orders.id
}

resource "devportal_api_publication" "orders" {
  api_id           = devportal_api.orders.id
  portal_id        = devportal_portal.partners.id
  auth_strategy_id = devportal_application_auth_strategy.key_auth.id
  visibility       = "private"
}

# Read after the link and the publication exist, which is when the plugin is applied.
data "devportal_application_auth_enforcement" "orders" {
  api_id     = devportal_api.orders.id
  depends_on = [devportal_api_service_link.orders, devportal_api_publication.orders]
}

output "portal_url" {
  description = "Where developers reach the portal."
  value       = "https://${devportal_portal.partners.default_domain}"
}

output "default_application_auth_strategy" {
  description = "The strategy new publications use unless they name another."
  value       = devportal_application_auth_strategy.key_auth.name
}

output "approval_required" {
  description = "Whether developers and applications wait for an administrator."
  value = {
    developers   = !devportal_portal_security.partners.auto_approve_developers
    applications = !devportal_portal_security.partners.auto_approve_applications
  }
}

output "orders_application_auth" {
  description = "Where the managed application auth plugin enforces the Orders API's keys."
  value = {
    status           = data.devportal_application_auth_enforcement.orders.status
    control_plane    = devportal_control_plane.edge.name
    service          = devportal_gateway_service.orders.name
    service_id       = data.devportal_application_auth_enforcement.orders.service_id
    plugin_id        = data.devportal_application_auth_enforcement.orders.plugin_id
    key_names        = data.devportal_application_auth_enforcement.orders.key_names
    auth_strategy_id = devportal_api_publication.orders.auth_strategy_id
  }
}
