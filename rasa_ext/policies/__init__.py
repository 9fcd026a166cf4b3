"""Dialogue policies named in config.yml."""
