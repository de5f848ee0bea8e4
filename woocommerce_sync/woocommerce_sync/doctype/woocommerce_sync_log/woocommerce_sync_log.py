"""One sync run of one store, with the orders that failed and why."""

import frappe
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now

from woocommerce_sync.constants import SYNC_LOG, SYNC_LOG_FAILURE


class WooCommerceSyncLog(Document):
	@staticmethod
	def clear_old_logs(days: int = 90) -> None:
		"""Called by Log Settings with the retention the administrator chose."""
		log = frappe.qb.DocType(SYNC_LOG)
		old = frappe.qb.from_(log).select(log.name).where(log.creation < (Now() - Interval(days=days)))
		names = [row[0] for row in old.run()]
		if names:
			frappe.db.delete(SYNC_LOG_FAILURE, {"parent": ("in", names)})
			frappe.db.delete(SYNC_LOG, {"name": ("in", names)})
