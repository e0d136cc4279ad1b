resource "devportal_portal" "partners" {
  name = "partners"
}

resource "devportal_application_auth_strategy" "api_keys" {
  name = "partners-api-keys"
  key_auth = {
    key_names = ["x-api-key"]
  }
}

# A private portal: developers sign in, and an administrator approves both
# developers and their application registrations.
resource "devportal_portal_security" "partners" {
  portal_id = devportal_portal.partners.id

  authentication_enabled    = true
  rbac_enabled              = false
  auto_approve_developers   = false
  auto_approve_applications = false
  default_api_visibility    = "private"
  default_page_visibility   = "public"
  basic_auth_enabled        = true

  default_application_auth_strategy_id = devportal_application_auth_strategy.api_keys.id
}

# A portal whose publications use no application auth unless they name a strategy.
resource "devportal_portal" "open" {
  name = "open-data"
}

resource "devportal_portal_security" "open" {
  portal_id                            = devportal_portal.open.id
  authentication_enabled               = false
  default_api_visibility               = "public"
  default_page_visibility              = "public"
  default_application_auth_strategy_id = ""
}
