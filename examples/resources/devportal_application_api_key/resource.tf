variable "portal_id" {
  type = string
}

variable "application_id" {
  type = string
}

# A key you supply, for example from a secret manager through an ephemeral resource or an
# ephemeral variable. Write-only: it never reaches the plan or the state. Bump key_wo_version
# to replace the key with the current value.
variable "partner_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "devportal_application_api_key" "supplied" {
  portal_id      = var.portal_id
  application_id = var.application_id
  display_name   = "partner integration"
  key_wo         = var.partner_key
  key_wo_version = 1
  expires_at     = "2030-12-31T23:59:59Z"
}

# A key the server generates: it is stored in the state, as the sensitive attribute key.
resource "devportal_application_api_key" "generated" {
  portal_id      = var.portal_id
  application_id = var.application_id
  display_name   = "ci"
}
