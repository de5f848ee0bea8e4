"""Orders that failed and are fetched by id again on every sync: one WooCommerce Order Retry row
per store and order.

Each failed order is its own row, named `{store}:{order id}` (the primary key, so the database
keeps one per order), written with one INSERT ... ON DUPLICATE KEY UPDATE: a webhook job, the
hourly job and a manual import failing different orders at once each add their own row and
cannot erase another's, and two of them failing the same order count two attempts on one row.
A row is drained when its order imports (or is skipped on purpose), is found deleted in the
store, or is ignored by a person (WooCommerce Ignored Order).

The row keeps the Error Log of the first failure with its reason: a repeat failure with the
same reason links that Error Log instead of writing a new traceback every hour.
"""

import frappe
from frappe.utils import now_datetime

from woocommerce_sync.constants import ORDER_RETRY


def retry_name(store: str, woocommerce_id: int) -> str:
	return f"{store}:{woocommerce_id}"


def pending_ids(store: str) -> list[int]:
	"""The store's failed order ids, oldest failure first."""
	return frappe.get_all(
		ORDER_RETRY, filters={"store": store}, pluck="woocommerce_order_id", order_by="first_failed asc"
	)


def ids_by_store(stores: list[str]) -> dict[str, list[int]]:
	"""Store -> its failed order ids, only stores that have some."""
	if not stores:
		return {}
	by_store: dict[str, list[int]] = {}
	for row in frappe.get_all(
		ORDER_RETRY,
		filters={"store": ("in", stores)},
		fields=["store", "woocommerce_order_id"],
		order_by="first_failed asc",
	):
		by_store.setdefault(row.store, []).append(row.woocommerce_order_id)
	return by_store


def counts(stores: list[str]) -> dict[str, int]:
	"""Store -> how many of its orders wait for a retry (one grouped query)."""
	if not stores:
		return {}
	rows = frappe.get_all(
		ORDER_RETRY,
		filters={"store": ("in", stores)},
		fields=["store", "count(name) as waiting"],
		group_by="store",
	)
	return {row.store: row.waiting for row in rows}


def rows(stores: list[str], limit: int) -> list[frappe._dict]:
	"""The retry rows of these stores, for the console: most recent failure first."""
	if not stores:
		return []
	return frappe.get_all(
		ORDER_RETRY,
		filters={"store": ("in", stores)},
		fields=[
			"store",
			"woocommerce_order_id",
			"reason",
			"first_failed",
			"last_failed",
			"attempts",
			"error_log",
			"sync_log",
		],
		order_by="last_failed desc",
		limit=limit,
	)


def known_error_log(store: str, woocommerce_id: int, reason: str) -> str | None:
	"""The Error Log already written for this order failing for this reason, if it still exists."""
	row = frappe.db.get_value(
		ORDER_RETRY, retry_name(store, woocommerce_id), ["reason", "error_log"], as_dict=True
	)
	if row and row.reason == reason and row.error_log and frappe.db.exists("Error Log", row.error_log):
		return row.error_log
	return None


def record(store: str, woocommerce_id: int, reason: str, error_log: str | None, sync_log: str | None) -> None:
	"""Note a failure of the order: a new row, or one more attempt on its row. One statement, so a
	concurrent writer's row or attempt is never lost. Committed by the caller."""
	now = now_datetime()
	frappe.db.sql(
		f"""
		insert into `tab{ORDER_RETRY}`
			(name, creation, modified, modified_by, owner, docstatus, idx, store, woocommerce_order_id,
			attempts, first_failed, last_failed, reason, error_log, sync_log)
		values
			(%(name)s, %(now)s, %(now)s, %(user)s, %(user)s, 0, 0, %(store)s, %(id)s,
			1, %(now)s, %(now)s, %(reason)s, %(error_log)s, %(sync_log)s)
		on duplicate key update
			attempts = attempts + 1, last_failed = values(last_failed), modified = values(modified),
			reason = values(reason), error_log = values(error_log), sync_log = values(sync_log)
		""",
		{
			"name": retry_name(store, woocommerce_id),
			"now": now,
			"user": frappe.session.user,
			"store": store,
			"id": woocommerce_id,
			"reason": reason,
			"error_log": error_log,
			"sync_log": sync_log,
		},
	)


def drain(store: str, ids: list[int] | set[int]) -> None:
	"""These orders no longer wait for a retry (imported, deleted in the store, or ignored)."""
	# Only rows that exist are deleted, by primary key: a delete of missing keys would take gap
	# locks, and two jobs each holding one while inserting a failure into the other's gap deadlock.
	names = [retry_name(store, i) for i in ids]
	existing = frappe.get_all(ORDER_RETRY, filters={"name": ("in", names)}, pluck="name") if names else []
	if existing:
		frappe.db.delete(ORDER_RETRY, {"name": ("in", existing)})
