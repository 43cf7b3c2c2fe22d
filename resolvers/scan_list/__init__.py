"""Scan lists: the lists, approval and scan submits (scans), the printable barcode sheet (printing)."""
