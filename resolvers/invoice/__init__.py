"""Invoices, payments and credit: what the ERP records (records) and what customers and staff
read (reads: invoices, the credit summary, whether a validation list would exceed the limit)."""
