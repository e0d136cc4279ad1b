# API keys sent in the x-api-key header, valid for at most 90 days.
resource "devportal_application_auth_strategy" "api_keys" {
  name         = "partners-api-keys"
  display_name = "API key"
  labels = {
    team = "platform"
  }

  key_auth = {
    key_names = ["x-api-key"]
    ttl = {
      value = 90
      unit  = "days"
    }
  }
}

# Credentials from an OpenID Connect identity provider.
resource "devportal_application_auth_strategy" "oidc" {
  name         = "partners-oidc"
  display_name = "OAuth 2.0 client credentials"

  openid_connect = {
    issuer           = "https://idp.example.com/oauth2/default"
    credential_claim = ["client_id"]
    scopes           = ["openid"]
    auth_methods     = ["client_credentials", "bearer"]
    additional_properties = jsonencode({
      audience = ["partners-api"]
    })
  }
}
