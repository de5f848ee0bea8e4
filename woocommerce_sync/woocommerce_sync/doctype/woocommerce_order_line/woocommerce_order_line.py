"""A line of a WooCommerce Order, read with its order (woocommerce_sync/order_view.py), never stored."""

from frappe.model.document import Document


class WooCommerceOrderLine(Document):
	pass
