resource "devportal_portal" "partners" {
  name = "partners"
}

# Arguments left out keep the portal's current values.
resource "devportal_portal_customization" "partners" {
  portal_id = devportal_portal.partners.id

  theme = {
    mode   = "system"
    colors = { primary = "#0b6e4f" }
  }

  menu = {
    main = [
      { path = "/apis", title = "APIs" },
      { path = "/guides", title = "Guides" },
      { path = "/partner-terms", title = "Partner terms", visibility = "private" },
    ]
    footer_sections = [{
      title = "Company"
      items = [{ path = "https://example.com/about", title = "About us", external = true }]
    }]
    footer_bottom = [
      { path = "https://example.com/privacy", title = "Privacy", external = true },
    ]
  }

  spec_renderer = {
    try_it_ui       = false
    hide_deprecated = true
  }

  robots = "User-agent: *\nDisallow: /"
}
