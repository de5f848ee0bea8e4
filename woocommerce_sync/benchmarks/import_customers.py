"""Benchmark: import N customer accounts (billing and shipping address each) from the fake store.

Run on a test site (it writes real Customers, Contacts and Addresses):
    bench --site <test site> execute woocommerce_sync.benchmarks.import_customers.run --kwargs "{'customers': 5000}"
Prints requests per customer and customers per second; the figures are what docs/development.md
quotes, never asserted by a timed test.
"""

import time

import frappe

from woocommerce_sync.customers.import_customers import import_store
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import make_importing_settings


def run(customers: int = 5000) -> dict:
	with FakeWooCommerceStore() as fake:
		fake.add_customers(customers, prefix=f"bench-{frappe.generate_hash(length=8)}")
		settings = make_importing_settings(fake, store_name=f"benchmark-{frappe.generate_hash(length=6)}")
		fake.reset_counters()
		started = time.perf_counter()
		result = import_store(settings.name, "Command")
		elapsed = time.perf_counter() - started
		accounts = len(fake.customers)
		figures = {
			"customers": accounts,
			"created": result.counts["created"],
			"updated": result.counts["updated"],
			"failed": result.counts["failed"],
			"list_requests": fake.request_count("GET", "/wp-json/wc/v3/customers"),
			"all_requests": fake.request_count(),
			"requests_per_customer": round(fake.request_count() / accounts, 4),
			"seconds": round(elapsed, 1),
			"customers_per_second": round(accounts / elapsed, 1),
			"sync_log": result.name,
		}
		frappe.db.set_value(settings.doctype, settings.name, "enabled", 0)
		frappe.db.commit()
	for key, value in figures.items():
		print(f"{key:<24}{value}")
	return figures
