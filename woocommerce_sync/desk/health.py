"""How each store is doing, from fields the runs keep on its settings: the last order sync and
its outcome, the last successful one, the webhooks as the hourly check found them, the last Test
Connection. `assess` turns them into green / amber / red with the reasons (the settings list's
indicator applies the same rules in woocommerce_integration_settings_list.js)."""

from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime, pretty_date

from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.orders import retries
from woocommerce_sync.products import queue as product_queue

STALE_AFTER = timedelta(hours=2)
HEALTH_FIELDS = [
	"name",
	"enabled",
	"last_success",
	"last_run_status",
	"last_run_log",
	"webhooks_registered",
	"webhook_state",
	"webhook_problems",
	"webhooks_checked",
	"last_connection_test",
	"last_connection_ok",
	"last_connection_message",
]
# webhook_state values
REGISTERED, MISSING, DISABLED, NOT_REGISTERED = (
	"Registered",
	"Missing",
	"Disabled by WooCommerce",
	"Not Registered",
)


# Kept by the runs -----------------------------------------------------------------------------


def record_order_sync(store: str, sync_log: str, status: str) -> None:
	"""After every order sync (hourly, webhook, manual): its outcome, and when it last succeeded."""
	values = {"last_run_status": status, "last_run_log": sync_log}
	if status in ("Success", "Partial Failure"):
		values["last_success"] = now_datetime()
	frappe.db.set_value(SETTINGS, store, values, update_modified=False)


def record_webhooks(store: str, states: dict[str, str | None]) -> None:
	"""What the hourly check saw of the store's webhooks (topic -> status, None when missing)."""
	if any(status is None for status in states.values()):
		state = MISSING
	elif any(status != "active" for status in states.values()):
		state = DISABLED
	else:
		state = REGISTERED
	problems = [
		_("{0}: {1}").format(topic, status or _("missing"))
		for topic, status in states.items()
		if status != "active"
	]
	frappe.db.set_value(
		SETTINGS,
		store,
		{
			"webhook_state": state,
			"webhook_problems": "\n".join(problems) or None,
			"webhooks_checked": now_datetime(),
		},
		update_modified=False,
	)


def record_webhooks_registered(store: str, registered: bool) -> None:
	frappe.db.set_value(
		SETTINGS,
		store,
		{
			"webhooks_registered": int(registered),
			"webhook_state": REGISTERED if registered else NOT_REGISTERED,
			"webhook_problems": None,
			"webhooks_checked": now_datetime(),
		},
		update_modified=False,
	)


def record_connection_test(store: str, ok: bool, message: str) -> None:
	frappe.db.set_value(
		SETTINGS,
		store,
		{
			"last_connection_test": now_datetime(),
			"last_connection_ok": int(ok),
			"last_connection_message": message,
		},
		update_modified=False,
	)


# Read by Desk ---------------------------------------------------------------------------------


def store_rows(stores: list[str] | None = None) -> list[frappe._dict]:
	"""The stores' health fields, and `retry_count`: how many of their orders wait for a retry."""
	filters = {"name": ("in", stores)} if stores is not None else {}
	rows = frappe.get_all(SETTINGS, filters=filters, fields=HEALTH_FIELDS, order_by="name asc")
	waiting = retries.counts([row.name for row in rows])
	for row in rows:
		row.retry_count = waiting.get(row.name, 0)
	return rows


def assess(row: frappe._dict, now: datetime | None = None) -> tuple[str, list[str]]:
	"""(green | orange | red | gray, reasons); red: the store is not syncing, orange: it syncs
	but something needs a look."""
	if not row.enabled:
		return "gray", [_("Disabled")]
	now = now or now_datetime()
	red, amber = [], []
	if row.last_run_status == "Failed":
		red.append(_("the last sync failed"))
	if not row.last_success:
		red.append(_("no successful sync yet"))
	elif now - get_datetime(row.last_success) > STALE_AFTER:
		red.append(_("no successful sync since {0}").format(pretty_date(row.last_success)))
	if row.last_connection_test and not row.last_connection_ok:
		red.append(_("the last Test Connection failed"))
	waiting = row.get("retry_count") or 0
	if waiting:
		amber.append(_("orders waiting for retry: {0}").format(waiting))
	if row.webhook_state in (MISSING, DISABLED):
		amber.append(_("webhooks: {0}").format(_(row.webhook_state)))
	if row.last_run_status == "Partial Failure":
		amber.append(_("the last sync had failures"))
	if red:
		return "red", red + amber
	if amber:
		return "orange", amber
	return "green", [_("Syncing")]


def is_stale(row: frappe._dict, now: datetime | None = None) -> bool:
	"""Enabled, and its last sync failed or none succeeded within STALE_AFTER."""
	now = now or now_datetime()
	return bool(row.enabled) and (
		row.last_run_status == "Failed"
		or not row.last_success
		or now - get_datetime(row.last_success) > STALE_AFTER
	)


def stock_queue_length() -> int:
	"""Items (per warehouse) and prices waiting for the minute's push, for all stores."""
	# RedisWrapper prefixes keys in sadd/smembers but has no scard of its own.
	cache = frappe.cache
	return cache.scard(cache.make_key(product_queue.STOCK)) + cache.scard(cache.make_key(product_queue.PRICE))
