# Import a portal by its ID.
terraform import devportal_portal.partners 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f

# Import a portal of another region than the provider's: prefix the ID with its region, and set
# region = "eu" on the resource so that the next plan keeps it there.
terraform import devportal_portal.partners_eu eu/0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f
