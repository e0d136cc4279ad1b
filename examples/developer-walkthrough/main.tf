# The administrator's side of the developer walk-through (scripts/developer-walkthrough.sh): a
# developer signed up through the portal and, later, registered an application with an API. Both
# wait for approval. Terraform takes them over with import blocks and approves them; from then on
# they are managed like any other resource.

terraform {
  required_providers {
    devportal = {
      source = "devportal-labs/devportal"
    }
  }
}

provider "devportal" {}

variable "portal_id" {
  description = "The portal the developer signed up to."
  type        = string
}

variable "developer_id" {
  description = "The developer who signed up."
  type        = string
}

variable "developer_email" {
  description = "The address the developer signed up with."
  type        = string
}

variable "developer_name" {
  description = "The name the developer signed up with."
  type        = string
}

variable "api_id" {
  description = "The API the developer registers with."
  type        = string
  default     = ""
}

variable "application_id" {
  description = "The developer's application; empty until they have created it."
  type        = string
  default     = ""
}

variable "registration_id" {
  description = "The application's registration with the API; empty until the developer has registered."
  type        = string
  default     = ""
}

import {
  to = devportal_developer.self_service
  id = "${var.portal_id}/${var.developer_id}"
}

resource "devportal_developer" "self_service" {
  portal_id = var.portal_id
  email     = var.developer_email
  full_name = var.developer_name
  status    = "approved"
}

import {
  for_each = var.registration_id == "" ? toset([]) : toset([var.registration_id])
  to       = devportal_application_registration.self_service[0]
  id       = "${var.portal_id}/${var.application_id}/${each.value}"
}

resource "devportal_application_registration" "self_service" {
  count          = var.registration_id == "" ? 0 : 1
  portal_id      = var.portal_id
  application_id = var.application_id
  api_id         = var.api_id
  status         = "approved"
}

output "developer_status" {
  value = devportal_developer.self_service.status
}

output "registration_status" {
  value = one(devportal_application_registration.self_service[*].status)
}
