"""Benchmark: a burst of signed order webhooks through gunicorn, as a busy shop sends them.

Run on a test site whose MariaDB and Redis are up (it writes real Sales Orders and starts its own
gunicorn and RQ workers, then stops them):
    bench --site <test site> execute woocommerce_sync.benchmarks.webhook_burst.run \\
        --kwargs "{'deliveries': 500, 'concurrency': 50}"
A tenth of the deliveries repeat an order already sent (exact redeliveries and order.updated
twins), shuffled in. Prints the answer times (median, p99, max), how long the queue took to
turn every delivery into a Sales Order, requests to the store per order, and whether every order
has exactly one Sales Order with WooCommerce's total. Figures are quoted, never asserted.
"""

import random
import resource
import statistics
import time

import frappe

from woocommerce_sync.benchmarks.outcome import compare, live_sales_orders
from woocommerce_sync.constants import WEBHOOK_DELIVERY
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.testing.site_server import run_workers, serve_site
from woocommerce_sync.testing.webhook_sender import ENDPOINT, percentile, post_all, signed_delivery
from woocommerce_sync.tests.utils import make_importing_settings

SECRET = "benchmark-secret"
DRAIN_TIMEOUT = 1800


def run(
	deliveries: int = 500,
	concurrency: int = 50,
	web_workers: int | None = None,
	job_workers: int = 2,
	seed: int = 7,
) -> dict:
	if job_workers < 1:
		raise ValueError("job_workers must be at least 1, or the queue never drains")
	web_workers = web_workers or frappe.conf.get("gunicorn_workers") or 4
	unique = deliveries - deliveries // 10
	with FakeWooCommerceStore() as fake:
		orders = fake.generate_orders(
			unique, lines=3, with_tax=True, with_shipping=True, with_coupon=True, status="processing"
		)
		settings = make_importing_settings(
			fake, store_name=f"benchmark-{frappe.generate_hash(length=6)}", webhook_secret=SECRET
		)
		frappe.db.commit()
		burst = _burst(orders, deliveries, random.Random(seed))
		with serve_site(workers=web_workers) as url, run_workers(job_workers, queues="short"):
			fake.reset_counters()
			started = time.perf_counter()
			answers = post_all(f"{url}{ENDPOINT}?store={settings.name}", burst, concurrency)
			answered = time.perf_counter() - started
			drained = _wait_for_queue(settings.name) - started
		store_requests = fake.request_count()
	latencies = sorted(ms for _, ms in answers)
	made = live_sales_orders(settings.name)
	outcome = compare({o["id"]: o["total"] for o in orders}, made)
	figures = {
		"deliveries": deliveries,
		"distinct_orders": unique,
		"concurrency": concurrency,
		"gunicorn_workers": web_workers,
		"rq_workers": job_workers,
		"http_200": sum(1 for status, _ in answers if status == 200),
		"http_other": sum(1 for status, _ in answers if status != 200),
		"answer_median_ms": round(statistics.median(latencies), 1),
		"answer_p99_ms": round(percentile(latencies, 0.99), 1),
		"answer_max_ms": round(latencies[-1], 1),
		"burst_seconds": round(answered, 1),
		"all_imported_after_s": round(drained, 1),
		"orders_per_second": round(unique / drained, 1),
		"store_requests_per_order": round(store_requests / unique, 2),
		"sales_orders": sum(len(names) for names in made.values()),
		"orders_missing": outcome["missing"],
		"orders_doubled": outcome["doubled"],
		"totals_differing": outcome["totals_differing"],
		"deliveries_not_processed": frappe.db.count(
			WEBHOOK_DELIVERY, {"store": settings.name, "status": ("!=", "Processed")}
		),
		"peak_rss_of_a_server_or_worker_mb": round(
			resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
		),
		"store": settings.name,
	}
	for key, value in figures.items():
		print(f"{key:<36}{value}")
	return figures


def _burst(orders: list[dict], size: int, rng: random.Random) -> list[tuple[dict, bytes]]:
	"""One order.created per order, then repeats: half exact redeliveries, half order.updated."""
	first = [signed_delivery(SECRET, "order.created", order, f"created-{order['id']}") for order in orders]
	repeats = []
	for n, order in enumerate(rng.sample(orders, size - len(orders))):
		if n % 2:
			repeats.append(first[orders.index(order)])
		else:
			repeats.append(signed_delivery(SECRET, "order.updated", order, f"updated-{order['id']}"))
	burst = first + repeats
	rng.shuffle(burst)
	return burst


def _wait_for_queue(store: str) -> float:
	deadline = time.monotonic() + DRAIN_TIMEOUT
	while time.monotonic() < deadline:
		frappe.db.rollback()  # a fresh snapshot of what the workers committed
		if not frappe.db.count(WEBHOOK_DELIVERY, {"store": store, "status": "Queued"}):
			break
		time.sleep(0.5)
	return time.perf_counter()
