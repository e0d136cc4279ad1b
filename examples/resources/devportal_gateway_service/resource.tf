resource "devportal_control_plane" "edge" {
  name = "edge"
}

resource "devportal_gateway_service" "orders" {
  control_plane_id = devportal_control_plane.edge.id
  name             = "orders"
  protocol         = "https"
  host             = "orders.internal.example.com"
  port             = 443
  path             = "/v1"
  read_timeout     = 30000
  tags             = ["team-orders"]
}
