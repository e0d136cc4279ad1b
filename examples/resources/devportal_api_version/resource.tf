resource "devportal_api" "pets" {
  name = "Pets"
}

# The version's name is the specification's info.version ("1.0.0") and follows it; editing
# openapi.yaml updates the version in place.
resource "devportal_api_version" "pets" {
  api_id = devportal_api.pets.id
  spec   = file("${path.module}/openapi.yaml")
}
