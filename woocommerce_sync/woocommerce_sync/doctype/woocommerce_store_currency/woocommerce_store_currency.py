from frappe.model.document import Document


class WooCommerceStoreCurrency(Document):
	pass
