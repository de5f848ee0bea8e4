"""Benchmark: the full stock pass over N paired Items, and a 20-line Delivery Note, against the fake store.

Run on a test site (it writes Items, bins and documents, and removes the N bulk Items after):
    bench --site <test site> execute woocommerce_sync.benchmarks.stock_reconciliation.run --kwargs "{'items': 5000}"
The N Items, their pairings and their bins are bulk-inserted (making 5,000 Items through the ORM
would measure Item's validation, not the sync); the Delivery Note part uses real Items, receipts
and a submitted Delivery Note. Prints requests, quantity queries per batch, time and memory.
"""

import math
import time
import tracemalloc

import frappe
from frappe.utils import now_datetime

from woocommerce_sync.benchmarks.queries import QueryCounter
from woocommerce_sync.constants import ITEM_LINK, ITEM_STORE
from woocommerce_sync.core.client import MAX_BATCH
from woocommerce_sync.products.full_pass import reconcile_store
from woocommerce_sync.products.links import link_item
from woocommerce_sync.products.push import push_pending
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.product_utils import make_stock_settings, paired_items, receive, selling_doc
from woocommerce_sync.tests.utils import get_company

PRODUCTS = "/wp-json/wc/v3/products"


def run(items: int = 5000, trace_memory: bool = True) -> dict:
	figures = {**full_pass(items, trace_memory), **delivery_note()}
	for key, value in figures.items():
		print(f"{key:<40}{value}")
	return figures


def full_pass(count: int, trace_memory: bool) -> dict:
	with FakeWooCommerceStore() as fake:
		settings = make_stock_settings(fake, regular_price_list=None, sale_price_list=None)
		prefix = f"BENCH{frappe.generate_hash(length=4).upper()}"
		products = fake.add_products(count, prefix=prefix)
		_bulk_items(settings, products)
		frappe.db.commit()
		fake.reset_counters()
		bin_queries = QueryCounter("`tabBin`")
		if trace_memory:
			tracemalloc.start()
		started = time.perf_counter()
		with bin_queries:
			result = reconcile_store(settings.name, "Command")
		elapsed = time.perf_counter() - started
		peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else None
		tracemalloc.stop()
		batches = fake.request_count("POST", f"{PRODUCTS}/batch")
		wrong = sum(1 for p in products if fake.products[p["id"]]["stock_quantity"] != _quantity(p["sku"]))
		figures = {
			"items": count,
			"listing_requests": fake.request_count("GET", PRODUCTS),
			"batch_requests": batches,
			"batch_requests_allowed": math.ceil(count / MAX_BATCH),
			"products_changed": result.counts["updated"],
			"products_already_right": result.counts["skipped"],
			"products_still_wrong": wrong,
			"quantity_queries": bin_queries.count,
			"quantity_queries_per_batch_of_100": round(bin_queries.count / math.ceil(count / MAX_BATCH), 2),
			"seconds": round(elapsed, 2),
			"python_heap_peak_mb": round(peak, 1) if peak is not None else "not traced",
			"sync_log": result.name,
		}
		_remove_bulk_items(prefix)
		frappe.db.set_value(settings.doctype, settings.name, "enabled", 0)
		frappe.db.commit()
	return figures


def delivery_note() -> dict:
	"""20 Items sold on two stores; one Delivery Note of 20 lines; requests per store."""
	with FakeWooCommerceStore() as first, FakeWooCommerceStore() as second:
		stores = [
			make_stock_settings(fake, regular_price_list=None, sale_price_list=None)
			for fake in (first, second)
		]
		codes = paired_items(first, stores[0].name, 20)
		second_products = {p["sku"]: p for p in second.add_products(20, prefix="DN")}
		for code, product in zip(codes, second_products.values(), strict=True):
			link_item(code, stores[1].name, product["id"])
		receive(codes, 10)
		frappe.db.commit()
		push_pending()
		first.reset_counters()
		second.reset_counters()
		selling_doc("Delivery Note", dict.fromkeys(codes, 1))
		frappe.db.commit()
		push_pending()
		figures = {
			"delivery_note_lines": len(codes),
			"delivery_note_requests_store_1": first.request_count(),
			"delivery_note_requests_store_2": second.request_count(),
		}
		for settings in stores:
			frappe.db.set_value(settings.doctype, settings.name, "enabled", 0)
		frappe.db.commit()
	return figures


def _quantity(sku: str) -> int:
	"""ERPNext's made-up available quantity for the n-th bulk Item: 0..9, so most differ from 5."""
	return int(sku[-5:]) % 10


def _bulk_items(settings, products: list[dict]) -> None:
	company = get_company()
	now = now_datetime()
	common = dict(creation=now, modified=now, owner="Administrator", modified_by="Administrator")
	frappe.db.bulk_insert(
		"Item",
		[
			"name",
			"item_code",
			"item_name",
			"item_group",
			"stock_uom",
			"is_stock_item",
			"is_sales_item",
			"creation",
			"modified",
			"owner",
			"modified_by",
		],
		[(p["sku"], p["sku"], p["name"], "All Item Groups", "Nos", 1, 1, *common.values()) for p in products],
	)
	rows = [
		(
			frappe.generate_hash(length=12),
			p["sku"],
			"Item",
			"woocommerce_links",
			1,
			settings.name,
			p["id"],
			0,
			*common.values(),
		)
		for p in products
	]
	frappe.db.bulk_insert(
		ITEM_LINK,
		[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"woocommerce_server",
			"woocommerce_product_id",
			"woocommerce_variation_id",
			*common,
		],
		rows,
	)
	frappe.db.bulk_insert(
		ITEM_STORE,
		["name", "parent", "parenttype", "parentfield", "idx", "woocommerce_server", *common],
		[
			(
				frappe.generate_hash(length=12),
				p["sku"],
				"Item",
				"woocommerce_sell_on",
				1,
				settings.name,
				*common.values(),
			)
			for p in products
		],
	)
	frappe.db.bulk_insert(
		"Bin",
		["name", "item_code", "warehouse", "actual_qty", "reserved_qty", "stock_uom", *common],
		[
			(
				frappe.generate_hash(length=12),
				p["sku"],
				company.warehouse,
				_quantity(p["sku"]) + 1,
				1,
				"Nos",
				*common.values(),
			)
			for p in products
		],
	)


def _remove_bulk_items(prefix: str) -> None:
	for doctype, field in (
		("Bin", "item_code"),
		(ITEM_LINK, "parent"),
		(ITEM_STORE, "parent"),
		("Item", "name"),
	):
		frappe.db.delete(doctype, {field: ("like", f"{prefix}-%")})
