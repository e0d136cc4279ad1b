resource "devportal_api" "orders" {
  name        = "Orders"
  version     = "v1"
  description = "Create and track orders."

  labels = {
    team = "orders"
  }
}
