resource "devportal_api" "orders" {
  name    = "Orders"
  version = "v1"
}

resource "devportal_api_document" "authentication" {
  api_id  = devportal_api.orders.id
  title   = "Authentication"
  content = "# Authentication\n\nSend your key in the `apikey` header."
  status  = "published"
}

# Shown under the authentication guide, at /apis/<api slug>/docs/key-rotation.
resource "devportal_api_document" "key_rotation" {
  api_id             = devportal_api.orders.id
  parent_document_id = devportal_api_document.authentication.id
  title              = "Rotating keys"
  slug               = "key-rotation"
  content            = "# Rotating keys\n\nCreate a second key, switch to it, then revoke the first."
  status             = "published"
}
