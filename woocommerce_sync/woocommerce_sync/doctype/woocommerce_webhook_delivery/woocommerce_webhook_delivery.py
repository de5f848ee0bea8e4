"""One order webhook received from a store, kept so that a person can see what arrived and what
became of it, and so that a delivery whose job was lost is picked up again."""

import frappe
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now

from woocommerce_sync.constants import WEBHOOK_DELIVERY


class WooCommerceWebhookDelivery(Document):
	@staticmethod
	def clear_old_logs(days: int = 30) -> None:
		"""Called by Log Settings with the retention the administrator chose."""
		table = frappe.qb.DocType(WEBHOOK_DELIVERY)
		frappe.db.delete(table, filters=(table.creation < (Now() - Interval(days=days))))


def on_doctype_update() -> None:
	"""The job and the hourly sweep look deliveries up by store, order and status."""
	frappe.db.add_index(WEBHOOK_DELIVERY, ["store", "order_id", "status"])
