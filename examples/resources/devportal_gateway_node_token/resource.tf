resource "devportal_control_plane" "edge" {
  name = "edge"
}

# The token the edge gateway nodes authenticate with (DEVPORTAL_TOKEN of
# `terraform-provider-devportal gateway`).
resource "devportal_gateway_node_token" "edge" {
  control_plane_id = devportal_control_plane.edge.id
  name             = "edge-nodes"
}

output "edge_node_token" {
  value     = devportal_gateway_node_token.edge.token
  sensitive = true
}
