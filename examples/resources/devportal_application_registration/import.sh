# Import a registration, also one a developer made in the portal, by portal ID, application ID and
# registration ID.
terraform import devportal_application_registration.orders 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a/3e4f5a6b-7c8d-4e9f-0a1b-2c3d4e5f6a7b
