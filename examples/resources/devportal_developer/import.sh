# Import a developer, also one who signed up through the portal, by portal ID and developer ID.
terraform import devportal_developer.ada 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f/1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f
