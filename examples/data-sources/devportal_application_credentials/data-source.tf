variable "portal_id" {
  type = string
}

variable "application_id" {
  type = string
}

# The application's keys: metadata only, never the keys themselves.
data "devportal_application_credentials" "billing" {
  portal_id      = var.portal_id
  application_id = var.application_id
}

output "expired_keys" {
  value = [for k in data.devportal_application_credentials.billing.credentials : k.display_name if k.status == "expired"]
}
