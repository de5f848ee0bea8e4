"""A WooCommerce order read live from its store (virtual DocType): for looking and for re-syncing.

Frappe calls the static methods for Desk's list, `/api/resource` and frappe.get_list, and
load_from_db for the form; woocommerce_sync/order_view.py does the reading. Orders are changed in
WooCommerce or through their Sales Order, never here.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils.html_utils import sanitize_html

from woocommerce_sync.constants import MANAGER_ROLES
from woocommerce_sync.core.client import INTERACTIVE
from woocommerce_sync.manual_access import check_documents, check_store, import_needs
from woocommerce_sync.orders import order_view
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store


class WooCommerceOrder(Document):
	def load_from_db(self) -> None:
		super(Document, self).__init__(order_view.load(self.name))

	def db_insert(self, *args, **kwargs) -> None:
		_read_only()

	def db_update(self, *args, **kwargs) -> None:
		_read_only()

	def delete(self, *args, **kwargs) -> None:
		_read_only()

	@staticmethod
	def get_list(args) -> list:
		return order_view.get_list(args)

	@staticmethod
	def get_count(args) -> int:
		return order_view.get_count(args)

	@staticmethod
	def get_stats(args) -> dict:
		"""No sidebar tag or assignment counts: orders live in the store, not in a table."""
		return {}

	@frappe.whitelist(methods=["POST"])
	def sync_with_erpnext(self) -> dict:
		return sync_order(self.name)


def _read_only() -> None:
	frappe.throw(
		_(
			"WooCommerce Orders are read live from the store: change the order in WooCommerce, or its "
			"Sales Order in ERPNext."
		)
	)


@frappe.whitelist(methods=["POST"])
def sync_order(name: str) -> dict:
	"""Sync this Order with ERPNext: import or update its Sales Order through the normal import."""
	frappe.only_for(MANAGER_ROLES)
	store, order_id = order_view.check_access(name)
	check_documents(store, import_needs(check_store(store)))
	run = sync_store(
		store, "Manual", filters=ImportFilters(ids=[order_id], update_existing=True), profile=INTERACTIVE
	)
	sales_order = frappe.db.get_value(
		"Sales Order", {"woocommerce_live_key": live_key(store, order_id)}, "name"
	) or frappe.db.get_value(
		"Sales Order",
		{"woocommerce_server": store, "woocommerce_id": str(order_id)},
		"name",
		order_by="creation desc",
	)
	outcome = next((o for o in ("failed", "created", "updated") if run.counts[o]), "skipped")
	if run.error:
		outcome = "failed"
	status = None
	if outcome == "skipped" and not sales_order:
		# Not imported: say why. An order deleted in the store raises its own plain message here.
		status = order_view.load(name)["status"]
	return {
		"outcome": outcome,
		"sales_order": sales_order,
		"sync_log": run.name,
		"message": _message(outcome, store, order_id, sales_order, run, status),
	}


def _message(
	outcome: str, store: str, order_id: int, sales_order: str | None, run, status: str | None
) -> str:
	order = _("Order {0} of store {1}").format(order_id, store)
	log = frappe.utils.get_link_to_form("WooCommerce Sync Log", run.name)
	so = frappe.utils.get_link_to_form("Sales Order", sales_order) if sales_order else None
	if outcome == "failed":
		reason = sanitize_html(
			run.error or (run.failures[0]["reason"] if run.failures else _("see the Sync Log"))
		)
		return _("{0} could not be synced: {1} (Sync Log {2})").format(order, reason, log)
	if outcome == "created":
		return _("{0}: Sales Order {1} was created.").format(order, so)
	if (
		outcome == "updated"
		and sales_order
		and frappe.db.get_value("Sales Order", sales_order, "docstatus") == 2
	):
		return _(
			"{0}: Sales Order {1} was cancelled: the order is cancelled, trashed or deleted in WooCommerce."
		).format(order, so)
	if outcome == "updated":
		return _("{0}: Sales Order {1} was updated.").format(order, so)
	if so:
		return _("{0}: nothing to do, Sales Order {1} is up to date.").format(order, so)
	return _(
		"{0}: nothing to do, its status {1} is not one the store imports (Order Statuses to Import in "
		"the store's settings)."
	).format(order, status)
