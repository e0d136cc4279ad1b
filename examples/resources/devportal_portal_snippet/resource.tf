resource "devportal_portal" "partners" {
  name = "partners"
}

resource "devportal_portal_snippet" "support" {
  portal_id   = devportal_portal.partners.id
  name        = "support"
  title       = "Support"
  description = "How to reach the platform team."
  content     = "Questions? Write to [api-support@example.com](mailto:api-support@example.com)."
  visibility  = "public"
  status      = "published"
}
