"""Where a Sales Order's push to its WooCommerce store stands, on its WooCommerce tab.

Queued when a person's change is handed to the push job; Sent when the store took it; Failed with
the reason, which the hourly sync retries and the form's Retry sends again. The values are written
without touching the Sales Order's `modified`, so they never look like a change made in ERPNext
(the two-way rule reads `modified`).
"""

from datetime import datetime, timedelta

import frappe
from frappe.utils import add_to_date, now_datetime

from woocommerce_sync.constants import (
	PUSH_ERROR_FIELD,
	PUSH_FAILED,
	PUSH_QUEUED,
	PUSH_QUEUED_FIELD,
	PUSH_SENT,
	PUSH_STATE_FIELD,
	PUSHED_FIELD,
)

# A push still Queued after this long lost its job (worker killed, queue flushed): the hourly sync
# sends it. Longer than any push job runs, shorter than the hour people would wait otherwise.
STALE_QUEUED = timedelta(minutes=15)
MAX_REASON = 1000


def mark_queued(sales_order: str) -> datetime:
	"""The push job will send this Sales Order; returns the time, which tells later changes apart."""
	queued = now_datetime()
	_set(sales_order, {PUSH_STATE_FIELD: PUSH_QUEUED, PUSH_QUEUED_FIELD: queued})
	return queued


def queued_at(sales_order: str) -> datetime | None:
	return frappe.db.get_value("Sales Order", sales_order, PUSH_QUEUED_FIELD)


def mark_sent(sales_order: str) -> None:
	_set(sales_order, {PUSH_STATE_FIELD: PUSH_SENT, PUSHED_FIELD: now_datetime(), PUSH_ERROR_FIELD: None})


def mark_failed(sales_order: str, reason: str) -> bool:
	"""Record the reason; True when it is new (the caller logs a failure once, not every hour). The
	reason stays while a retry is queued, and only a push that works clears it."""
	before = frappe.db.get_value("Sales Order", sales_order, PUSH_ERROR_FIELD)
	reason = reason[:MAX_REASON]
	_set(sales_order, {PUSH_STATE_FIELD: PUSH_FAILED, PUSH_ERROR_FIELD: reason})
	return before != reason


def settle(sales_order: str) -> None:
	"""The hourly two-way pass made both sides agree: a failed push is no longer waiting."""
	if frappe.db.get_value("Sales Order", sales_order, PUSH_STATE_FIELD) == PUSH_FAILED:
		mark_sent(sales_order)


def pushes_to_retry(store: str) -> list[str]:
	"""Failed pushes of the store, and queued ones whose job was lost, oldest first."""
	so = frappe.qb.DocType("Sales Order")
	stale = add_to_date(now_datetime(), seconds=-STALE_QUEUED.total_seconds())
	return (
		frappe.qb.from_(so)
		.select(so.name)
		.where(so.woocommerce_server == store)
		.where(so.docstatus.isin([1, 2]))
		.where(
			(so[PUSH_STATE_FIELD] == PUSH_FAILED)
			| ((so[PUSH_STATE_FIELD] == PUSH_QUEUED) & (so[PUSH_QUEUED_FIELD] < stale))
		)
		.orderby(so.modified)
	).run(pluck=True)


def _set(sales_order: str, values: dict) -> None:
	frappe.db.set_value("Sales Order", sales_order, values, update_modified=False)
