from frappe.model.document import Document


class WooCommerceTaxAccount(Document):
	pass
