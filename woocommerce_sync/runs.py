"""A WooCommerce Sync Log row per run: started at once (so a crash leaves a trace), finished with counts."""

import frappe
from frappe.utils import now_datetime

from woocommerce_sync.constants import SYNC_LOG

MAX_REASON = 2000


class SyncRun:
	def __init__(self, store: str, trigger: str, dry_run: bool = False):
		self.store = store
		self.dry_run = dry_run
		self.counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
		self.failures: list[dict] = []
		self.notes: list[str] = []
		self.error: str | None = None
		self.log = frappe.get_doc(
			{
				"doctype": SYNC_LOG,
				"store": store,
				"trigger": trigger,
				"status": "Running",
				"started": now_datetime(),
				"notes": "Dry run: nothing was written." if dry_run else None,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	@property
	def name(self) -> str:
		return self.log.name

	def count(self, outcome: str) -> None:
		self.counts[outcome] += 1

	def fail(
		self,
		woocommerce_id: object,
		reason: str,
		sales_order: str | None = None,
		reference: tuple[str, str] | None = None,
	) -> None:
		"""`reference` names another document than a Sales Order, e.g. ("Item", item code)."""
		reference_doctype, reference_name = reference or (
			("Sales Order", sales_order) if sales_order else (None, None)
		)
		self.counts["failed"] += 1
		self.failures.append(
			{
				"woocommerce_order_id": str(woocommerce_id or ""),
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
				"reason": reason[:MAX_REASON],
			}
		)

	def note(self, text: str) -> None:
		self.notes.append(text)

	def finish(self, error: str | None = None) -> None:
		"""Write counts and failures; `error` is a failure of the whole run (store down, bad keys)."""
		self.error = error
		if error:
			self.notes.append(error)
		status = "Failed" if error else ("Partial Failure" if self.counts["failed"] else "Success")
		log = frappe.get_doc(SYNC_LOG, self.log.name)
		log.update(
			{
				"status": status,
				"ended": now_datetime(),
				"created_count": self.counts["created"],
				"updated_count": self.counts["updated"],
				"skipped_count": self.counts["skipped"],
				"failed_count": self.counts["failed"],
				"notes": "\n".join(filter(None, [log.notes, *self.notes]))[: MAX_REASON * 5] or None,
			}
		)
		for failure in self.failures:
			log.append("failures", failure)
		log.save(ignore_permissions=True)
		frappe.db.commit()
