"""ERPNext -> WooCommerce: what a person does to a linked Sales Order reaches the store, after the commit.

Submitting, cancelling, changing *WooCommerce Status* or *Update Items* on a Sales Order of a
store queue one push job per Sales Order (deduplicated, run after the commit): the person never
waits on the store, and nothing reaches the store for a transaction that is then rolled back. The
job reads the Sales Order as it is by then and makes the store show it: it exports a Sales Order
born in ERPNext (once, sales_order_export.py), cancels, or sends what changed (status, note,
addresses, and the lines while WooCommerce lets one edit them). It keeps the two-way rule with no
overlap: a store change newer than the person's is imported, not overwritten. Its state (Queued,
Sent, Failed with the reason) is on the Sales Order (push_state.py); the form's Retry queues it
again, and the hourly sync retries failed pushes and runs the two-way rule (core/conflict.py) over
every linked Sales Order changed since it was last synced. Changes made by our own import carry
`flags.from_woocommerce` and are never sent back.

An export the store could not take (an Item not paired with the store) is refused at submit,
from this site's data; what only the store can tell (a product deleted there) fails the push,
with the reason on the Sales Order.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint
from frappe.utils.background_jobs import is_job_enqueued

from woocommerce_sync import jobs
from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import (
	EXPORT_ATTEMPTED_FIELD,
	PUSH_JOB,
	PUSH_QUEUED_FIELD,
	PUSH_STATE_FIELD,
	SETTINGS,
	SHORT_QUEUE,
)
from woocommerce_sync.core.client import (
	INTERACTIVE,
	WooCommerceClient,
	WooCommerceError,
	WooCommerceNotFound,
)
from woocommerce_sync.core.conflict import (
	Decision,
	Side,
	changed_fields,
	decide,
	snapshot_of_order,
)
from woocommerce_sync.core.line_changes import EDITABLE_STATUSES, ErpnextLine, line_item_changes
from woocommerce_sync.core.order_feed import parse_gmt
from woocommerce_sync.core.order_mapping import CANCELLING_STATUSES
from woocommerce_sync.dates import site_to_utc
from woocommerce_sync.manual_access import check_documents, check_store, import_needs
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.orders import push_state
from woocommerce_sync.orders.sales_order_export import cancel_lost_export, export, paired_products
from woocommerce_sync.orders.sync_sales_orders import enqueue_sync, pull_orders, sync_store
from woocommerce_sync.orders.sync_state import SO_FIELDS, erpnext_snapshot, mark_synced
from woocommerce_sync.products.links import products_of
from woocommerce_sync.runs import MAX_TITLE, SyncRun, sync_run

PUSH_METHOD = "woocommerce_sync.orders.sales_order_to_woocommerce.push_sales_order"
PUSH_TIMEOUT = 10 * 60  # seconds; a push Queued for longer lost its job (push_state.STALE_QUEUED)
# A person who saves again while the job runs: the job sends the newer change in another round.
MAX_ROUNDS = 3

# Document events -------------------------------------------------------------------------------


def on_submit(doc: Document, method: str | None = None) -> None:
	if not _ours_to_send(doc):
		return
	if not doc.woocommerce_id:
		paired_products(doc)
	_queue_and_tell(doc)


def on_cancel(doc: Document, method: str | None = None) -> None:
	if not _ours_to_send(doc) or doc.woocommerce_status in CANCELLING_STATUSES:
		return
	if doc.woocommerce_id or doc.get(EXPORT_ATTEMPTED_FIELD):
		_queue_and_tell(doc)


def on_update_after_submit(doc: Document, method: str | None = None) -> None:
	"""A status change, or lines changed with Update Items (sent while the order is editable);
	also a change to a Sales Order whose export is still to be confirmed."""
	if _ours_to_send(doc) and (doc.woocommerce_id or doc.get(PUSH_STATE_FIELD)):
		_queue_and_tell(doc)


def queue_push(sales_order: str, store: str) -> datetime:
	"""One push job per Sales Order, queued when the transaction commits; mark it Queued. A job
	already queued or running for it takes the change along (see push_sales_order)."""
	queued = push_state.mark_queued(sales_order)
	jobs.enqueue(
		PUSH_METHOD,
		push_job_id(sales_order, store),
		queue=SHORT_QUEUE,
		timeout=PUSH_TIMEOUT,
		sales_order=sales_order,
	)
	return queued


def push_job_id(sales_order: str, store: str) -> str:
	return jobs.job_id(PUSH_JOB, store, sales_order)


def _queue_and_tell(doc: Document) -> None:
	queued = queue_push(doc.name, doc.woocommerce_server)
	doc.update({PUSH_STATE_FIELD: push_state.PUSH_QUEUED, PUSH_QUEUED_FIELD: queued})
	frappe.msgprint(
		_(
			"Sales Order {0} is queued for WooCommerce store {1}; its WooCommerce tab shows when it is sent."
		).format(doc.name, doc.woocommerce_server),
		alert=True,
	)


@frappe.whitelist(methods=["POST"])
def retry_push(sales_order: str) -> str:
	"""The form's Retry: queue the push of this Sales Order again. The job may import the order
	(the store's change is newer), so the user must be allowed what an import makes."""
	so = frappe.get_doc("Sales Order", sales_order)
	so.check_permission("write")
	if not so.woocommerce_server:
		frappe.throw(_("Sales Order {0} is not linked to a WooCommerce store.").format(so.name))
	check_documents(so.woocommerce_server, import_needs(check_store(so.woocommerce_server)))
	if so.docstatus == 0:
		frappe.throw(_("Submit Sales Order {0} first: only submitted orders are sent.").format(so.name))
	_queue_and_tell(so)
	return _("Sales Order {0} is queued for WooCommerce store {1}.").format(so.name, so.woocommerce_server)


@frappe.whitelist(methods=["POST"])
def sync_with_woocommerce(sales_order: str) -> str:
	"""Actions > Sync with WooCommerce: the two-way rule for this one Sales Order, now, within the
	interactive profile's 10 s. A pull goes through the import, so the user must be allowed what an
	import makes."""
	so = frappe.get_doc("Sales Order", sales_order)
	so.check_permission("write")
	if not so.woocommerce_server:
		frappe.throw(_("Sales Order {0} is not linked to a WooCommerce store.").format(so.name))
	check_documents(so.woocommerce_server, import_needs(check_store(so.woocommerce_server)))
	try:
		with get_client(so.woocommerce_server, INTERACTIVE) as client:
			if not so.woocommerce_id:
				if so.docstatus != 1:
					frappe.throw(
						_("Submit Sales Order {0} first: only submitted orders are sent.").format(so.name)
					)
				if is_job_enqueued(push_job_id(so.name, so.woocommerce_server)):
					# Two exports at once could both create the order.
					frappe.throw(
						_(
							"Sales Order {0} is being sent to WooCommerce store {1} already: its WooCommerce "
							"tab shows when it is sent."
						).format(so.name, so.woocommerce_server)
					)
				sent, message = send(so.name, client)
				if not sent:
					frappe.throw(message)
				return message
			settings = frappe.get_doc(SETTINGS, so.woocommerce_server)
			with sync_run(so.woocommerce_server, "Manual", f"two-way sync of Sales Order {so.name}") as run:
				message = TwoWayPass(settings, client, run).sync([so.name])
			if run.error:
				frappe.throw(run.error)
			return message
	except WooCommerceError as exc:
		frappe.log_error(title=f"WooCommerce sync of Sales Order {so.name} failed", message=str(exc))
		frappe.throw(explain(exc))


@frappe.whitelist()
def woocommerce_admin_url(sales_order: str) -> str | None:
	"""The order's page in wp-admin, for whoever may read the Sales Order (not only the settings).
	The classic edit address; WooCommerce redirects it to its HPOS order screen."""
	so = frappe.get_doc("Sales Order", sales_order)
	so.check_permission("read")
	if not (so.woocommerce_server and so.woocommerce_id):
		return None
	store_url = frappe.db.get_value(SETTINGS, so.woocommerce_server, "store_url")
	if not store_url:
		return None
	return f"{store_url.rstrip('/')}/wp-admin/post.php?post={cint(so.woocommerce_id)}&action=edit"


# The push job ---------------------------------------------------------------------------------


def push_sales_order(sales_order: str) -> str:
	"""The job the events queue: send the Sales Order as it is now; again if it was queued anew
	while this ran (deduplication dropped that second job)."""
	message = ""
	for _round in range(MAX_ROUNDS):
		queued = push_state.queued_at(sales_order)
		sent, message = send(sales_order)
		if not sent or push_state.queued_at(sales_order) == queued:
			break
	return message


def send(sales_order: str, client: WooCommerceClient | None = None) -> tuple[bool, str]:
	"""Make the store show this Sales Order; record Sent, or Failed with the reason (and one Error
	Log with the traceback per new reason). `client`: the caller's, else one of the background
	profile. Commits: the state must survive whatever the caller does next."""
	so = frappe.db.get_value("Sales Order", sales_order, [*SO_FIELDS, EXPORT_ATTEMPTED_FIELD], as_dict=True)
	if not so or not so.woocommerce_server or so.docstatus == 0:
		return True, ""  # gone, unlinked, or a draft (drafts follow the store)
	try:
		if client is None:
			with get_client(so.woocommerce_server) as own:
				message = _send(own, so)
		else:
			message = _send(client, so)
	except Exception as exc:
		frappe.db.rollback()
		reason = _failure(so, exc)
		if push_state.mark_failed(so.name, reason):
			title = f"WooCommerce push of Sales Order {so.name} to store {so.woocommerce_server} failed"
			frappe.log_error(
				title=title[:MAX_TITLE],
				message=f"{reason}\n\n{frappe.get_traceback()}",
				reference_doctype="Sales Order",
				reference_name=so.name,
			)
		frappe.db.commit()
		_tell_form(so.name)
		return False, reason
	push_state.mark_sent(so.name)
	frappe.db.commit()
	_tell_form(so.name)
	return True, message


def _tell_form(sales_order: str) -> None:
	"""An open form of the Sales Order shows the new push state without a manual reload."""
	frappe.publish_realtime(
		"woocommerce_push_state", {"sales_order": sales_order}, doctype="Sales Order", docname=sales_order
	)


def _send(client: WooCommerceClient, so: frappe._dict) -> str:
	if not so.woocommerce_id:
		if so.docstatus == 2:
			return cancel_lost_export(client, so)
		notes: list[str] = []
		order_id = export(client, frappe.get_doc("Sales Order", so.name), notes.append)
		sent = _("Sent to WooCommerce store {0} as order {1}.").format(so.woocommerce_server, order_id)
		return " ".join([sent, *_logged(so.name, notes)])
	order = client.get(f"orders/{so.woocommerce_id}", reference=("Sales Order", so.name))
	notes = []
	if so.docstatus == 2:
		if order.get("status") in CANCELLING_STATUSES:
			return _("WooCommerce order {0} is cancelled already: nothing to do.").format(so.woocommerce_id)
		message = _push_order(client, so, order, notes.append, status="cancelled")
	else:
		erpnext = erpnext_snapshot(so)
		if _decision(so, order, erpnext, timedelta(0)) == Decision.PULL:
			return _pull(so, order)
		message = _push_order(client, so, order, notes.append, erpnext=erpnext)
	return " ".join([message, *_logged(so.name, notes)])


def _logged(sales_order: str, notes: list[str]) -> list[str]:
	"""A push has no Sync Log: the Error Log keeps what the field mapping left out."""
	if notes:
		frappe.log_error(
			title=f"WooCommerce field mapping left values out of Sales Order {sales_order}"[:MAX_TITLE],
			message="\n".join(notes),
			reference_doctype="Sales Order",
			reference_name=sales_order,
		)
	return notes


def _pull(so: frappe._dict, order: dict) -> str:
	"""The store changed after the person did: its order wins, through the import."""
	settings = frappe.get_doc(SETTINGS, so.woocommerce_server)
	what = f"import of WooCommerce order {so.woocommerce_id}, changed after Sales Order {so.name}"
	with sync_run(so.woocommerce_server, "Manual", what) as run:
		pull_orders(settings, run, [order])
	if run.failures:
		frappe.throw(run.failures[0]["reason"])
	return _("WooCommerce order {0} was changed in the store after Sales Order {1}: imported.").format(
		so.woocommerce_id, so.name
	)


def _failure(so: frappe._dict, exc: Exception) -> str:
	"""The reason, in words, naming the store and the order."""
	if isinstance(exc, WooCommerceNotFound) and exc.proves_deleted("orders"):
		return _(
			"WooCommerce order {0} no longer exists in store {1}; nothing was sent. Unlink Sales Order {2} "
			"(Actions > Unlink from WooCommerce) or restore the order in the store, then press Retry."
		).format(so.woocommerce_id, so.woocommerce_server, so.name)
	cause = explain(exc) if isinstance(exc, WooCommerceError) else (str(exc) or type(exc).__name__)
	order = (
		_("WooCommerce order {0}").format(so.woocommerce_id)
		if so.woocommerce_id
		else _("a new WooCommerce order")
	)
	return _("Sales Order {0} was not sent to WooCommerce store {1} ({2}): {3}").format(
		so.name, so.woocommerce_server, order, cause
	)


# Pushing --------------------------------------------------------------------------------------


def _push_order(
	client: WooCommerceClient,
	so: frappe._dict,
	order: dict,
	note: Callable[[str], None],
	status: str | None = None,
	erpnext: dict | None = None,
) -> str:
	"""`erpnext`: the Sales Order's snapshot when the caller has read it already; `note` gets what
	the field mapping could not send."""
	erpnext = erpnext_snapshot(so) if erpnext is None else erpnext
	wanted = {**erpnext, "status": status} if status else erpnext
	payload = changed_fields(snapshot_of_order(order), wanted)
	if so.docstatus == 1 and order.get("status") in EDITABLE_STATUSES:
		lines = line_item_changes(order.get("line_items") or [], _erpnext_lines(so))
		if lines:
			payload["line_items"] = lines
	rules = FieldRules(frappe.get_cached_doc(SETTINGS, so.woocommerce_server), note)
	if rules.exports("Order"):  # the order's values the store does not show yet; a rule wins
		doc = frappe.get_doc("Sales Order", so.name)
		sources = {"Sales Order": doc, "Customer": doc.customer, "Address": doc.customer_address}
		rules.export("Order", sources, payload, _("Sales Order {0}").format(so.name), current=order)
	if payload:
		order = client.put(f"orders/{so.woocommerce_id}", payload, reference=("Sales Order", so.name))
	mark_synced(so.name, parse_gmt(order["date_modified_gmt"]), erpnext)
	if not payload:
		return _("WooCommerce order {0} already matches Sales Order {1}: nothing to do.").format(
			so.woocommerce_id, so.name
		)
	return _("WooCommerce order {0} updated from Sales Order {1}: {2}.").format(
		so.woocommerce_id, so.name, ", ".join(_(field.replace("_", " ")) for field in payload)
	)


# The hourly two-way pass ----------------------------------------------------------------------


class TwoWayPass:
	"""Linked Sales Orders changed since they were last synced, against their orders, 100 a request."""

	def __init__(self, settings, client: WooCommerceClient, run: SyncRun, overlap: timedelta = timedelta(0)):
		self.settings = settings
		self.client = client
		self.run = run
		self.overlap = overlap

	def run_store(self) -> None:
		"""Failed (or lost) pushes go back to their job; the two-way rule for the rest."""
		retried = self.retry_pushes()
		names = [name for name in changed_sales_orders(self.settings.name) if name not in retried]
		for start in range(0, len(names), 100):
			self.sync(names[start : start + 100])

	def retry_pushes(self) -> set[str]:
		"""Queue their push jobs again (deduplicated: never two pushes of one Sales Order at once,
		which could export it twice); the two-way pass leaves them to those jobs."""
		names = push_state.pushes_to_retry(self.settings.name)
		for name in names:
			queue_push(name, self.settings.name)
		frappe.db.commit()
		if names:
			self.run.note(
				_(
					"{0} failed or lost push(es) to WooCommerce queued again; their reasons are on the Sales Orders."
				).format(len(names))
			)
		return set(names)

	def sync(self, names: list[str]) -> str:
		rows = frappe.get_all("Sales Order", filters={"name": ("in", names)}, fields=SO_FIELDS)
		orders = {
			str(order["id"]): order
			for order in self.client.get_by_ids("orders", [int(row.woocommerce_id) for row in rows])
		}
		messages = []
		for so in rows:
			try:
				messages.append(self.sync_one(so, orders.get(so.woocommerce_id)))
				push_state.settle(so.name)
				frappe.db.commit()
			except Exception as exc:
				frappe.db.rollback()
				reason = explain(exc) if isinstance(exc, WooCommerceError) else str(exc)
				self.run.fail(so.woocommerce_id, reason, sales_order=so.name)
				messages.append(reason)
		return "\n".join(messages)

	def sync_one(self, so: frappe._dict, order: dict | None) -> str:
		if order is None:
			self.run.count("skipped")
			return _("WooCommerce order {0} is not in the store any more (trashed or deleted).").format(
				so.woocommerce_id
			)
		if so.docstatus == 2 and order.get("status") not in CANCELLING_STATUSES:
			self.run.count("updated")
			return _push_order(self.client, so, order, self.run.note, status="cancelled")
		erpnext = erpnext_snapshot(so)
		decision = _decision(so, order, erpnext, self.overlap)
		if decision == Decision.PUSH:
			self.run.count("updated")
			return _push_order(self.client, so, order, self.run.note, erpnext=erpnext)
		if decision == Decision.PULL:
			pull_orders(self.settings, self.run, [order])
			return _("Sales Order {0} updated from WooCommerce order {1}.").format(so.name, so.woocommerce_id)
		if decision == Decision.CONFLICT:
			self.run.fail(
				so.woocommerce_id,
				_(
					"Needs attention: Sales Order {0} and WooCommerce order {1} were both changed within "
					"{2} minutes of each other. Make them agree by hand, then press Sync with WooCommerce."
				).format(so.name, so.woocommerce_id, int(self.overlap.total_seconds() // 60)),
				sales_order=so.name,
			)
			return _("Both sides changed at the same time: see the Sync Log.")
		mark_synced(so.name, parse_gmt(order["date_modified_gmt"]), erpnext)
		self.run.count("skipped")
		return _("Sales Order {0} and WooCommerce order {1} already agree: nothing to do.").format(
			so.name, so.woocommerce_id
		)


def _decision(so: frappe._dict, order: dict, erpnext: dict, overlap: timedelta) -> Decision:
	"""The two-way rule for a Sales Order and its order (`erpnext`: the Sales Order's snapshot)."""
	return decide(
		Side(snapshot_of_order(order), parse_gmt(order.get("date_modified_gmt"))),
		Side(erpnext, site_to_utc(so.modified)),
		so.woocommerce_sync_hash,
		overlap,
	)


def changed_sales_orders(store: str) -> list[str]:
	"""Submitted or cancelled linked Sales Orders modified after they were last synced."""
	so = frappe.qb.DocType("Sales Order")
	return (
		frappe.qb.from_(so)
		.select(so.name)
		.where(so.woocommerce_server == store)
		.where(so.woocommerce_id.isnotnull() & (so.woocommerce_id != ""))
		.where(so.docstatus.isin([1, 2]))
		.where(so.woocommerce_last_synced.isnull() | (so.modified > so.woocommerce_last_synced))
		.orderby(so.modified)
	).run(pluck=True)


def _erpnext_lines(so: frappe._dict) -> list[ErpnextLine]:
	"""The Sales Order's rows as order lines; rows whose Item has no product in the store are left out."""
	rows = frappe.get_all(
		"Sales Order Item",
		filters={"parent": so.name, "parenttype": "Sales Order"},
		fields=["item_code", "qty", "amount", "woocommerce_line_id"],
		order_by="idx",
	)
	links = products_of(so.woocommerce_server, [row.item_code for row in rows])
	return [
		ErpnextLine(
			cint(row.woocommerce_line_id) or None,
			*links[row.item_code],
			Decimal(str(row.qty)),
			Decimal(str(row.amount)),
		)
		for row in rows
		if row.item_code in links
	]


def _ours_to_send(doc: Document) -> bool:
	return bool(doc.woocommerce_server) and not doc.flags.from_woocommerce


def enqueue_all_stores() -> None:
	"""Hourly: per enabled store, one deduplicated job that imports, then runs the two-way pass."""
	for store in frappe.get_all(SETTINGS, filters={"enabled": 1}, pluck="name"):
		enqueue_sync(
			store, "Scheduler", method="woocommerce_sync.orders.sales_order_to_woocommerce.sync_both_ways"
		)


def sync_both_ways(store: str, trigger: str = "Scheduler") -> SyncRun:
	"""The hourly job: import what changed in the store, then send what changed in ERPNext."""

	def two_way(settings, client: WooCommerceClient, run: SyncRun) -> None:
		overlap = timedelta(minutes=cint(settings.sync_overlap_minutes))
		TwoWayPass(settings, client, run, overlap).run_store()

	return sync_store(store, trigger, then=two_way)
