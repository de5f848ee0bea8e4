"""Which Items a store sells and which product or variation each one is there.

The pairing is the Item's *WooCommerce Products* table (WooCommerce Item Link, also filled by the
order import); whether the Item is sold on a store is the Item's *Sell on WooCommerce Stores*
(a variant is sold where its template is). Stock, prices and details are pushed only for Items
that are both paired and sold on that store.

Marking Items sold (or not) is written here in a few statements per batch, not one Item save
each: the order import, Map Existing Products and the Item list's bulk action mark thousands of
Items, and Item's validation has nothing to check in a row naming a store. The Items' `modified`
moves, so a form opened before is refused on save instead of dropping the row.
"""

from collections.abc import Sequence

import frappe
from frappe.utils import now_datetime

from woocommerce_sync.constants import ITEM_LINK, ITEM_LINKS_FIELD, ITEM_STORE, SELL_ON_FIELD, SETTINGS
from woocommerce_sync.core.product_batch import chunks
from woocommerce_sync.core.product_matching import ProductKey
from woocommerce_sync.products import queue
from woocommerce_sync.products.stock import stock_warehouses

_LINK_FIELDS = ["parent", "woocommerce_product_id", "woocommerce_variation_id"]
SELL_BATCH = 500
SELL_ROW_FIELDS = (
	"name",
	"parent",
	"parenttype",
	"parentfield",
	"idx",
	"woocommerce_server",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
)


def sold_links(store: str, item_codes: Sequence[str] | None = None) -> list[frappe._dict]:
	"""Paired Items sold on the store (all of them, or those among `item_codes`), in one query.

	Rows: item_code, product_id, variation_id, is_stock_item, has_variants, stock_uom.
	"""
	if item_codes is not None and not item_codes:
		return []
	only = "and link.parent in %(items)s" if item_codes is not None else ""
	return frappe.db.sql(
		f"""
		select link.parent as item_code, link.woocommerce_product_id as product_id,
			link.woocommerce_variation_id as variation_id, item.is_stock_item, item.has_variants,
			item.stock_uom
		from `tab{ITEM_LINK}` link
		join `tabItem` item on item.name = link.parent
		where link.parenttype = 'Item' and link.woocommerce_server = %(store)s and item.disabled = 0
			and (
				exists (
					select 1 from `tab{ITEM_STORE}` sold
					where sold.parent = item.name and sold.parenttype = 'Item'
						and sold.woocommerce_server = %(store)s
				)
				or exists (
					select 1 from `tab{ITEM_STORE}` sold
					where sold.parent = item.variant_of and sold.parenttype = 'Item'
						and sold.woocommerce_server = %(store)s
				)
			)
			{only}
		order by link.woocommerce_product_id, link.woocommerce_variation_id
		""",
		{"store": store, "items": tuple(item_codes or ())},
		as_dict=True,
	)


def store_links(store: str, product_ids: Sequence[int] | None = None) -> dict[ProductKey, str]:
	"""The store's pairings, sold or not (all, or those of `product_ids`), in one query:
	(product id, variation id) -> item code."""
	filters = {"parenttype": "Item", "woocommerce_server": store}
	if product_ids is not None:
		if not product_ids:
			return {}
		filters["woocommerce_product_id"] = ("in", list(product_ids))
	return {
		(row.woocommerce_product_id, row.woocommerce_variation_id): row.parent
		for row in frappe.get_all(ITEM_LINK, filters=filters, fields=_LINK_FIELDS)
	}


def products_of(store: str, item_codes: Sequence[str]) -> dict[str, ProductKey]:
	"""The other way round: item code -> (product id, variation id) in the store, in one query."""
	if not item_codes:
		return {}
	rows = frappe.get_all(
		ITEM_LINK,
		filters={"parenttype": "Item", "woocommerce_server": store, "parent": ("in", list(item_codes))},
		fields=_LINK_FIELDS,
	)
	return {row.parent: (row.woocommerce_product_id, row.woocommerce_variation_id) for row in rows}


def stores_selling(item_code: str) -> list[str]:
	"""Stores the Item (or its template) is flagged as sold on."""
	template = frappe.db.get_value("Item", item_code, "variant_of")
	return frappe.get_all(
		ITEM_STORE,
		filters={"parenttype": "Item", "parent": ("in", [item_code, template or ""])},
		pluck="woocommerce_server",
		distinct=True,
	)


def link_item(item_code: str, store: str, product_id: int, variation_id: int = 0, sell: bool = True) -> None:
	"""Pair an Item with a product or variation (and mark it sold on the store) without saving
	the whole Item: mapping thousands of Items must not run Item's validation thousands of times.
	The unique index on the link rows still refuses a second Item for the same product."""
	_append_row(
		item_code,
		ITEM_LINKS_FIELD,
		ITEM_LINK,
		{
			"woocommerce_server": store,
			"woocommerce_product_id": product_id,
			"woocommerce_variation_id": variation_id,
			"last_synced": now_datetime(),
		},
	)
	if sell:
		mark_sold(store, [item_code])


def mark_sold(store: str, item_codes: Sequence[str]) -> list[str]:
	"""Add the store to these Items' Sell on WooCommerce Stores where it is missing; returns the
	Items newly marked. Their stock and prices (a template's: its variants') are noted for the
	minute push, which sends them after the commit: the one writer of stock and prices."""
	marked: list[str] = []
	for batch in chunks(list(dict.fromkeys(item_codes)), SELL_BATCH):
		already = set(
			frappe.get_all(
				ITEM_STORE,
				filters={"parenttype": "Item", "woocommerce_server": store, "parent": ("in", batch)},
				pluck="parent",
			)
		)
		todo = [code for code in batch if code not in already]
		if not todo:
			continue
		last = dict(
			frappe.db.sql(
				f"""select parent, max(idx) from `tab{ITEM_STORE}`
				where parenttype = 'Item' and parentfield = %(field)s and parent in %(items)s
				group by parent""",
				{"field": SELL_ON_FIELD, "items": tuple(todo)},
			)
		)
		frappe.db.bulk_insert(
			ITEM_STORE, SELL_ROW_FIELDS, [_sell_row(store, code, last.get(code)) for code in todo]
		)
		_touch(todo)
		marked += todo
	note_for_push(store, marked)
	return marked


def _sell_row(store: str, item_code: str, last_idx: int | None) -> tuple:
	now, user = now_datetime(), frappe.session.user
	name = frappe.generate_hash(length=10)
	return (name, item_code, "Item", SELL_ON_FIELD, (last_idx or 0) + 1, store, now, now, user, user, 0)


def stop_selling(store: str, item_codes: Sequence[str]) -> list[str]:
	"""Remove the store from these Items' Sell on WooCommerce Stores; returns the Items changed.
	Their products stay in the shop and stay paired: nothing is pushed for them any more."""
	stopped: list[str] = []
	for batch in chunks(list(dict.fromkeys(item_codes)), SELL_BATCH):
		sold = frappe.get_all(
			ITEM_STORE,
			filters={"parenttype": "Item", "woocommerce_server": store, "parent": ("in", batch)},
			pluck="parent",
			distinct=True,
		)
		if not sold:
			continue
		frappe.db.delete(
			ITEM_STORE, {"parenttype": "Item", "woocommerce_server": store, "parent": ("in", sold)}
		)
		_touch(sold)
		stopped += sold
	return stopped


def _touch(item_codes: list[str]) -> None:
	frappe.db.sql(
		"update `tabItem` set modified = %(now)s, modified_by = %(user)s where name in %(items)s",
		{"now": now_datetime(), "user": frappe.session.user, "items": tuple(item_codes)},
	)
	for code in item_codes:
		frappe.clear_document_cache("Item", code)


def note_for_push(store: str, item_codes: Sequence[str]) -> None:
	"""Queue these Items' (a template's: its variants') stock and prices for the minute push."""
	if not item_codes:
		return
	warehouses = stock_warehouses(frappe.get_cached_doc(SETTINGS, store))
	variants = frappe.get_all("Item", filters={"variant_of": ("in", item_codes)}, pluck="name")
	for code in [*item_codes, *variants]:
		for warehouse in warehouses:
			queue.note_stock(code, warehouse)
		queue.note_price(code)


def mark_links_synced(store: str, keys: Sequence[ProductKey]) -> None:
	"""Stamp Last Synced on the link rows of products just pushed, one statement per batch."""
	if not keys:
		return
	frappe.db.sql(
		f"""update `tab{ITEM_LINK}` set last_synced = %(now)s
		where woocommerce_server = %(store)s
			and (woocommerce_product_id, woocommerce_variation_id) in %(keys)s""",
		{"now": now_datetime(), "store": store, "keys": tuple(tuple(key) for key in keys)},
	)


def describe(product_id: int, variation_id: int = 0) -> str:
	"""How a product is named in the Sync Log's WooCommerce ID column."""
	if variation_id:
		return f"variation {variation_id} of product {product_id}"
	return f"product {product_id}"


def _append_row(parent: str, parentfield: str, doctype: str, values: dict) -> None:
	idx = frappe.db.sql(
		f"select ifnull(max(idx), 0) from `tab{doctype}` where parent = %s and parentfield = %s",
		(parent, parentfield),
	)[0][0]
	row = frappe.get_doc(
		{
			"doctype": doctype,
			"parent": parent,
			"parenttype": "Item",
			"parentfield": parentfield,
			"idx": idx + 1,
			**values,
		}
	)
	row.db_insert()
	frappe.clear_document_cache("Item", parent)
