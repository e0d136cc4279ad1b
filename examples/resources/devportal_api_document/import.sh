# Import a document as <api_id>/<document_id>.
terraform import devportal_api_document.authentication 5c9e1f2a-3b4d-4e6f-8a1b-2c3d4e5f6a7b/1e2d3c4b-5a6f-4e7d-8c9b-0a1f2e3d4c5b
