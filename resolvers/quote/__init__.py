"""Quotes: reading, requesting, issuing and declining (quotes), their lines (lines), acceptance (accept)."""
