resource "devportal_portal" "partners" {
  name = "partners"
}

resource "devportal_developer" "ada" {
  portal_id = devportal_portal.partners.id
  email     = "ada@example.com"
  full_name = "Ada Lovelace"
  status    = "approved"
}

# An application owned by a developer; it uses the portal's default application auth strategy.
resource "devportal_application" "billing" {
  portal_id    = devportal_portal.partners.id
  name         = "billing-sync"
  developer_id = devportal_developer.ada.id
  labels = {
    team = "billing"
  }
}
