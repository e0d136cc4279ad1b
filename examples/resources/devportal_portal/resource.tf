resource "devportal_portal" "partners" {
  name         = "partners"
  display_name = "Partner Portal"
  description  = "Self-service access to the partner APIs."

  labels = {
    team = "platform"
  }
}
