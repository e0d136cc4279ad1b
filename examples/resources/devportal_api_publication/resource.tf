resource "devportal_portal" "partners" {
  name = "partners"
}

resource "devportal_application_auth_strategy" "partner_keys" {
  name     = "partner-keys"
  key_auth = { key_names = ["x-api-key"] }
}

resource "devportal_api" "orders" {
  name    = "Orders"
  version = "v1"
}

resource "devportal_api" "status" {
  name = "Status"
}

resource "devportal_api" "catalog" {
  name = "Catalog"
}

# A given strategy.
resource "devportal_api_publication" "orders" {
  api_id                     = devportal_api.orders.id
  portal_id                  = devportal_portal.partners.id
  auth_strategy_id           = devportal_application_auth_strategy.partner_keys.id
  auto_approve_registrations = true
}

# No application auth.
resource "devportal_api_publication" "status" {
  api_id                   = devportal_api.status.id
  portal_id                = devportal_portal.partners.id
  disable_application_auth = true
  visibility               = "public"
}

# The portal's default strategy at publish time.
resource "devportal_api_publication" "catalog" {
  api_id    = devportal_api.catalog.id
  portal_id = devportal_portal.partners.id
}
