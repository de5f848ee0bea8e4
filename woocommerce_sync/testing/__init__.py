"""Test support shared by the core tier (pytest) and the bench tier (FrappeTestCase); no frappe import."""
