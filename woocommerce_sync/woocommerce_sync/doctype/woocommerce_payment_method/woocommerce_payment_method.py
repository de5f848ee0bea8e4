from frappe.model.document import Document


class WooCommercePaymentMethod(Document):
	pass
