"""Orders a person decided not to import: kept as WooCommerce Ignored Order, their retry rows
drained, and skipped by every later run (hourly, webhook or manual)."""

import frappe

from woocommerce_sync.constants import IGNORED_ORDER


def ignored_ids(store: str, ids: list[int]) -> set[int]:
	"""Those of `ids` that are ignored for `store` (one indexed query; ids come a page at a time)."""
	if not ids:
		return set()
	return set(
		frappe.get_all(
			IGNORED_ORDER,
			filters={"store": store, "woocommerce_order_id": ("in", list(ids))},
			pluck="woocommerce_order_id",
		)
	)
