# Import a key's metadata by portal ID, application ID and key ID; the secret itself is never
# readable again.
terraform import devportal_application_api_key.generated 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a/4f5a6b7c-8d9e-4f0a-1b2c-3d4e5f6a7b8c
