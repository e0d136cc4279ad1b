data "devportal_gateway_service" "orders" {
  control_plane_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
  name             = "orders"
}

output "orders_upstream" {
  value = "${data.devportal_gateway_service.orders.protocol}://${data.devportal_gateway_service.orders.host}:${data.devportal_gateway_service.orders.port}"
}
