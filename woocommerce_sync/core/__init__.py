"""Pure-Python heart of the connector: no frappe import, so it runs and is tested anywhere."""
