# Import an API by its ID.
terraform import devportal_api.orders 5c9e1f2a-3b4d-4e6f-8a1b-2c3d4e5f6a7b
