# Import a version as <api_id>/<version_id>.
terraform import devportal_api_version.pets 5c9e1f2a-3b4d-4e6f-8a1b-2c3d4e5f6a7b/9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d
