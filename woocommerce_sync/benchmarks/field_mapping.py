"""Benchmark: what a store's field mapping rules cost the order import.

Two fake stores with the same N orders (each with plugin meta: a VAT number, a delivery date,
order attribution; different buyers per store, so neither run finds the other's Customers) are
imported by two stores' settings, one without rules and one with three (Customer tax_id, Sales
Order delivery date, the lines' customer item code from their SKU). Run on a test site (it writes real
Sales Orders):
    bench --site <test site> execute woocommerce_sync.benchmarks.field_mapping.run --kwargs "{'orders': 200}"
Prints seconds per order and queries per order for both; never asserted.
"""

import time
from datetime import datetime, timezone

import frappe

from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import make_importing_settings

START = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
RULES = [
	("Order", "_billing_vat", "Customer", "tax_id"),
	("Order", "_delivery_date", "Sales Order", "delivery_date"),
	("Order Line", "$.sku", "Sales Order Item", "customer_item_code"),
]


def run(orders: int = 200) -> dict:
	figures = {}
	for label, rules in (("without rules", []), ("with 3 rules", RULES)):
		with FakeWooCommerceStore() as fake:
			tag = frappe.generate_hash(length=6)
			made = fake.generate_orders(orders, lines=3, start=START)
			for order in made:
				stored = fake.orders[order["id"]]
				stored["billing"]["email"] = f"fm-{tag}-{order['id']}@example.com"
				stored["meta_data"] = [
					{"id": 1, "key": "_billing_vat", "value": f"DE{order['id']:09d}"},
					{"id": 2, "key": "_delivery_date", "value": "24/12/2026"},
					{"id": 3, "key": "_wc_order_attribution_utm_source", "value": "(direct)"},
				]
			settings = make_importing_settings(fake, store_name=f"benchmark-map-{tag}")
			for source, path, doctype, field in rules:
				settings.append(
					"field_mappings",
					{
						"source": source,
						"woocommerce_path": path,
						"erpnext_doctype": doctype,
						"erpnext_field": field,
						"direction": "Import",
					},
				)
			settings.save()
			frappe.db.commit()
			queries = _QueryCounter()
			started = time.perf_counter()
			result = sync_store(settings.name, "Command", ImportFilters(ids=[o["id"] for o in made]))
			elapsed = time.perf_counter() - started
			figures[label] = {
				"created": result.counts["created"],
				"failed": result.counts["failed"],
				"seconds_per_order": round(elapsed / orders, 3),
				"queries_per_order": round(queries.stop() / orders, 1),
			}
	for label, values in figures.items():
		print(label, values)
	return figures


class _QueryCounter:
	"""Counts frappe.db.sql calls until stop()."""

	def __init__(self):
		self.count = 0
		self.original = frappe.db.sql

		def counted(*args, **kwargs):
			self.count += 1
			return self.original(*args, **kwargs)

		frappe.db.sql = counted

	def stop(self) -> int:
		frappe.db.sql = self.original
		return self.count
