# Import the customization of a portal by the portal's ID.
terraform import devportal_portal_customization.partners 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f
