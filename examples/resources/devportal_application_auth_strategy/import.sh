# Import an application auth strategy by its ID.
terraform import devportal_application_auth_strategy.api_keys 0b9e6d4a-2c1f-4e3b-8a7d-6f5e4d3c2b1a
