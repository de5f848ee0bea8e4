"""The orders to retry were one Small Text field on a store's settings (`retry_order_ids`), which
each job rewrote from what it had loaded, so concurrent jobs erased each other's ids. They are now
one WooCommerce Order Retry row per order: move every stored id to its row (ignored orders left
out), then empty the old column, which Frappe keeps after a field is removed."""

import frappe
from frappe import _

from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.orders import retries
from woocommerce_sync.orders.ignored import ignored_ids


def execute() -> None:
	if not frappe.db.has_column(SETTINGS, "retry_order_ids"):
		return
	for store, text in frappe.db.sql(
		f"select name, retry_order_ids from `tab{SETTINGS}` where ifnull(retry_order_ids, '') != ''"
	):
		ids = sorted({int(part) for part in text.split() if part.isdigit()})
		skip = ignored_ids(store, ids)
		for order_id in ids:
			if order_id not in skip:
				retries.record(
					store,
					order_id,
					_(
						"WooCommerce store {0}, order {1}: failed before the upgrade; its reason is in the "
						"Sync Logs of that time, or retry it to see one."
					).format(store, order_id),
					None,
					None,
				)
	frappe.db.sql(f"update `tab{SETTINGS}` set retry_order_ids = null")
