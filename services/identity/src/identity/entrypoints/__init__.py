"""The nameko service, its wire formats and its OpenAPI description."""
