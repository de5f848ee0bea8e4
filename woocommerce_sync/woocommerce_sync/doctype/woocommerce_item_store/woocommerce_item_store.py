"""A store an Item is sold on (the Item's Sell on WooCommerce Stores)."""

from frappe.model.document import Document


class WooCommerceItemStore(Document):
	pass
