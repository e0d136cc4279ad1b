# The key-auth strategy the server created together with the "partners" portal.
data "devportal_application_auth_strategy" "partners_default" {
  name = "partners-key-auth"
}

output "partners_key_names" {
  value = data.devportal_application_auth_strategy.partners_default.key_auth.key_names
}
