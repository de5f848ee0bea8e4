"""A failed order waiting to be fetched by id again; written and drained by orders/retries.py."""

from frappe.model.document import Document


class WooCommerceOrderRetry(Document):
	pass
