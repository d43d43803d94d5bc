"""REST API v1: the root that composes each app's ``api`` module, the OpenAPI document and the error
format shared by every endpoint."""
