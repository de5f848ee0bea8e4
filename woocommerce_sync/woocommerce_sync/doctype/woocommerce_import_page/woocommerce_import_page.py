"""One stored page of a store's order import, leased by the worker importing it (orders/import_pages.py)."""

from frappe.model.document import Document


class WooCommerceImportPage(Document):
	pass
