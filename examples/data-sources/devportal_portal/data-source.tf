data "devportal_portal" "partners" {
  name = "partners"
}

output "partners_portal_domain" {
  value = data.devportal_portal.partners.canonical_domain
}
