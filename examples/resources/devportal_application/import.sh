# Import an application, also one a developer created in the portal, by portal ID and application ID.
terraform import devportal_application.billing 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f/2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a
