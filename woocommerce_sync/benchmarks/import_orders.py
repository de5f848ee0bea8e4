"""Benchmark: import N orders (3 lines, two tax rates, shipping, a coupon) from the fake store.

Run on a test site (it writes real Sales Orders, Customers and Addresses):
    bench --site <test site> execute woocommerce_sync.benchmarks.import_orders.run --kwargs "{'orders': 1000}"
Prints requests per order, SQL statements per order, orders per second and peak memory
(`breakdown=True` also prints the top statement tables, callers and shapes); the figures are what
docs/development.md and the issue notes quote, never asserted by a timed test.
`buyers`: "new" (every order makes its Customer, Contact and Address: a shop's first import) or
"returning" (the same buyers ordered before: their documents exist, as for most of a shop's
everyday orders; the earlier orders are imported first and not measured).
`workers` (a list, e.g. [1, 2, 4]): one round per count on that many RQ workers instead
(benchmarks/import_with_workers.py).
"""

import resource
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

import frappe

from woocommerce_sync.benchmarks.import_with_workers import fresh_orders, run_with_workers
from woocommerce_sync.benchmarks.queries import QueryCounter
from woocommerce_sync.orders.sync_sales_orders import sync_store
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import make_importing_settings

START = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def run(
	orders: int = 1000,
	trace_memory: bool = True,
	breakdown: bool = False,
	workers: list[int] | None = None,
	buyers: str = "new",
) -> dict | list[dict]:
	if workers:
		return run_with_workers(orders, workers)
	if buyers not in ("new", "returning"):
		raise ValueError(f"buyers is 'new' or 'returning', not {buyers!r}")
	tag = frappe.generate_hash(length=6)
	with FakeWooCommerceStore() as fake:
		buyer = f"buyer-{tag}-"
		fresh_orders(fake, orders, START, buyer)  # buyers of this run only: each order makes its Customer
		settings = make_importing_settings(
			fake,
			store_name=f"benchmark-{tag}",
			last_sync=datetime(2026, 11, 23, 7, 0),
			sync_overlap_minutes=0,
		)
		if buyers == "returning":
			sync_store(settings.name, "Command")  # their first orders: not measured
			fresh_orders(fake, orders, START + timedelta(seconds=orders + 60), buyer)
		fake.reset_counters()
		rss_before = _rss_mb()
		if trace_memory:
			tracemalloc.start()
		started = time.perf_counter()
		with QueryCounter(breakdown=breakdown) as queries:
			result = sync_store(settings.name, "Command")
		elapsed = time.perf_counter() - started
		heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else None
		if trace_memory:
			tracemalloc.stop()
		figures = {
			"orders": orders,
			"buyers": buyers,
			"created": result.counts["created"],
			"failed": result.counts["failed"],
			"list_requests": fake.request_count("GET", "/wp-json/wc/v3/orders"),
			"all_requests": fake.request_count(),
			"requests_per_order": round(fake.request_count() / orders, 4),
			"queries_per_order": round(queries.count / orders, 1),
			"seconds": round(elapsed, 1),
			"orders_per_second": round(orders / elapsed, 1),
			"python_heap_peak_mb": round(heap_peak, 1) if heap_peak is not None else None,
			"process_rss_growth_mb": round(_rss_mb() - rss_before, 1),
			"sync_log": result.name,
		}
	for key, value in figures.items():
		print(f"{key:<24}{value}")
	if breakdown:
		print(queries.report())
	return figures


def _rss_mb() -> float:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
