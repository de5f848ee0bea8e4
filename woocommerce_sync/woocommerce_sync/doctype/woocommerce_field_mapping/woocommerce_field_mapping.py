from frappe.model.document import Document


class WooCommerceFieldMapping(Document):
	pass
