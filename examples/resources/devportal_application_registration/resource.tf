variable "portal_id" {
  type = string
}

variable "application_id" {
  type = string
}

variable "orders_api_id" {
  description = "An API published to the portal with the application's auth strategy and linked to a gateway service."
  type        = string
}

# The administrator decides: the registration is approved whatever the portal's approval settings.
# Change status to "revoked" to cut the application off, in place.
resource "devportal_application_registration" "orders" {
  portal_id      = var.portal_id
  application_id = var.application_id
  api_id         = var.orders_api_id
  status         = "approved"
}
