# Import a service link as <api_id>/<link_id>.
terraform import devportal_api_service_link.orders 5c9e1f2a-3b4d-4e6f-8a1b-2c3d4e5f6a7b/8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b
