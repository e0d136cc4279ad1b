data "devportal_api" "orders" {
  name    = "Orders"
  version = "v1"
}

data "devportal_application_auth_enforcement" "orders" {
  api_id = data.devportal_api.orders.id
}

output "orders_enforcement" {
  value = {
    status    = data.devportal_application_auth_enforcement.orders.status
    service   = data.devportal_application_auth_enforcement.orders.service_id
    key_names = data.devportal_application_auth_enforcement.orders.key_names
  }
}
