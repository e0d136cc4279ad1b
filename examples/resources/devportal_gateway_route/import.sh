# Import a gateway route as <control_plane_id>/<route_id>.
terraform import devportal_gateway_route.orders 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/7e8f9a0b-1c2d-4e3f-9a4b-5c6d7e8f9a0b
