"""Validation lists: creating one from priced lines (create); reading, cancelling and deciding (lists)."""
