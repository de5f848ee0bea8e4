"""The workspace's number cards (Number Card type Custom: each method answers {value, route}) and
the Health section of a store's form. Every query is bounded: by the few stores, by an indexed
status, or by (woocommerce_server, creation) on Sales Order."""

from datetime import datetime

import frappe
from frappe.utils import get_datetime, now_datetime, nowdate, pretty_date

from woocommerce_sync.constants import SETTINGS, SYNC_LOG, SYNC_STATUS_REPORT, WEBHOOK_DELIVERY
from woocommerce_sync.desk import health
from woocommerce_sync.desk.access import check_readable, readable_stores
from woocommerce_sync.desk.console import failing_orders
from woocommerce_sync.orders import retries
from woocommerce_sync.webhooks.deliveries import STALE_AFTER as DELIVERY_STALE_AFTER


def _card(value: int, route: list[str], route_options: dict | None = None) -> dict:
	return {"value": value, "fieldtype": "Int", "route": route, "route_options": route_options or {}}


@frappe.whitelist()
def orders_imported_today(filters: str | dict | None = None) -> dict:
	return _card(
		imported_since(readable_stores(), get_datetime(nowdate())),
		["List", "Sales Order"],
		{"woocommerce_server": ["is", "set"], "creation": ["Timespan", "today"]},
	)


def imported_since(stores: list[str], since: datetime) -> int:
	"""Sales Orders the app made since `since` (index woocommerce_server + creation)."""
	if not stores:
		return 0
	return frappe.db.count("Sales Order", {"woocommerce_server": ("in", stores), "creation": (">=", since)})


@frappe.whitelist()
def orders_waiting_for_retry(filters: str | dict | None = None) -> dict:
	waiting = sum(retries.counts(readable_stores()).values())
	return _card(waiting, ["query-report", SYNC_STATUS_REPORT])


@frappe.whitelist()
def retry_counts(stores: str | list | None = None) -> dict[str, int]:
	"""Store -> orders waiting for a retry, for the settings list's indicator (readable stores only)."""
	wanted = set(frappe.parse_json(stores) if isinstance(stores, str) else stores or [])
	return retries.counts([store for store in readable_stores() if store in wanted])


@frappe.whitelist()
def stuck_webhook_deliveries(filters: str | dict | None = None) -> dict:
	return _card(
		count_stuck_deliveries(readable_stores()),
		["query-report", SYNC_STATUS_REPORT],
		{"show": "Webhook Deliveries"},
	)


def count_stuck_deliveries(stores: list[str]) -> int:
	"""Failed, or still queued after the sweep's 10 minutes (index status + creation)."""
	if not stores:
		return 0
	delivery = frappe.qb.DocType(WEBHOOK_DELIVERY)
	stuck = (delivery.status == "Failed") | (
		(delivery.status == "Queued") & (delivery.creation < now_datetime() - DELIVERY_STALE_AFTER)
	)
	query = (
		frappe.qb.from_(delivery)
		.select(frappe.query_builder.functions.Count("*"))
		.where(delivery.store.isin(stores))
		.where(stuck)
	)
	return query.run()[0][0]


@frappe.whitelist()
def stale_stores(filters: str | dict | None = None) -> dict:
	rows = health.store_rows(readable_stores())
	return _card(
		sum(1 for row in rows if health.is_stale(row)),
		["List", SETTINGS],
		{"enabled": 1},
	)


@frappe.whitelist()
def get_store_health(store: str) -> dict:
	"""Everything the Health section of a store's form shows."""
	check_readable(store)
	row = health.store_rows([store])[0]
	color, reasons = health.assess(row)
	failing = failing_orders([store])
	latest = max(failing, key=lambda r: r["last_failed"] or datetime.min, default=None)
	last_run = (
		frappe.db.get_value(SYNC_LOG, row.last_run_log, ["name", "status", "started", "ended"], as_dict=True)
		if row.last_run_log
		else None
	)
	return {
		"store": store,
		"color": color,
		"reasons": reasons,
		"last_success": row.last_success,
		"last_success_age": pretty_date(row.last_success) if row.last_success else None,
		"last_run": last_run,
		"retry_count": len(failing),
		"retry_latest_reason": latest["reason"] if latest else None,
		"retry_latest_order": latest["woocommerce_order_id"] if latest else None,
		"webhooks_registered": row.webhooks_registered,
		"webhook_state": row.webhook_state,
		"webhook_problems": row.webhook_problems,
		"webhooks_checked": row.webhooks_checked,
		"stock_queue": health.stock_queue_length(),
		"last_connection_test": row.last_connection_test,
		"last_connection_ok": row.last_connection_ok,
		"last_connection_message": row.last_connection_message,
		"deliveries_stuck": count_stuck_deliveries([store]),
		"imported_today": imported_since([store], get_datetime(nowdate())),
	}
