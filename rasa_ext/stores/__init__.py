"""The tracker store named in endpoints.yml."""
