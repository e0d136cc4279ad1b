# The quickstart: a private developer portal that requires admin approval, with a key-auth
# application auth strategy as its default. Run it with `make demo`, which starts the bundled
# backend and sets DEVPORTAL_SERVER_URL and DEVPORTAL_TOKEN for the provider.

terraform {
  required_providers {
    devportal = {
      source = "devportal-labs/devportal"
    }
  }
}

provider "devportal" {}

resource "devportal_application_auth_strategy" "key_auth" {
  name         = "quickstart-key-auth"
  display_name = "API key"
  key_auth = {
    key_names = ["apikey", "x-api-key"]
  }
}

resource "devportal_portal" "partners" {
  name         = "partners"
  display_name = "Partner Portal"
  description  = "Self-service access to the partner APIs."
}

resource "devportal_portal_security" "partners" {
  portal_id                            = devportal_portal.partners.id
  authentication_enabled               = true
  auto_approve_developers              = false
  auto_approve_applications            = false
  default_api_visibility               = "private"
  default_application_auth_strategy_id = devportal_application_auth_strategy.key_auth.id
}

output "portal_url" {
  description = "Where developers reach the portal."
  value       = "https://${devportal_portal.partners.default_domain}"
}

output "default_application_auth_strategy" {
  description = "The strategy new publications use unless they name another."
  value       = devportal_application_auth_strategy.key_auth.name
}

output "approval_required" {
  description = "Whether developers and applications wait for an administrator."
  value = {
    developers   = !devportal_portal_security.partners.auto_approve_developers
    applications = !devportal_portal_security.partners.auto_approve_applications
  }
}
