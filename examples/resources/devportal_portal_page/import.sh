# Import a page as <portal_id>/<page_id>.
terraform import devportal_portal_page.guides 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f/2d1c0b9a-8f7e-4d6c-5b4a-3f2e1d0c9b8a
