"""An order a person decided not to import, with why; deleting it lets the next run import it."""

import frappe
from frappe.model.document import Document

from woocommerce_sync.constants import IGNORED_ORDER
from woocommerce_sync.orders import retries


class WooCommerceIgnoredOrder(Document):
	def before_insert(self) -> None:
		self.ignored_by = frappe.session.user

	def after_insert(self) -> None:
		"""However it is ignored (the console, the list, an import), the order stops being retried."""
		retries.drain(self.store, [self.woocommerce_order_id])


def on_doctype_update() -> None:
	"""The importer asks, page by page, which of a store's orders are ignored."""
	frappe.db.add_unique(IGNORED_ORDER, ["store", "woocommerce_order_id"], constraint_name="store_order")
