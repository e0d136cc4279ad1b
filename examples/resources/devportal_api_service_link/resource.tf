resource "devportal_control_plane" "edge" {
  name = "edge"
}

resource "devportal_gateway_service" "orders" {
  control_plane_id = devportal_control_plane.edge.id
  name             = "orders"
  host             = "orders.internal.example.com"
}

resource "devportal_api" "orders" {
  name    = "Orders"
  version = "v1"
}

# Gateways of this control plane enforce the API's application auth on the service.
resource "devportal_api_service_link" "orders" {
  api_id           = devportal_api.orders.id
  control_plane_id = devportal_control_plane.edge.id
  service_id       = devportal_gateway_service.orders.id
}

# The managed plugin depends on the link and on the API's publications: read it once they exist,
# and name them all in depends_on so that it is read again after any of them changes.
data "devportal_application_auth_enforcement" "orders" {
  api_id     = devportal_api.orders.id
  depends_on = [devportal_api_service_link.orders]
}

output "application_auth_plugin_id" {
  value = data.devportal_application_auth_enforcement.orders.plugin_id
}
