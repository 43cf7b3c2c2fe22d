"""Quick order lists: the lists and their lines (lists), ordering from them (ordering)."""
