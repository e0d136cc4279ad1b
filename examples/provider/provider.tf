# The URL and token usually come from DEVPORTAL_SERVER_URL and DEVPORTAL_TOKEN.
provider "devportal" {
  server_url = "https://{region}.api.konghq.com"
  region     = "eu"
  token      = var.devportal_token

  max_retries     = 4
  request_timeout = "30s"
}

variable "devportal_token" {
  type      = string
  sensitive = true
}

# A second configuration for objects of another region.
provider "devportal" {
  alias  = "us"
  region = "us"
}
