"""The sale workflow: Sales Invoice, Payment Entry, Credit Notes and Delivery Note follow a WooCommerce order.

The importer commits an order's Sales Order first, then calls `SaleWorkflow.step`: the sale
documents are their own step, in their own transaction, so a refused invoice never keeps the
order out. What the step needs from the store (refunds) is read before its transaction opens; the
Sales Order's row is locked, so two runs of one order take turns and the second finds the first
one's documents. A failure rolls the step back whole, is written on the Sales Order (Sale
Documents: Failed, with the reason) and in the Sync Log, and is retried by the next run (which
reads those orders by id) and by Create Invoice. Each step first looks for its document (invoice
by store and order id, payment by reference, credit note by refund id), so a second run, or one
after a crash between invoice and payment, ends with the same single set of documents.
`cancel_downstream` is the importer's cancel path.
"""

from collections.abc import Callable
from datetime import date

import frappe
from erpnext.accounts.utils import FiscalYearError, get_fiscal_year
from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice
from frappe import _
from frappe.utils import add_days, add_years, getdate, nowdate, nowtime

from woocommerce_sync import configuration_cache
from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import SALE_REASON_FIELD, SALE_STATE_FIELD, SETTINGS
from woocommerce_sync.core.client import MAX_PER_PAGE, WooCommerceClient
from woocommerce_sync.core.order_mapping import CANCELLING_STATUSES, normalize_status
from woocommerce_sync.dates import site_date_time
from woocommerce_sync.manual_access import check_documents, check_store, refund_needs, sale_needs
from woocommerce_sync.orders.currency import check_invoice_customer
from woocommerce_sync.orders.ignored import ignored_ids
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.runs import SyncRun, sync_run
from woocommerce_sync.sales.deliveries import deliver, undo_deliveries
from woocommerce_sync.sales.documents import (
	error_message,
	live_sales_order,
	order_invoice,
	undo,
)
from woocommerce_sync.sales.payments import cancel_payments, receive_payment
from woocommerce_sync.sales.refunds import fetch_refunds, sync_refunds

PENDING, DONE, FAILED = "Pending", "Done", "Failed"  # the Sales Order's Sale Documents
POST_TODAY = "Post on Today's Date"  # the settings' Order Date in No Fiscal Year

UNDO_SAVEPOINT = "woocommerce_cancel_downstream"


class SaleWorkflow:
	def __init__(self, settings, run: SyncRun, client: WooCommerceClient | None = None):
		"""`client`: the run's client; without one, a step that must read refunds opens its own."""
		self.settings = settings
		self.store = settings.name
		self.run = run
		self.client = client

	@property
	def enabled(self) -> bool:
		return bool(self.settings.create_invoice or self.settings.create_delivery_note)

	def step(self, order: dict, force_invoice: bool = False, refunds_only: bool = False) -> list[str] | None:
		"""The order's sale documents, after its Sales Order committed; the documents made, or None
		when the step failed (recorded, never raised: the Sales Order stands either way).

		Why this is safe: the step is one transaction, so a failure leaves no half-made invoice or
		payment behind, and the row lock plus the look-ups before every document mean a repeat, a
		retry or a second worker makes nothing twice."""
		if not (self.enabled or force_invoice or refunds_only):
			return []
		name = frappe.db.get_value("Sales Order", {"woocommerce_live_key": live_key(self.store, order["id"])})
		if not name:
			return []
		try:
			refunds = fetch_refunds(self.settings, order, self.client)
			# A fresh transaction, so that what it reads after the lock includes what another run
			# committed while we waited for it (MariaDB's snapshot starts at the first read).
			configuration_cache.commit()
			docstatus, state = frappe.db.get_value(
				"Sales Order", name, ["docstatus", SALE_STATE_FIELD], for_update=True
			)
			made = self.follow(order, force_invoice, refunds, refunds_only)
			if docstatus == 1 and not refunds_only and state != DONE:
				set_sale_state(name, DONE)
			configuration_cache.commit()
			return made
		except Exception as exc:
			configuration_cache.rollback()
			reason = _(
				"WooCommerce store {0}, order {1}: Sales Order {2} is imported, but its sale documents "
				"failed: {3}. They are made by the next sync once that is fixed, or at once with Create "
				"Invoice."
			).format(self.store, order["id"], name, error_message(exc))
			self.run.fail(order["id"], reason, sales_order=name)
			if not refunds_only:
				set_sale_state(name, FAILED, reason)
			configuration_cache.commit()
			return None

	def follow(
		self,
		order: dict,
		force_invoice: bool = False,
		refunds: dict[int, dict] | None = None,
		refunds_only: bool = False,
	) -> list[str]:
		"""Bring the order's documents to what its WooCommerce state asks for, as configured;
		return the names of the documents made. `refunds`: the order's refunds not credited yet,
		read from the store before the step's transaction."""
		if refunds_only:
			invoice = order_invoice(self.store, order["id"])
			if not invoice:
				return []
			doc = frappe.get_doc("Sales Invoice", invoice)
			return sync_refunds(self.settings, doc, order, self.run, refunds or {})
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
			made.extend(sync_refunds(self.settings, invoice, order, self.run, refunds or {}))
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
			check_invoice_customer(self.settings, so)
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
			invoice.posting_date, invoice.posting_time = self.posting_date_time(order)
			invoice.flags.from_woocommerce = True
			invoice.insert(ignore_permissions=True)
			made.append(invoice.name)
		else:
			return None
		if invoice.docstatus == 0 and self.settings.submit_invoice:
			invoice.submit()
		return invoice

	def posting_date_time(self, order: dict) -> tuple:
		"""The paid (else completed, else created) date, when it lies in an open fiscal year of the
		company; else today's, if the store allows that; else the step waits with what to do.
		Checked here, before any document is made, so the message says what to do, not ERPNext's."""
		posted = site_date_time(
			order.get("date_paid_gmt") or order.get("date_completed_gmt") or order.get("date_created_gmt")
		)
		company = self.settings.company
		if in_fiscal_year(posted[0], company):
			return posted
		if self.settings.date_without_fiscal_year == POST_TODAY and in_fiscal_year(nowdate(), company):
			return getdate(nowdate()), nowtime()
		day = getdate(posted[0]) if self.settings.date_without_fiscal_year != POST_TODAY else getdate()
		year, start, end = fiscal_year_to_open(day)
		frappe.throw(
			_(
				"the invoice date {0} lies in no open fiscal year of company {1}. Create Fiscal Year {2} "
				"({3} to {4}) for {1}{5}; the invoice and payment wait until then"
			).format(
				frappe.format(day, "Date"),
				company,
				year,
				frappe.format(start, "Date"),
				frappe.format(end, "Date"),
				""
				if self.settings.date_without_fiscal_year == POST_TODAY
				else _(", or set Order Date in No Fiscal Year to {0} in the store's settings").format(
					_(POST_TODAY)
				),
			),
			FiscalYearError,
		)

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
	each order its own step, read from WooCommerce 100 at a time."""
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, action) as run:
		ids = ids or [int(i) for i in order_ids_to_follow(store, action)]
		with get_client(settings) as client:
			workflow = SaleWorkflow(settings, run, client)
			for start in range(0, len(ids), MAX_PER_PAGE):
				_follow_page(workflow, action, ids[start : start + MAX_PER_PAGE], on_progress)
	return run


def retry_sale_steps(workflow: SaleWorkflow, skip: set[int]) -> None:
	"""The hourly run's retry: the store's submitted Sales Orders whose sale step failed, or never
	ran (Pending: the job died between the Sales Order and its documents), read from the store
	100 at a time and followed again. `skip`: orders this run has just followed or failed."""
	rows = frappe.get_all(
		"Sales Order",
		filters={
			"woocommerce_server": workflow.store,
			"docstatus": 1,
			"woocommerce_live_key": ("is", "set"),
			SALE_STATE_FIELD: ("in", (PENDING, FAILED)),
		},
		pluck="woocommerce_id",
	)
	ids = [int(i) for i in rows if int(i) not in skip]
	ids = [i for i in ids if i not in ignored_ids(workflow.store, ids)]
	for start in range(0, len(ids), MAX_PER_PAGE):
		_follow_page(workflow, "retry", ids[start : start + MAX_PER_PAGE], None)


def _follow_page(
	workflow: SaleWorkflow, action: str, ids: list[int], on_progress: Callable[[int], None] | None
) -> None:
	"""`action`: create_invoices (Create Invoice, whatever the status), sync_refunds, or retry."""
	store, run = workflow.store, workflow.run
	orders = workflow.client.get_by_ids("orders", ids)
	for missing in set(ids) - {order["id"] for order in orders}:
		message = _("WooCommerce store {0} has no order {1} (deleted there?).").format(store, missing)
		if action == "retry":
			# Trashed or deleted: the import's own by-id read decides what that means for the order.
			run.note(message)
		else:
			run.fail(missing, message)
		if on_progress:
			on_progress(1)
	for order in orders:
		made = workflow.step(
			order, force_invoice=action == "create_invoices", refunds_only=action == "sync_refunds"
		)
		if made is not None and action != "retry":
			run.count("created" if made else "skipped")
		elif made:
			run.count("updated")
		if on_progress:
			on_progress(1)


def set_sale_state(sales_order: str, state: str, reason: str | None = None) -> None:
	"""Written without touching the Sales Order's modified time, which the two-way rule compares."""
	frappe.db.set_value(
		"Sales Order",
		sales_order,
		{SALE_STATE_FIELD: state, SALE_REASON_FIELD: reason},
		update_modified=False,
	)


def in_fiscal_year(day, company: str) -> bool:
	"""ERPNext's own check. ERPNext caches a company's fiscal years and does not drop that cache
	when one is created, so a miss asks the database again before it counts."""
	for attempt in range(2):
		try:
			get_fiscal_year(day, company=company, verbose=0)
			return True
		except FiscalYearError:
			if attempt == 0:
				frappe.cache().delete_value("fiscal_years")
	return False


def fiscal_year_to_open(day: date) -> tuple[str, date, date]:
	"""The fiscal year that would hold `day`, starting on the day of the year the site's fiscal
	years start (1 January when it has none), named as ERPNext names them ("2001", "2001-2002")."""
	latest = frappe.db.get_value(
		"Fiscal Year", {"disabled": 0}, "year_start_date", order_by="year_start_date desc"
	)
	start = getdate(latest) if latest else date(day.year, 1, 1)
	begin = date(day.year, start.month, min(start.day, 28))
	if begin > day:
		begin = date(day.year - 1, begin.month, begin.day)
	end = add_days(add_years(begin, 1), -1)
	name = str(begin.year) if begin.year == end.year else f"{begin.year}-{end.year}"
	return name, begin, end


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
