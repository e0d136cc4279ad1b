# The quickstart: a private developer portal that requires admin approval, with a key-auth
# application auth strategy as its default; a gateway control plane with the service behind the
# Orders API, linked to it, a route to it and a token for the gateway nodes; the API published to
# the portal with the strategy, so that the backend applies its managed application auth plugin on
# the service; and a developer with two applications, one approved for the Orders API and one
# still waiting for approval, each with an API key. The portal's website gets a home page, a public
# "Getting started" page and the Orders API's reference, read from orders-openapi.yaml. Run it with `make demo`, which starts the
# bundled backend and sets DEVPORTAL_SERVER_URL and DEVPORTAL_TOKEN for the provider, then starts
# a gateway node with the node token and sends requests through it.

terraform {
  required_providers {
    devportal = {
      source = "devportal-labs/devportal"
    }
  }
}

provider "devportal" {}

# The Orders service stands in for a real upstream with the bundled backend's own health check,
# which answers {"status":"ok"}, so that the demo needs no other process. `make demo` sets the
# port to the backend's.
variable "orders_upstream_port" {
  description = "Port of the bundled backend on 127.0.0.1, whose /healthz plays the Orders service and which serves the portal's website."
  type        = number
  default     = 8080
}

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

# The website's home page: every portal starts with one, which this takes over.
resource "devportal_portal_page" "home" {
  portal_id  = devportal_portal.partners.id
  slug       = "/"
  title      = "Partner Portal"
  content    = file("${path.module}/pages/home.md")
  visibility = "public"
  status     = "published"
}

# Anonymous visitors read it; its title and description come from the file's front matter.
resource "devportal_portal_page" "getting_started" {
  portal_id  = devportal_portal.partners.id
  slug       = "/getting-started"
  content    = file("${path.module}/pages/getting-started.md")
  visibility = "public"
  status     = "published"
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
  protocol         = "http"
  host             = "127.0.0.1"
  port             = var.orders_upstream_port
  path             = "/healthz"
}

# Requests to /orders on a gateway node go to the service; the matched prefix is stripped, so
# /orders reaches /healthz upstream.
resource "devportal_gateway_route" "orders" {
  control_plane_id = devportal_control_plane.edge.id
  service_id       = devportal_gateway_service.orders.id
  name             = "orders"
  paths            = ["/orders"]
  protocols        = ["http", "https"]
}

# What a gateway node of the control plane authenticates with: it can read the control plane's
# configuration and report itself, nothing else.
resource "devportal_gateway_node_token" "edge" {
  control_plane_id = devportal_control_plane.edge.id
  name             = "quickstart-node"
}

resource "devportal_api" "orders" {
  name        = "Orders"
  version     = "v1"
  description = "Create and track orders."
}

# The reference the website renders on the API's page; editing the file updates it in place.
resource "devportal_api_version" "orders" {
  api_id = devportal_api.orders.id
  spec   = file("${path.module}/orders-openapi.yaml")
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

# A developer the platform team onboards directly, with two applications: the administrator
# approved one for the Orders API; the other's registration waits for approval.
resource "devportal_developer" "grace" {
  portal_id  = devportal_portal.partners.id
  email      = "grace@example.com"
  full_name  = "Grace Hopper"
  status     = "approved"
  depends_on = [devportal_portal_security.partners]
}

resource "devportal_application" "dashboard" {
  portal_id        = devportal_portal.partners.id
  name             = "orders-dashboard"
  developer_id     = devportal_developer.grace.id
  auth_strategy_id = devportal_application_auth_strategy.key_auth.id
}

resource "devportal_application_registration" "dashboard" {
  portal_id      = devportal_portal.partners.id
  application_id = devportal_application.dashboard.id
  api_id         = devportal_api.orders.id
  status         = "approved"
  depends_on     = [devportal_api_service_link.orders, devportal_api_publication.orders]
}

resource "devportal_application" "sandbox" {
  portal_id        = devportal_portal.partners.id
  name             = "orders-sandbox"
  developer_id     = devportal_developer.grace.id
  auth_strategy_id = devportal_application_auth_strategy.key_auth.id
}

# No status: the portal's approval rules decide, so the registration stays pending.
resource "devportal_application_registration" "sandbox" {
  portal_id      = devportal_portal.partners.id
  application_id = devportal_application.sandbox.id
  api_id         = devportal_api.orders.id
  depends_on     = [devportal_api_service_link.orders, devportal_api_publication.orders]
}

# Keys the server generates; they are kept in the state as sensitive values.
resource "devportal_application_api_key" "dashboard" {
  portal_id      = devportal_portal.partners.id
  application_id = devportal_application.dashboard.id
  display_name   = "quickstart"
}

resource "devportal_application_api_key" "sandbox" {
  portal_id      = devportal_portal.partners.id
  application_id = devportal_application.sandbox.id
  display_name   = "quickstart"
}

# Read after the link and the publication exist, which is when the plugin is applied.
data "devportal_application_auth_enforcement" "orders" {
  api_id     = devportal_api.orders.id
  depends_on = [devportal_api_service_link.orders, devportal_api_publication.orders]
}

# The bundled backend serves each portal's website at the portal's domain, on its own port: the
# one `make demo` also gives orders_upstream_port.
output "portal_url" {
  description = "Where developers reach the portal's website."
  value       = "http://${devportal_portal.partners.default_domain}:${var.orders_upstream_port}"
}

output "portal_domain" {
  description = "The portal's domain (`<name>-<id prefix>.<region>.portal.localhost`), which resolves to this machine."
  value       = devportal_portal.partners.default_domain
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

output "control_plane_id" {
  description = "The control plane gateway nodes pull their configuration from."
  value       = devportal_control_plane.edge.id
}

output "gateway_node_token" {
  description = "Token for `terraform-provider-devportal gateway` (DEVPORTAL_TOKEN); read it with terraform output -raw gateway_node_token."
  value       = devportal_gateway_node_token.edge.token
  sensitive   = true
}

output "api_keys" {
  description = "The applications' API keys: approved lets requests through, pending gets 403 until the registration is approved."
  value = {
    approved = devportal_application_api_key.dashboard.key
    pending  = devportal_application_api_key.sandbox.key
  }
  sensitive = true
}
