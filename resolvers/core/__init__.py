"""Shared infrastructure of the business rules: request context, loaders, access, permissions, errors, ids."""
