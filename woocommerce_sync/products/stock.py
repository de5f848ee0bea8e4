"""ERPNext's available quantities as WooCommerce stock updates.

Quantities come from `tabBin` (actual and reserved per item and warehouse), read with one query
per batch of at most 100 items, over the store's Stock Warehouses (or its Warehouse). Templates
and non-stock Items are never pushed: they have no stock of their own.
"""

from collections.abc import Sequence

import frappe

from woocommerce_sync.core.product_batch import ProductUpdate, chunks
from woocommerce_sync.core.stock import available_quantity


def stock_warehouses(settings) -> list[str]:
	chosen = [row.warehouse for row in settings.get("stock_warehouses") or [] if row.warehouse]
	return chosen or ([settings.warehouse] if settings.warehouse else [])


def stock_updates(settings, links: Sequence[frappe._dict]) -> list[ProductUpdate]:
	"""One `stock_quantity` update per paired stock Item, read batch by batch."""
	links = [link for link in links if link.is_stock_item and not link.has_variants]
	warehouses = stock_warehouses(settings)
	if not warehouses:
		return []
	updates = []
	for batch in chunks(links):
		bins = read_bins([link.item_code for link in batch], warehouses)
		for link in batch:
			quantity = available_quantity(bins.get(link.item_code, []), bool(settings.allow_decimal_stock))
			updates.append(
				ProductUpdate(
					link.product_id,
					link.variation_id,
					link.item_code,
					{"stock_quantity": quantity if isinstance(quantity, int) else float(quantity)},
				)
			)
	return updates


def read_bins(item_codes: Sequence[str], warehouses: Sequence[str]) -> dict[str, list[tuple]]:
	"""(actual, reserved) per warehouse for each item: one query for the whole batch."""
	bins: dict[str, list[tuple]] = {}
	if not item_codes:
		return bins
	for item_code, actual, reserved in frappe.db.sql(
		"""select item_code, actual_qty, reserved_qty from `tabBin`
		where item_code in %(items)s and warehouse in %(warehouses)s""",
		{"items": tuple(item_codes), "warehouses": tuple(warehouses)},
	):
		bins.setdefault(item_code, []).append((actual, reserved))
	return bins
