# Import a gateway service as <control_plane_id>/<service_id>.
terraform import devportal_gateway_service.orders 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/6d7e8f9a-0b1c-4d2e-8f3a-4b5c6d7e8f9a
