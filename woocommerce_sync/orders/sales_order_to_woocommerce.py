"""ERPNext -> WooCommerce: what a person does to a linked Sales Order reaches the store.

Submitting a linked Sales Order brings its WooCommerce order up to date, or creates it when the
Sales Order was born in ERPNext; cancelling it cancels the order; changing *WooCommerce Status*
pushes the status. The hourly sync then runs the two-way rule (core/conflict.py) over every
linked Sales Order changed since it was last synced. Changes made by our own import carry
`flags.from_woocommerce` and are never sent back.

An update that fails (store down) never blocks the person's submit or cancel: the Sales Order
stays "changed since last synced" and the hourly pass sends it. An export that fails blocks the
submit instead, so no Sales Order claims an order the store does not have.
"""

from datetime import timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError, WooCommerceNotFound
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
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.orders.sync_sales_orders import enqueue_sync, pull_orders, sync_store
from woocommerce_sync.orders.sync_state import SO_FIELDS, address_values, erpnext_snapshot, mark_synced
from woocommerce_sync.products.links import products_of
from woocommerce_sync.runs import SyncRun, sync_run

# Document events -------------------------------------------------------------------------------


def on_submit(doc: Document, method: str | None = None) -> None:
	if not _ours_to_send(doc):
		return
	if doc.woocommerce_id:
		_send_and_tell(doc, lambda client: push(client, doc.name))
	else:
		try:
			with get_client(doc.woocommerce_server) as client:
				order_id = export(client, doc)
		except WooCommerceError as exc:
			frappe.log_error(title=f"WooCommerce export of Sales Order {doc.name} failed", message=str(exc))
			frappe.throw(
				_("Sales Order {0} was not submitted, WooCommerce did not take it: {1}").format(
					doc.name, explain(exc)
				)
			)
		frappe.msgprint(
			_("Sent to WooCommerce store {0} as order {1}.").format(doc.woocommerce_server, order_id),
			alert=True,
		)


def on_cancel(doc: Document, method: str | None = None) -> None:
	if not _ours_to_send(doc) or not doc.woocommerce_id or doc.woocommerce_status in CANCELLING_STATUSES:
		return
	_send_and_tell(doc, lambda client: push(client, doc.name, status="cancelled"))


def on_update_after_submit(doc: Document, method: str | None = None) -> None:
	"""A status change, or lines changed with Update Items (sent while the order is editable)."""
	if _ours_to_send(doc) and doc.woocommerce_id:
		_send_and_tell(doc, lambda client: push(client, doc.name))


@frappe.whitelist(methods=["POST"])
def sync_with_woocommerce(sales_order: str) -> str:
	"""Actions > Sync with WooCommerce: the two-way rule for this one Sales Order, now. A pull
	goes through the import, so the user must be allowed what an import makes."""
	so = frappe.get_doc("Sales Order", sales_order)
	so.check_permission("write")
	if not so.woocommerce_server:
		frappe.throw(_("Sales Order {0} is not linked to a WooCommerce store.").format(so.name))
	check_documents(so.woocommerce_server, import_needs(check_store(so.woocommerce_server)))
	try:
		with get_client(so.woocommerce_server) as client:
			if not so.woocommerce_id:
				if so.docstatus != 1:
					frappe.throw(
						_("Submit Sales Order {0} first: only submitted orders are sent.").format(so.name)
					)
				return _("Sent to WooCommerce as order {0}.").format(export(client, so))
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


# Pushing --------------------------------------------------------------------------------------


def push(client: WooCommerceClient, sales_order: str, status: str | None = None) -> str:
	"""Make the WooCommerce order show what the Sales Order shows; say what was sent."""
	so = frappe.db.get_value("Sales Order", sales_order, SO_FIELDS, as_dict=True)
	order = client.get(f"orders/{so.woocommerce_id}", reference=("Sales Order", so.name))
	return _push_order(client, so, order, status)


def _push_order(
	client: WooCommerceClient,
	so: frappe._dict,
	order: dict,
	status: str | None = None,
	erpnext: dict | None = None,
) -> str:
	"""`erpnext`: the Sales Order's snapshot when the caller has read it already."""
	erpnext = erpnext_snapshot(so) if erpnext is None else erpnext
	wanted = {**erpnext, "status": status} if status else erpnext
	payload = changed_fields(snapshot_of_order(order), wanted)
	if so.docstatus == 1 and order.get("status") in EDITABLE_STATUSES:
		lines = line_item_changes(order.get("line_items") or [], _erpnext_lines(so))
		if lines:
			payload["line_items"] = lines
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


def export(client: WooCommerceClient, so: Document) -> int:
	"""Create the WooCommerce order of a Sales Order born in ERPNext and link the two."""
	payload = export_payload(so)
	order = client.post("orders", payload, reference=("Sales Order", so.name))
	so.db_set(
		{
			"woocommerce_id": str(order["id"]),
			"woocommerce_live_key": live_key(so.woocommerce_server, order["id"]),
			"woocommerce_status": order.get("status"),
		}
	)
	mark_synced(so.name, parse_gmt(order["date_modified_gmt"]))
	return order["id"]


def export_payload(so: Document) -> dict:
	"""The new order: products from the Items' links, addresses, and ERPNext's line amounts."""
	links = products_of(so.woocommerce_server, [row.item_code for row in so.items])
	missing = sorted({row.item_code for row in so.items if row.item_code not in links})
	if missing:
		frappe.throw(
			_(
				"Sales Order {0} cannot be sent to WooCommerce store {1}: these Items are not paired with "
				"a product there: {2}. Pair them (settings: Products > Map Existing Products) or create "
				"them (Item: Actions > Sync to WooCommerce), then submit again."
			).format(so.name, so.woocommerce_server, ", ".join(missing))
		)
	billing = {**address_values(so.customer_address, with_contact=True), **_names(so.customer_name)}
	shipping = {**address_values(so.shipping_address_name), **_names(so.customer_name)}
	if so.contact_email:
		billing["email"] = so.contact_email
	customer_id = frappe.db.get_value("Customer", so.customer, "woocommerce_customer_key") or ""
	store_prefix = f"{so.woocommerce_server}:"
	return {
		"status": so.woocommerce_status or "processing",
		"currency": so.currency,
		"customer_id": cint(customer_id.removeprefix(store_prefix))
		if customer_id.startswith(store_prefix)
		else 0,
		"customer_note": so.woocommerce_customer_note or "",
		"billing": billing,
		"shipping": shipping,
		"line_items": [
			{
				"product_id": links[row.item_code][0],
				"variation_id": links[row.item_code][1],
				"quantity": flt(row.qty),
				"subtotal": f"{flt(row.amount, 2):.2f}",
				"total": f"{flt(row.amount, 2):.2f}",
			}
			for row in so.items
		],
		"meta_data": [{"key": "_erpnext_sales_order", "value": so.name}],
		"set_paid": False,
	}


# The hourly two-way pass ----------------------------------------------------------------------


class TwoWayPass:
	"""Linked Sales Orders changed since they were last synced, against their orders, 100 a request."""

	def __init__(self, settings, client: WooCommerceClient, run: SyncRun, overlap: timedelta = timedelta(0)):
		self.settings = settings
		self.client = client
		self.run = run
		self.overlap = overlap

	def run_store(self) -> None:
		names = changed_sales_orders(self.settings.name)
		for start in range(0, len(names), 100):
			self.sync(names[start : start + 100])

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
			return _push_order(self.client, so, order, status="cancelled")
		erpnext = erpnext_snapshot(so)
		decision = decide(
			Side(snapshot_of_order(order), parse_gmt(order.get("date_modified_gmt"))),
			Side(erpnext, site_to_utc(so.modified)),
			so.woocommerce_sync_hash,
			self.overlap,
		)
		if decision == Decision.PUSH:
			self.run.count("updated")
			return _push_order(self.client, so, order, erpnext=erpnext)
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


def _names(customer_name: str | None) -> dict:
	first, _space, last = (customer_name or "").partition(" ")
	return {"first_name": first, "last_name": last}


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


def _send_and_tell(doc: Document, send) -> None:
	"""Send now and say what happened; a failure is told and left for the hourly pass."""
	try:
		with get_client(doc.woocommerce_server) as client:
			message = send(client)
	except WooCommerceError as exc:
		if isinstance(exc, WooCommerceNotFound) and exc.proves_deleted("orders"):
			message = _("WooCommerce order {0} no longer exists in store {1}; nothing was sent.").format(
				doc.woocommerce_id, doc.woocommerce_server
			)
			frappe.msgprint(message, alert=True)
			return
		frappe.log_error(title=f"WooCommerce update of Sales Order {doc.name} failed", message=str(exc))
		message = _(
			"Sales Order {0} was saved, but WooCommerce order {1} was not updated: {2} The hourly sync "
			"will send the change, or press Sync with WooCommerce."
		).format(doc.name, doc.woocommerce_id, explain(exc))
	frappe.msgprint(message, alert=True)


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
