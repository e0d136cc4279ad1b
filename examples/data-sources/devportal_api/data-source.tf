data "devportal_api" "orders" {
  name    = "Orders"
  version = "v1"
}

output "orders_published_to" {
  value = data.devportal_api.orders.portals[*].name
}
