from frappe.model.document import Document


class WooCommerceSyncLogFailure(Document):
	pass
