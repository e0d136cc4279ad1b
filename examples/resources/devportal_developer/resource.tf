resource "devportal_portal" "partners" {
  name = "partners"
}

# A developer account created by the platform team. The address counts as verified; the developer
# picks a password through the portal's forgot-password flow.
resource "devportal_developer" "ada" {
  portal_id = devportal_portal.partners.id
  email     = "ada@example.com"
  full_name = "Ada Lovelace"
  status    = "approved"
}
