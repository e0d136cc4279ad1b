variable "control_plane_id" {
  type = string
}

# The gateway nodes of a control plane and whether they can enforce application auth.
data "devportal_control_plane_nodes" "edge" {
  control_plane_id = var.control_plane_id
}

# Nodes to upgrade (or remove) before the control plane's services can be linked to APIs.
output "nodes_to_upgrade" {
  value = {
    for n in data.devportal_control_plane_nodes.edge.nodes :
    n.hostname => n.version if !n.supports_application_auth
  }
}

# Nodes that do not run the control plane's current configuration yet.
output "nodes_behind" {
  value = data.devportal_control_plane_nodes.edge.in_sync ? [] : [
    for n in data.devportal_control_plane_nodes.edge.nodes :
    n.hostname if n.config_hash != data.devportal_control_plane_nodes.edge.expected_config_hash
  ]
}
