variable "portal_id" {
  type = string
}

# Developers waiting for approval, whether they signed up or were created by Terraform.
data "devportal_developers" "pending" {
  portal_id = var.portal_id
  status    = "pending"
}

output "pending_developers" {
  value = [for d in data.devportal_developers.pending.developers : d.email]
}
