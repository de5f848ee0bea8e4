"""The sale workflow: Sales Invoice, Payment Entry, Credit Notes and Delivery Note follow a WooCommerce order.

The importer calls `SaleWorkflow.follow` after it has made or updated an order's Sales Order, in
the same per-order transaction, and `cancel_downstream` on its cancel path. Nothing is kept in
memory between runs: each step first looks for its document (invoice by store and order id,
payment by reference, credit note by refund id), so a second run, or one after a crash between
invoice and payment, ends with the same single set of documents.
"""

from collections.abc import Callable

import frappe
from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice
from frappe import _

from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.core.order_mapping import CANCELLING_STATUSES, normalize_status
from woocommerce_sync.dates import site_date_time
from woocommerce_sync.manual_access import check_documents, check_store, refund_needs, sale_needs
from woocommerce_sync.runs import SyncRun, sync_run
from woocommerce_sync.sales.deliveries import deliver, undo_deliveries
from woocommerce_sync.sales.documents import (
	error_message,
	live_sales_order,
	order_invoice,
	undo,
)
from woocommerce_sync.sales.payments import cancel_payments, receive_payment
from woocommerce_sync.sales.refunds import sync_refunds

UNDO_SAVEPOINT = "woocommerce_cancel_downstream"


class SaleWorkflow:
	def __init__(self, settings, run: SyncRun):
		self.settings = settings
		self.store = settings.name
		self.run = run

	@property
	def enabled(self) -> bool:
		return bool(self.settings.create_invoice or self.settings.create_delivery_note)

	def follow(self, order: dict, force_invoice: bool = False) -> list[str]:
		"""Bring the order's documents to what its WooCommerce state asks for, as configured;
		return the names of the documents made."""
		if not (self.enabled or force_invoice):
			return []
		status = normalize_status(order.get("status"))
		if status in CANCELLING_STATUSES - {"refunded"}:
			return []
		so = live_sales_order(self.store, order["id"])
		if not so or so.docstatus != 1 or so.status in ("Closed", "On Hold"):
			return []
		made: list[str] = []
		invoice = self.invoice(so, order, force_invoice, made)
		if invoice and invoice.docstatus == 1:
			made.append(receive_payment(self.settings, invoice, order))
			made.extend(sync_refunds(self.settings, invoice, order, self.run))
		if status == "completed" and self.settings.create_delivery_note:
			made.append(deliver(so, order, self.run))
		return [name for name in made if name]

	# Sales Invoice ------------------------------------------------------------------------------

	def invoice_due(self, order: dict) -> bool:
		statuses = [s.strip() for s in (self.settings.invoice_statuses or "").splitlines() if s.strip()]
		paid = bool(order.get("date_paid_gmt") or order.get("date_paid"))
		return normalize_status(order.get("status")) in statuses and (
			paid or not self.settings.invoice_only_paid
		)

	def invoice(self, so, order: dict, force: bool, made: list[str]):
		"""The order's invoice: found, else made from the Sales Order when due; submitted if configured."""
		name = order_invoice(self.store, order["id"])
		if name:
			invoice = frappe.get_doc("Sales Invoice", name)
		elif (force or (self.settings.create_invoice and self.invoice_due(order))) and so.per_billed < 100:
			invoice = make_sales_invoice(so.name, ignore_permissions=True)
			invoice.update(
				{
					"woocommerce_server": self.store,
					"woocommerce_id": str(order["id"]),
					"set_posting_time": 1,
					"due_date": None,
					"payment_schedule": [],
				}
			)
			invoice.posting_date, invoice.posting_time = site_date_time(
				order.get("date_paid_gmt") or order.get("date_completed_gmt") or order.get("date_created_gmt")
			)
			invoice.insert(ignore_permissions=True)
			made.append(invoice.name)
		else:
			return None
		if invoice.docstatus == 0 and self.settings.submit_invoice:
			invoice.submit()
		return invoice

	# Cancellation -------------------------------------------------------------------------------

	def cancel_downstream(self, sales_order: str, woocommerce_id: int) -> list[str]:
		"""Undo what the order's sale made, payments first, all or nothing; return what a person
		must still do.

		Drafts are deleted, submitted documents cancelled, in the order ERPNext allows: payments,
		credit notes, invoices, then Delivery Notes, all under one savepoint. When one of them
		refuses (ERPNext's reason is returned with its name), or a Delivery Note is submitted (the
		goods have left the warehouse, so a person decides between a Sales Return and cancelling
		it), everything goes back to the savepoint: no payment is cancelled while its invoice stays.
		"""
		frappe.db.savepoint(UNDO_SAVEPOINT)
		problems = self._undo_downstream(sales_order, woocommerce_id)
		if problems:
			frappe.db.rollback(save_point=UNDO_SAVEPOINT)
		return problems

	def _undo_downstream(self, sales_order: str, woocommerce_id: int) -> list[str]:
		invoices = frappe.get_all(
			"Sales Invoice",
			filters={
				"woocommerce_server": self.store,
				"woocommerce_id": str(woocommerce_id),
				"docstatus": ("<", 2),
			},
			fields=["name", "docstatus", "is_return"],
			order_by="is_return desc, creation desc",
		)
		problems = cancel_payments([row.name for row in invoices])
		if problems:
			return problems
		for row in invoices:
			problem = undo("Sales Invoice", row.name, row.docstatus)
			if problem:
				return [problem]
		return undo_deliveries(sales_order)


# Manual actions and commands --------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def create_invoice(sales_order: str) -> dict:
	"""Sales Order > Actions > Create Invoice: the invoice (and payment, as configured) now."""
	return _manual(sales_order, "create_invoices")


@frappe.whitelist(methods=["POST"])
def sync_order_refunds(sales_order: str) -> dict:
	"""Sales Order > Actions > Sync Refunds: a Credit Note for each refund not yet credited."""
	return _manual(sales_order, "sync_refunds")


def _manual(sales_order: str, action: str) -> dict:
	"""One order, at once, for a user who may read the Sales Order and the store and make (and
	submit, as the store does) every document the workflow will make."""
	so = frappe.get_doc("Sales Order", sales_order)
	so.check_permission("read")
	if not (so.woocommerce_server and so.woocommerce_id):
		frappe.throw(_("Sales Order {0} did not come from WooCommerce.").format(so.name))
	settings = check_store(so.woocommerce_server)
	check_documents(
		settings.name,
		sale_needs(settings, invoice=True) if action == "create_invoices" else refund_needs(settings),
	)
	run = run_for_orders(so.woocommerce_server, action, [int(so.woocommerce_id)], trigger="Manual")
	if run.failures or not (run.counts["created"] or run.counts["skipped"]):
		frappe.throw(run.failures[0]["reason"] if run.failures else "; ".join(run.notes))
	return {"sync_log": run.name, "invoice": order_invoice(so.woocommerce_server, so.woocommerce_id)}


def run_for_orders(
	store: str,
	action: str,
	ids: list[int] | None = None,
	trigger: str = "Command",
	on_progress: Callable[[int], None] | None = None,
) -> SyncRun:
	"""create_invoices or sync_refunds for the store's live submitted Sales Orders (or those ids),
	each order its own transaction, read from WooCommerce 100 at a time."""
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, action) as run:
		workflow = SaleWorkflow(settings, run)
		ids = ids or [int(i) for i in order_ids_to_follow(store, action)]
		with get_client(settings) as client:
			for start in range(0, len(ids), 100):
				_follow_page(client, workflow, action, ids[start : start + 100], on_progress)
	return run


def _follow_page(
	client, workflow: SaleWorkflow, action: str, ids: list[int], on_progress: Callable[[int], None] | None
) -> None:
	store, run = workflow.store, workflow.run
	orders = client.get_by_ids("orders", ids)
	for missing in set(ids) - {order["id"] for order in orders}:
		run.fail(
			missing, _("WooCommerce store {0} has no order {1} (deleted there?).").format(store, missing)
		)
		if on_progress:
			on_progress(1)
	for order in orders:
		try:
			if action == "create_invoices":
				made = workflow.follow(order, force_invoice=True)
			else:
				invoice = order_invoice(store, order["id"])
				made = invoice and sync_refunds(
					workflow.settings, frappe.get_doc("Sales Invoice", invoice), order, run
				)
			frappe.db.commit()
			run.count("created" if made else "skipped")
		except Exception as exc:
			frappe.db.rollback()
			reason = _("WooCommerce store {0}, order {1}: {2}").format(store, order["id"], error_message(exc))
			run.fail(order["id"], reason)
		if on_progress:
			on_progress(1)


def order_ids_to_follow(store: str, action: str) -> list[str]:
	"""Submitted live Sales Orders of the store: without an invoice for create_invoices, with one for refunds."""
	orders = frappe.get_all(
		"Sales Order",
		filters={"woocommerce_server": store, "docstatus": 1, "woocommerce_live_key": ("is", "set")},
		pluck="woocommerce_id",
	)
	invoiced = set(
		frappe.get_all(
			"Sales Invoice",
			filters={"woocommerce_server": store, "is_return": 0, "docstatus": ("<", 2)},
			pluck="woocommerce_id",
		)
	)
	return [i for i in orders if (i in invoiced) == (action == "sync_refunds")]
