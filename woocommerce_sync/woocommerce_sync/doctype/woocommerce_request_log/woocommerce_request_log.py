"""One WooCommerce API call, without credentials: what a person reads to see what was sent and why it failed."""

import frappe
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now

from woocommerce_sync.constants import REQUEST_LOG


class WooCommerceRequestLog(Document):
	@staticmethod
	def clear_old_logs(days: int = 30) -> None:
		"""Called by Log Settings with the retention the administrator chose."""
		table = frappe.qb.DocType(REQUEST_LOG)
		frappe.db.delete(table, filters=(table.creation < (Now() - Interval(days=days))))
