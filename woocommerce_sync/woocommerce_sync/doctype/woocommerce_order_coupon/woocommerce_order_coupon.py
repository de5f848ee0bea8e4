from frappe.model.document import Document


class WooCommerceOrderCoupon(Document):
	"""A coupon a WooCommerce order used, as the import found it (read-only)."""
