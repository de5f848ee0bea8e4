"""Delivery Note -> WooCommerce order: the tracking number and carrier of a shipment reach the shop.

Which fields: a Delivery Note's *Transport Receipt No* (`lr_no`) is the tracking number, its
*Transporter Name* (`transporter_name`, fetched from the Transporter supplier; else `transporter`)
the carrier, and its *Transport Receipt Date* (`lr_date`, else the posting date) the shipping day.
The Delivery Note must be submitted and its items must come from a Sales Order linked to a store
(`woocommerce_live_key` set). ERPNext's Shipment DocType is not read.

What is sent, per the store's *Send Tracking to WooCommerce*: a customer-visible order note
(`POST orders/<id>/notes`, `customer_note: true`, which WooCommerce e-mails to the customer), and
with "Order Note and Shipment Tracking Meta" also the `_wc_shipment_tracking_items` meta the
shipment tracking plugins show (core/shipment_tracking.py). WooCommerce 8.9 has no fulfilment
REST API. With *Complete the Order When Shipped* the order is also set to completed; the Sales
Order then records the status and the order's new modified time, so neither the import nor the
two-way pass takes our own change for one made in the shop (no echo).

Never inside the submit: the submit marks the Delivery Note pending and queues a job after the
commit; the hourly pass queues it again while it is pending. Idempotent: the Delivery Note keeps,
per order, the tracking number sent and the note made (`woocommerce_tracking_sent`); a note is
posted only when the order does not show the same note already, so a retry, a crash between the
note and its record, or an amended Delivery Note with the same tracking never adds a second one.
Order updates go 100 to a request (`orders/batch`), after reading the orders 100 at a time.
"""

import json
from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from woocommerce_sync import jobs
from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import (
	SETTINGS,
	SHORT_QUEUE,
	TRACKING_JOB,
	TRACKING_NOTE_AND_META,
	TRACKING_OFF,
	TRACKING_PENDING_FIELD,
	TRACKING_SENT_FIELD,
	TRACKING_STATUS_FIELD,
)
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError
from woocommerce_sync.core.order_feed import parse_gmt
from woocommerce_sync.core.order_mapping import CANCELLING_STATUSES
from woocommerce_sync.core.shipment_tracking import (
	META_KEY,
	Tracking,
	merged_tracking_items,
	tracking_item,
	tracking_of,
)
from woocommerce_sync.manual_access import check_store
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.orders.sync_state import mark_synced
from woocommerce_sync.runs import SyncRun, sync_run

DN_FIELDS = ["name", "lr_no", "transporter_name", "transporter", "lr_date", "posting_date"]

# Entry points ----------------------------------------------------------------------------------


def on_submit(doc, method: str | None = None) -> None:
	"""Mark the Delivery Note pending and queue its tracking, for each store that takes tracking."""
	if not delivery_tracking(doc):
		return
	stores = sorted(
		{row.store for row in linked_orders([doc.name]) if tracking_mode(row.store) != TRACKING_OFF}
	)
	if not stores:
		return
	doc.db_set(TRACKING_PENDING_FIELD, 1, update_modified=False)
	for store in stores:
		enqueue(store, doc.name)


def enqueue(store: str, delivery_note: str) -> bool:
	return jobs.enqueue(
		"woocommerce_sync.sales.shipment_tracking.send_tracking",
		jobs.job_id(TRACKING_JOB, store, delivery_note),
		queue=SHORT_QUEUE,
		store=store,
		delivery_notes=[delivery_note],
		trigger="Scheduler",
	)


def retry_pending() -> None:
	"""Hourly: one job per store for its Delivery Notes whose tracking has not fully reached it."""
	pending = frappe.get_all(
		"Delivery Note", filters={TRACKING_PENDING_FIELD: 1, "docstatus": 1}, pluck="name"
	)
	by_store: dict[str, list[str]] = {}
	for row in linked_orders(pending):
		by_store.setdefault(row.store, []).append(row.delivery_note)
	for store, names in by_store.items():
		if tracking_mode(store) == TRACKING_OFF:
			continue
		jobs.enqueue(
			"woocommerce_sync.sales.shipment_tracking.send_tracking",
			jobs.job_id(TRACKING_JOB, store, "pending"),
			queue=SHORT_QUEUE,
			store=store,
			delivery_notes=sorted(set(names)),
			trigger="Scheduler",
		)


@frappe.whitelist(methods=["POST"])
def send_tracking_now(delivery_note: str) -> str:
	"""The Delivery Note's Send Tracking to WooCommerce: now, to every store its orders are in."""
	frappe.has_permission("Delivery Note", "submit", throw=True)
	doc = frappe.get_doc("Delivery Note", delivery_note)
	doc.check_permission("submit")
	if doc.docstatus != 1:
		frappe.throw(_("Submit Delivery Note {0} first: only shipped goods are tracked.").format(doc.name))
	if not delivery_tracking(doc):
		frappe.throw(
			_(
				"Delivery Note {0} has no tracking number: enter it in Transport Receipt No (and the "
				"carrier in Transporter), then try again."
			).format(doc.name)
		)
	stores = sorted({row.store for row in linked_orders([doc.name])})
	if not stores:
		frappe.throw(
			_("Delivery Note {0} ships no Sales Order of a WooCommerce store: nothing to send.").format(
				doc.name
			)
		)
	messages = []
	for store in stores:
		check_store(store)
		if tracking_mode(store) == TRACKING_OFF:
			frappe.throw(
				_(
					"WooCommerce store {0} does not take tracking: choose what to send in its settings "
					"(Invoices, Payments and Deliveries > Send Tracking to WooCommerce), then try again."
				).format(store)
			)
		run = send_tracking(store, [doc.name], "Manual")
		if run.failures or run.error:
			frappe.throw(
				"<br>".join([f["reason"] for f in run.failures] + ([run.error] if run.error else []))
			)
		messages.append(frappe.db.get_value("Delivery Note", doc.name, TRACKING_STATUS_FIELD))
	return "\n".join(filter(None, messages))


def pending_delivery_notes(store: str) -> list[str]:
	"""The store's submitted Delivery Notes whose tracking is still to send (for the bench command)."""
	pending = frappe.get_all(
		"Delivery Note", filters={TRACKING_PENDING_FIELD: 1, "docstatus": 1}, pluck="name"
	)
	return sorted({row.delivery_note for row in linked_orders(pending) if row.store == store})


# Looking up -----------------------------------------------------------------------------------


def delivery_tracking(doc) -> Tracking | None:
	return tracking_of(
		doc.lr_no, doc.transporter_name or doc.transporter, getdate(doc.lr_date or doc.posting_date)
	)


def tracking_mode(store: str) -> str:
	values = frappe.db.get_value(SETTINGS, store, ["enabled", "shipment_tracking"], as_dict=True)
	if not values or not values.enabled:
		return TRACKING_OFF
	return values.shipment_tracking or TRACKING_OFF


def linked_orders(delivery_notes: list[str]) -> list[frappe._dict]:
	"""(delivery_note, sales_order, store, woocommerce_id) of the linked orders the notes ship, one query."""
	if not delivery_notes:
		return []
	return frappe.db.sql(
		"""
		select distinct item.parent as delivery_note, so.name as sales_order,
			so.woocommerce_server as store, so.woocommerce_id
		from `tabDelivery Note Item` item
		join `tabSales Order` so on so.name = item.against_sales_order
		where item.parent in %(names)s and item.parenttype = 'Delivery Note'
			and so.docstatus = 1 and ifnull(so.woocommerce_live_key, '') != ''
		order by item.parent, so.name
		""",
		{"names": tuple(delivery_notes)},
		as_dict=True,
	)


# Sending --------------------------------------------------------------------------------------


def send_tracking(
	store: str,
	delivery_notes: list[str],
	trigger: str = "Manual",
	on_progress: Callable[[int], None] | None = None,
) -> SyncRun:
	"""Send these Delivery Notes' tracking to the store's orders; one Sync Log for the run."""
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, "shipment tracking") as run:
		with get_client(settings) as client:
			sender = TrackingSender(settings, client, run)
			for start in range(0, len(delivery_notes), 100):
				chunk = delivery_notes[start : start + 100]
				sender.send(chunk)
				if on_progress:
					on_progress(len(chunk))
	return run


class TrackingSender:
	def __init__(self, settings, client: WooCommerceClient, run: SyncRun):
		self.settings = settings
		self.store = settings.name
		self.client = client
		self.run = run
		self.mode = settings.shipment_tracking or TRACKING_OFF
		self.complete = bool(settings.complete_order_when_shipped)

	def send(self, names: list[str]) -> None:
		notes = {
			row.name: row
			for row in frappe.get_all(
				"Delivery Note",
				filters={"name": ("in", names), "docstatus": 1},
				fields=[*DN_FIELDS, TRACKING_SENT_FIELD],
			)
		}
		targets = [row for row in linked_orders(list(notes)) if row.store == self.store]
		updates = []  # (delivery note, order row, tracking) whose order is still to update
		for row in targets:
			note = notes[row.delivery_note]
			tracking = delivery_tracking(note)
			if tracking is None:
				self.run.count("skipped")
				continue
			try:
				if self.note(note, row, tracking):
					updates.append((note, row, tracking))
				frappe.db.commit()
			except Exception as exc:
				frappe.db.rollback()
				self.failed(note, row, exc)
		if updates:
			self.update_orders(updates)
		for name in notes:
			self.finish(name)

	def note(self, note, row, tracking: Tracking) -> bool:
		"""Post the note unless this tracking already has one on the order; True when the order
		itself still needs the meta or status."""
		sent = _sent(note)
		key = live_key(self.store, row.woocommerce_id)
		entry = sent.get(key) or {}
		if entry.get("tracking_number") == tracking.number and entry.get("done"):
			self.run.count("skipped")
			return False
		if entry.get("tracking_number") != tracking.number or not entry.get("note_id"):
			text = note_text(tracking)
			note_id = self.existing_note(row, text)
			if note_id is None:
				made = self.client.post(
					f"orders/{row.woocommerce_id}/notes",
					{"note": text, "customer_note": True},
					reference=("Delivery Note", note.name),
				)
				note_id = made["id"]
				self.run.count("created")
			entry = {"tracking_number": tracking.number, "note_id": note_id, "done": False}
			sent[key] = entry
			_save_sent(note, sent)
		if self.mode == TRACKING_NOTE_AND_META or self.complete:
			return True
		entry["done"] = True
		_save_sent(note, sent)
		return False

	def existing_note(self, row, text: str) -> int | None:
		"""The order's customer note with this very text, if an earlier try made it."""
		for existing in self.client.get(f"orders/{row.woocommerce_id}/notes", {"type": "customer"}) or []:
			if (existing.get("note") or "").strip() == text:
				return existing["id"]
		return None

	def update_orders(self, updates: list) -> None:
		"""The tracking meta and the completed status, for all these orders in batches of 100."""
		orders = {
			str(order["id"]): order
			for order in self.client.get_by_ids("orders", [int(r.woocommerce_id) for _n, r, _t in updates])
		}
		payloads, sent_for = [], []
		for note, row, tracking in updates:
			order = orders.get(str(row.woocommerce_id))
			if order is None:
				self.failed(
					note,
					row,
					_("WooCommerce store {0} has no order {1} any more (trashed or deleted).").format(
						self.store, row.woocommerce_id
					),
				)
				continue
			payload = self.order_payload(order, tracking)
			if payload:
				payloads.append({"id": order["id"], **payload})
				sent_for.append((note, row))
			else:
				self.done(note, row, None)
		if not payloads:
			return
		try:
			answer = self.client.batch("orders", update=payloads)
		except WooCommerceError as exc:
			for note, row in sent_for:
				self.failed(note, row, exc)
			return
		by_id = {str(item.get("id")): item for item in answer.get("update", [])}
		for note, row in sent_for:
			item = by_id.get(str(row.woocommerce_id))
			if item is None or item.get("error"):
				reason = (item or {}).get("error", {}).get("message") or _("no answer for this order")
				self.failed(
					note,
					row,
					_("WooCommerce store {0}, order {1}: {2}").format(self.store, row.woocommerce_id, reason),
				)
			else:
				self.done(note, row, item)
				self.run.count("updated")

	def order_payload(self, order: dict, tracking: Tracking) -> dict:
		payload: dict = {}
		if self.mode == TRACKING_NOTE_AND_META:
			items = merged_tracking_items(order.get("meta_data"), tracking_item(tracking))
			if items is not None:
				payload["meta_data"] = [{"key": META_KEY, "value": items}]
		status = order.get("status")
		if self.complete and status != "completed" and status not in CANCELLING_STATUSES:
			payload["status"] = "completed"
		return payload

	def done(self, note, row, order: dict | None) -> None:
		"""Record what the order now shows, on the Delivery Note and (no echo) on the Sales Order."""
		if order is not None:
			frappe.db.set_value(
				"Sales Order",
				row.sales_order,
				"woocommerce_status",
				order.get("status"),
				update_modified=False,
			)
			mark_synced(row.sales_order, parse_gmt(order.get("date_modified_gmt")))
		sent = _sent(note)
		sent.setdefault(live_key(self.store, row.woocommerce_id), {})["done"] = True
		_save_sent(note, sent)
		frappe.db.commit()

	def failed(self, note, row, error: Exception | str) -> None:
		"""Fail this order in the Sync Log (traceback in the Error Log when there is one) and say why
		on the Delivery Note; it stays pending for the hourly pass."""
		if isinstance(error, WooCommerceError):
			reason = explain(error)
		elif isinstance(error, Exception):
			reason = _("WooCommerce store {0}, order {1}: {2}").format(self.store, row.woocommerce_id, error)
		else:
			reason = error
		reason = _("Delivery Note {0}: {1}").format(note.name, reason)
		self.run.fail(row.woocommerce_id, reason, reference=("Delivery Note", note.name))
		frappe.db.set_value(
			"Delivery Note",
			note.name,
			TRACKING_STATUS_FIELD,
			_("Not sent yet ({0}): {1} It is tried again every hour.").format(
				frappe.format(now_datetime(), "Datetime"), reason
			),
			update_modified=False,
		)
		frappe.db.commit()

	def finish(self, name: str) -> None:
		"""Clear pending when every order of this store has the tracking; say so on the Delivery Note."""
		note = frappe.db.get_value("Delivery Note", name, [*DN_FIELDS, TRACKING_SENT_FIELD], as_dict=True)
		sent = _sent(note)
		orders = [row for row in linked_orders([name]) if row.store == self.store]
		tracking = delivery_tracking(note)
		if tracking is None or not orders:
			return
		entries = [sent.get(live_key(self.store, row.woocommerce_id)) or {} for row in orders]
		if not all(e.get("done") and e.get("tracking_number") == tracking.number for e in entries):
			return
		others_pending = any(
			row.store != self.store
			and not (sent.get(live_key(row.store, row.woocommerce_id)) or {}).get("done")
			for row in linked_orders([name])
			if tracking_mode(row.store) != TRACKING_OFF
		)
		frappe.db.set_value(
			"Delivery Note",
			name,
			{
				TRACKING_PENDING_FIELD: 1 if others_pending else 0,
				TRACKING_STATUS_FIELD: _(
					"Tracking {0} sent to WooCommerce store {1}, order {2} ({3})."
				).format(
					tracking.number,
					self.store,
					", ".join(str(row.woocommerce_id) for row in orders),
					frappe.format(now_datetime(), "Datetime"),
				),
			},
			update_modified=False,
		)
		frappe.db.commit()


def note_text(tracking: Tracking) -> str:
	"""The customer's note: what was shipped with whom, and the number to track it by."""
	if tracking.carrier:
		return _("Your order has been shipped with {0}. Tracking number: {1}").format(
			tracking.carrier, tracking.number
		)
	return _("Your order has been shipped. Tracking number: {0}").format(tracking.number)


def _sent(note) -> dict:
	try:
		value = json.loads(note.get(TRACKING_SENT_FIELD) or "{}")
	except ValueError:
		return {}
	return value if isinstance(value, dict) else {}


def _save_sent(note, sent: dict) -> None:
	text = json.dumps(sent, sort_keys=True)
	note[TRACKING_SENT_FIELD] = text
	frappe.db.set_value("Delivery Note", note.name, TRACKING_SENT_FIELD, text, update_modified=False)
