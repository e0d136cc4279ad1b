resource "devportal_control_plane" "edge" {
  name = "edge"
}

resource "devportal_gateway_service" "orders" {
  control_plane_id = devportal_control_plane.edge.id
  name             = "orders"
  host             = "orders.internal.example.com"
  port             = 8080
}

# Requests for api.example.com/orders reach the orders service, with /orders stripped.
resource "devportal_gateway_route" "orders" {
  control_plane_id = devportal_control_plane.edge.id
  service_id       = devportal_gateway_service.orders.id
  name             = "orders"
  hosts            = ["api.example.com"]
  paths            = ["/orders"]
  methods          = ["GET", "POST"]
  protocols        = ["http", "https"]
  tags             = ["team-orders"]
}
