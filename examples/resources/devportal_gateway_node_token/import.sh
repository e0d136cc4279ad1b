# Import a gateway node token as <control_plane_id>/<token_id>. The secret is not imported: the
# server shows it only when the token is created, so `token` is null after an import.
terraform import devportal_gateway_node_token.edge 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f
