# Import a snippet as <portal_id>/<snippet_id>.
terraform import devportal_portal_snippet.support 7f7b3c4e-5d6a-4b8c-9e0f-1a2b3c4d5e6f/4b3a2f1e-0d9c-4b8a-7f6e-5d4c3b2a1f0e
