variable "portal_id" {
  type = string
}

variable "orders_api_id" {
  type = string
}

# Registrations with the Orders API waiting for a decision.
data "devportal_application_registrations" "orders_pending" {
  portal_id = var.portal_id
  api_id    = var.orders_api_id
  status    = "pending"
}

output "orders_pending" {
  value = {
    for r in data.devportal_application_registrations.orders_pending.registrations :
    r.id => r.application_name
  }
}
