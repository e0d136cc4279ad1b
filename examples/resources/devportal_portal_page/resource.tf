resource "devportal_portal" "partners" {
  name = "partners"
}

# Takes over the home page every portal starts with.
resource "devportal_portal_page" "home" {
  portal_id  = devportal_portal.partners.id
  slug       = "/"
  title      = "Partner Portal"
  content    = file("${path.module}/pages/home.md")
  visibility = "public"
  status     = "published"
}

resource "devportal_portal_page" "guides" {
  portal_id  = devportal_portal.partners.id
  slug       = "/guides"
  content    = "# Guides\n\nHow to use the partner APIs."
  visibility = "public"
  status     = "published"
}

# Shown at /guides/getting-started; its title and description come from the front matter.
resource "devportal_portal_page" "getting_started" {
  portal_id      = devportal_portal.partners.id
  parent_page_id = devportal_portal_page.guides.id
  slug           = "getting-started"
  content        = <<-EOT
    ---
    title: Getting started
    description: From sign-up to your first request.
    ---
    # Getting started

    Sign up, create an application, register it with an API and create a key.
  EOT
  visibility     = "public"
  status         = "published"
}

# Only signed-in developers see it.
resource "devportal_portal_page" "partner_terms" {
  portal_id  = devportal_portal.partners.id
  slug       = "/partner-terms"
  content    = "# Partner terms"
  visibility = "private"
  status     = "published"
}
