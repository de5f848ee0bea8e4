"""Items whose stock or price changed, noted when their transaction commits, pushed each minute.

WooCommerce is never called inside a stock transaction: a Stock Ledger Entry (from a Delivery
Note, Purchase Receipt, Stock Entry, Stock Reconciliation, a Sales Invoice that updates stock,
or any cancellation), a Sales Order's reservation or an Item Price change only adds the item to
a Redis set, after the commit (a rolled-back movement notes nothing, and the minute job never
reads a quantity that is not committed yet). `product_push.push_pending` drains the sets.
"""

import frappe

from woocommerce_sync.constants import SETTINGS

STOCK = "woocommerce_sync:stock_pending"  # "item code<US>warehouse"
PRICE = "woocommerce_sync:price_pending"  # item code
SEPARATOR = "\x1f"


def on_stock_ledger_entry(doc, method=None) -> None:
	note_stock(doc.item_code, doc.warehouse)


def on_sales_order(doc, method=None) -> None:
	"""Submitting or cancelling a Sales Order moves its items' reserved quantity."""
	for row in doc.get("items") or []:
		if row.item_code and row.warehouse:
			note_stock(row.item_code, row.warehouse)


def on_item_price(doc, method=None) -> None:
	"""Only prices of a list some enabled store pushes (buying lists change with every purchase)."""
	if doc.price_list and frappe.get_all(
		SETTINGS,
		filters={"enabled": 1},
		or_filters={"regular_price_list": doc.price_list, "sale_price_list": doc.price_list},
		limit=1,
	):
		note_price(doc.item_code)


def note_stock(item_code: str, warehouse: str) -> None:
	_note(STOCK, f"{item_code}{SEPARATOR}{warehouse}")


def note_price(item_code: str) -> None:
	_note(PRICE, item_code)


def take_stock() -> dict[str, set[str]]:
	"""Pending stock changes, removed from the queue: item code -> warehouses."""
	by_item: dict[str, set[str]] = {}
	for member in _take(STOCK):
		item_code, _, warehouse = member.partition(SEPARATOR)
		by_item.setdefault(item_code, set()).add(warehouse)
	return by_item


def take_prices() -> set[str]:
	return _take(PRICE)


def requeue(stock: dict[str, set[str]], prices: set[str]) -> None:
	"""Put back what could not be pushed (the store was down), for the next minute."""
	members = [
		f"{item}{SEPARATOR}{warehouse}" for item, warehouses in stock.items() for warehouse in warehouses
	]
	if members:
		frappe.cache.sadd(STOCK, *members)
	if prices:
		frappe.cache.sadd(PRICE, *prices)


def _note(key: str, member: str) -> None:
	pending = getattr(frappe.local, "woocommerce_pending", None)
	if pending is None:
		pending = frappe.local.woocommerce_pending = {}
		frappe.db.after_commit.add(_flush)
		frappe.db.after_rollback.add(_forget)
	pending.setdefault(key, set()).add(member)


def _flush() -> None:
	pending = getattr(frappe.local, "woocommerce_pending", None) or {}
	frappe.local.woocommerce_pending = None
	for key, members in pending.items():
		frappe.cache.sadd(key, *members)


def _forget() -> None:
	frappe.local.woocommerce_pending = None


def _take(key: str) -> set[str]:
	"""Read and remove the members we read; a member noted meanwhile stays for the next run.
	Removing before the quantities are read means a commit landing in between is either seen
	by this run's read or noted again for the next one."""
	members = frappe.cache.smembers(key)
	if not members:
		return set()
	frappe.cache.srem(key, *members)
	return {m.decode() if isinstance(m, bytes) else m for m in members}
