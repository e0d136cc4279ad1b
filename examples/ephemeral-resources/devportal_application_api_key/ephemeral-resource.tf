variable "portal_id" {
  type = string
}

variable "application_id" {
  type = string
}

# A key that lives for this run only, for example to smoke-test the API behind the gateway. It is
# revoked when the run ends and never appears in the plan or the state.
ephemeral "devportal_application_api_key" "smoke" {
  portal_id      = var.portal_id
  application_id = var.application_id
  display_name   = "smoke test"
  lifetime       = "15m"
}

variable "orders_url" {
  description = "The Orders API behind the gateway."
  type        = string
}

# Ephemeral values go only where Terraform forgets them: here, a provisioner's environment.
resource "terraform_data" "smoke_test" {
  triggers_replace = [var.orders_url]

  provisioner "local-exec" {
    command = "curl -fsS -o /dev/null -H \"apikey: $API_KEY\" \"$ORDERS_URL/orders\""
    environment = {
      API_KEY    = ephemeral.devportal_application_api_key.smoke.key
      ORDERS_URL = var.orders_url
    }
  }
}
