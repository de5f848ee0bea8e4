"""A warehouse whose available stock counts towards the store's stock quantities."""

from frappe.model.document import Document


class WooCommerceStockWarehouse(Document):
	pass
