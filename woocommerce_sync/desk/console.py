"""The sync status console: every order that is failing now, every failed webhook delivery, and
what a person can do about them (retry through the normal import, or ignore an order for good).

A failing order is one with a WooCommerce Order Retry row (kept by the importer: its latest
reason, first and last failure, attempts), or one whose Sales Order is imported but whose sale
documents failed (Sale Documents: Failed on the Sales Order, retried by the hourly run). Ignored
orders are WooCommerce Ignored Order records: their retry rows are drained when they are made,
and every later run skips them.
"""

import frappe
from frappe import _
from frappe.utils import cint

from woocommerce_sync.constants import (
	IGNORED_ORDER,
	MANAGER_ROLES,
	ORDER_RETRY,
	SALE_REASON_FIELD,
	SALE_STATE_FIELD,
	SETTINGS,
	SYNC_LOG,
	SYNC_LOG_FAILURE,
	WEBHOOK_DELIVERY,
)
from woocommerce_sync.desk.access import check_import, readable_stores
from woocommerce_sync.manual_access import check_store
from woocommerce_sync.orders import retries
from woocommerce_sync.orders.ignored import ignored_ids
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, enqueue_sync, sync_store
from woocommerce_sync.sales.sync_invoice import FAILED
from woocommerce_sync.webhooks.deliveries import enqueue

MAX_ROWS = 5000  # of one list in the console; a store with more has a bigger problem than a list


def failed_sales(stores: list[str]) -> dict[str, dict[int, frappe._dict]]:
	"""Store -> order id -> its Sales Order, for Sales Orders whose sale documents failed."""
	found: dict[str, dict[int, frappe._dict]] = {}
	for row in frappe.get_all(
		"Sales Order",
		filters={"woocommerce_server": ("in", stores), SALE_STATE_FIELD: FAILED, "docstatus": 1},
		fields=["name", "woocommerce_server", "woocommerce_id", SALE_REASON_FIELD],
		limit=MAX_ROWS,
	):
		found.setdefault(row.woocommerce_server, {})[int(row.woocommerce_id)] = row
	for store, orders in found.items():
		for order_id in ignored_ids(store, list(orders)):
			del orders[order_id]
	return found


def failing_orders(stores: list[str]) -> list[dict]:
	"""One row per store and failed order: from its retry row (latest reason, first and last
	failure, attempts), or from its Sales Order when only its sale documents failed."""
	rows = [
		{
			"store": row.store,
			"woocommerce_order_id": row.woocommerce_order_id,
			"woocommerce_order": f"{row.store}:{row.woocommerce_order_id}",
			"sales_order": None,
			"reason": row.reason or _("No reason recorded; retry it to see one."),
			"first_failed": row.first_failed,
			"last_failed": row.last_failed,
			"failures": row.attempts or 0,
			"sync_log": row.sync_log,
		}
		for row in retries.rows(stores, MAX_ROWS)
	]
	retrying = {(row["store"], int(row["woocommerce_order_id"])) for row in rows}
	for store, orders in failed_sales(stores).items():
		ids = [order_id for order_id in orders if (store, order_id) not in retrying]
		history = failure_history(store, ids)
		for order_id in ids:
			failed = history.get(str(order_id)) or {}
			sale = orders[order_id]
			rows.append(
				{
					"store": store,
					"woocommerce_order_id": order_id,
					"woocommerce_order": f"{store}:{order_id}",
					"sales_order": sale.name,
					"reason": failed.get("reason")
					or sale.get(SALE_REASON_FIELD)
					or _("No reason recorded (its Sync Log was cleared); retry it to see one."),
					"first_failed": failed.get("first_failed"),
					"last_failed": failed.get("last_failed"),
					"failures": failed.get("failures") or 0,
					"sync_log": failed.get("sync_log"),
				}
			)
	return rows[:MAX_ROWS]


def failure_history(store: str, ids: list[int]) -> dict[str, frappe._dict]:
	"""Order id -> when it first and last failed in this store's Sync Logs, how often, and the
	latest reason: one grouped query on the failure rows' order id index."""
	if not ids:
		return {}
	rows = frappe.db.sql(
		f"""
		select f.woocommerce_order_id, f.reason, l.name as sync_log,
			agg.first_failed, agg.last_failed, agg.failures
		from (
			select f.woocommerce_order_id as order_id, min(l.started) as first_failed,
				max(l.started) as last_failed, count(*) as failures
			from `tab{SYNC_LOG_FAILURE}` f join `tab{SYNC_LOG}` l on l.name = f.parent
			where f.parenttype = %(log)s and f.woocommerce_order_id in %(ids)s and l.store = %(store)s
			group by f.woocommerce_order_id
		) agg
		join `tab{SYNC_LOG}` l on l.store = %(store)s and l.started = agg.last_failed
		join `tab{SYNC_LOG_FAILURE}` f on f.parent = l.name and f.woocommerce_order_id = agg.order_id
		""",
		{"log": SYNC_LOG, "store": store, "ids": tuple(str(i) for i in ids)},
		as_dict=True,
	)
	return {row.woocommerce_order_id: row for row in rows}


def failed_deliveries(stores: list[str]) -> list[dict]:
	return frappe.get_all(
		WEBHOOK_DELIVERY,
		filters={"store": ("in", stores), "status": "Failed"},
		fields=["name", "store", "order_id", "topic", "reason", "creation", "processed_at", "sync_log"],
		order_by="creation desc",
		limit=MAX_ROWS,
	)


# Actions --------------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def retry_orders(store: str, order_ids: str | list | None = None) -> dict:
	"""Retry these orders of the store (all of its retry list when none are given) through the
	normal import: one at once, several in a background job."""
	check_import(store)
	ids = parse_ids(order_ids) or retries.pending_ids(store)
	if not ids:
		return {"queued": False, "message": _("Store {0} has no order waiting for a retry.").format(store)}
	if len(ids) == 1:
		run = sync_store(store, "Manual", filters=ImportFilters(ids=ids, update_existing=True))
		return {
			"queued": False,
			"ok": not (run.error or run.failures),
			"sync_log": run.name,
			"message": outcome(store, ids[0], run),
		}
	return queue_import(store, ids)


@frappe.whitelist(methods=["POST"])
def import_missing(store: str, order_ids: str | list) -> dict:
	"""The orders the Orders Missing in ERPNext report found, imported in a background job."""
	check_import(store)
	ids = parse_ids(order_ids)
	if not ids:
		frappe.throw(_("Store {0}: no order is missing in ERPNext in this report.").format(store))
	return queue_import(store, ids)


def outcome(store: str, order_id: int, run) -> str:
	"""What one retried order's run did, in a sentence."""
	order = _("Order {0} of store {1}").format(order_id, store)
	failed = run.error or next((f["reason"] for f in run.failures), None)
	if failed:
		return _("{0} failed again: {1}").format(order, failed)
	if run.counts["created"]:
		return _("{0} was imported.").format(order)
	if run.counts["updated"]:
		return _("{0}: its Sales Order was updated.").format(order)
	return _(
		"{0}: nothing to import; its status is not one the store imports, or it is an ignored order."
	).format(order)


def queue_import(store: str, ids: list[int]) -> dict:
	job = enqueue_sync(store, "Manual", filters=ImportFilters(ids=ids, update_existing=True))
	return {
		"queued": bool(job),
		"message": _("Import of {0} orders of store {1} queued; the result will be in the Sync Log.").format(
			len(ids), store
		)
		if job
		else _("An import for store {0} is already running; try again when it has finished.").format(store),
	}


@frappe.whitelist(methods=["POST"])
def retry_all() -> dict:
	"""Retry every failing order of every store the user may change, one background job per store."""
	queued = []
	enabled = frappe.get_all(
		SETTINGS, filters={"name": ("in", readable_stores()), "enabled": 1}, pluck="name"
	)
	waiting = retries.ids_by_store(enabled)
	for store, orders in failed_sales(enabled).items():
		waiting[store] = list(dict.fromkeys([*waiting.get(store, []), *orders]))
	for store, ids in waiting.items():
		if not ids:
			continue
		check_import(store)
		if queue_import(store, ids)["queued"]:
			queued.append(_("{0} ({1} orders)").format(store, len(ids)))
	return {
		"queued": bool(queued),
		"message": _("Retries queued: {0}.").format(", ".join(queued))
		if queued
		else _("No store has orders waiting for a retry, or their imports are already running."),
	}


@frappe.whitelist(methods=["POST"])
def ignore_orders(store: str, order_ids: str | list, note: str) -> dict:
	"""A person decided not to import these orders: recorded with the note, dropped from the retry
	list, and skipped by later runs. Delete the WooCommerce Ignored Order to import one again."""
	frappe.only_for(MANAGER_ROLES)
	check_store(store, "write")
	frappe.has_permission(IGNORED_ORDER, "create", throw=True)
	ids = parse_ids(order_ids)
	if not ids:
		frappe.throw(_("Choose at least one order of store {0} to ignore.").format(store))
	if not (note or "").strip():
		frappe.throw(_("Say why orders of store {0} are ignored: the note is kept with them.").format(store))
	for order_id in ids:
		if frappe.db.exists(IGNORED_ORDER, {"store": store, "woocommerce_order_id": order_id}):
			continue
		frappe.get_doc(
			{
				"doctype": IGNORED_ORDER,
				"store": store,
				"woocommerce_order_id": order_id,
				"note": note.strip(),
				"last_reason": frappe.db.get_value(
					ORDER_RETRY, retries.retry_name(store, order_id), "reason"
				),
			}
		).insert()  # drains the order's retry row
	return {"message": _("{0} orders of store {1} are ignored from now on.").format(len(ids), store)}


@frappe.whitelist(methods=["POST"])
def retry_deliveries(names: str | list) -> dict:
	"""Failed webhook deliveries go back to Queued and their orders' jobs are queued again."""
	readable_stores()
	rows = frappe.get_all(
		WEBHOOK_DELIVERY,
		filters={"name": ("in", frappe.parse_json(names) if isinstance(names, str) else names)},
		fields=["name", "store", "order_id", "status"],
	)
	for store in {row.store for row in rows}:
		check_import(store)
	for row in rows:
		if row.status != "Failed":
			continue
		frappe.db.set_value(WEBHOOK_DELIVERY, row.name, {"status": "Queued", "reason": None})
		enqueue(row.store, row.order_id)
	return {"message": _("{0} webhook deliveries queued again.").format(len(rows))}


def parse_ids(value: str | list | None) -> list[int]:
	"""[1, 2], "[1, 2]" or "1, 2" -> [1, 2], each once."""
	if isinstance(value, str):
		value = frappe.parse_json(value) if value.strip().startswith("[") else value.replace(",", " ").split()
	return list(dict.fromkeys(cint(v) for v in value or [] if cint(v) > 0))
