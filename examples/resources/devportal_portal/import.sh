# Import a portal by its ID.
terraform import devportal_portal.partners 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f
