# Import a publication as <api_id>/<portal_id>.
terraform import devportal_api_publication.orders 5c9e1f2a-3b4d-4e6f-8a1b-2c3d4e5f6a7b/7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f
