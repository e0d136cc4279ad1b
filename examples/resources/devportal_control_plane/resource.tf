resource "devportal_control_plane" "edge" {
  name        = "edge"
  description = "Gateways in front of the public APIs."

  labels = {
    env = "production"
  }
}
