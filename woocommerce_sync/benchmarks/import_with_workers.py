"""Benchmark: the order import on 1, 2, 4... RQ workers, as a shop adds workers and machines.

    bench --site <test site> execute woocommerce_sync.benchmarks.import_orders.run \
        --kwargs "{'orders': 600, 'workers': [1, 2, 4]}"

Each round starts that many `bench worker --queue long` processes against the site
(testing/site_server.py, with the jobs earlier test runs left queued set aside), queues the store's
import as the hourly job does and waits for its Sync Log: the reader's job and the page jobs run on
whichever worker is free. Each round imports its own orders (3 lines, two tax rates, shipping, a
coupon, a buyer no earlier round or run has seen) into a new store record, and prints orders per
second, the speed-up against the first round, queries per order (every job's MariaDB session
Questions, summed per run in Redis by orders/import_pages.py), requests per order, the peak RSS of
each worker (the largest of its process and the work-horses it forks, sampled from /proc) and whether every order
exists exactly once. Figures are printed, never asserted.

With WOOCOMMERCE_SYNC_BENCH_STORE_URL, _KEY and _SECRET set, the rounds import all the orders of that
real store instead, each round into a new store record (requests counted from the Request Log).
"""

import os
import threading
import time
from datetime import datetime, timedelta, timezone

import frappe
from frappe.deferred_insert import save_to_db

from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import REQUEST_LOG, SYNC_LOG
from woocommerce_sync.orders.import_pages import run_queries
from woocommerce_sync.orders.sync_sales_orders import enqueue_sync
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.testing.site_server import queued_jobs_set_aside, run_workers
from woocommerce_sync.tests.utils import get_company, make_importing_settings, make_settings

START = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
REAL_STORE = "WOOCOMMERCE_SYNC_BENCH_STORE_URL"
RUN_TIMEOUT_SECONDS = 3 * 3600
SAMPLE_SECONDS = 0.5


def run_with_workers(orders: int, workers: list[int]) -> list[dict]:
	"""One round per worker count, in the order given."""
	real = os.environ.get(REAL_STORE)
	rounds = []
	with queued_jobs_set_aside() as held:
		print(f"queued jobs of earlier runs set aside: {held}")
		if real:
			for count in workers:
				rounds.append(_round(count, _real_store_settings(real), None, None))
		else:
			with FakeWooCommerceStore() as fake:
				for number, count in enumerate(workers):
					start = START + timedelta(hours=2 * number)  # after the orders of the rounds before
					made = fresh_orders(fake, orders, start)
					settings = make_importing_settings(
						fake,
						store_name=f"benchmark-{frappe.generate_hash(length=6)}",
						last_sync=(start - timedelta(minutes=1)).replace(tzinfo=None),
						sync_overlap_minutes=0,
					)
					fake.reset_counters()
					rounds.append(_round(count, settings, fake, [str(order["id"]) for order in made]))
	first = rounds[0]["orders_per_second"]
	for figures in rounds:
		figures["speed_up"] = round(figures["orders_per_second"] / first, 2) if first else None
		print()
		for key, value in figures.items():
			print(f"{key:<28}{value}")
	return rounds


def _round(count: int, settings, fake: FakeWooCommerceStore | None, expected: list[str] | None) -> dict:
	with run_workers(count, queues="long") as started:
		sampler = _PeakRss([process.pid for process in started.processes])
		began = time.perf_counter()
		enqueue_sync(settings.name, "Command")
		frappe.db.commit()
		log = _wait_for_run(settings.name)
		elapsed = time.perf_counter() - began
		sampler.stop()
	made = frappe.get_all(
		"Sales Order", filters={"woocommerce_server": settings.name}, pluck="woocommerce_id"
	)
	if fake:
		requests = fake.request_count()
	else:
		save_to_db()  # Request Log rows wait in Redis until flushed
		# the run's own: not the tax rates the set-up read
		requests = frappe.db.count(REQUEST_LOG, {"store": settings.name, "endpoint": ("!=", "taxes")})
	return {
		"workers": count,
		"orders": len(expected) if expected is not None else len(made),
		"sync_log": f"{log.name} ({log.status})",
		"created": log.created_count,
		"failed": log.failed_count,
		"every_order_exactly_once": len(made) == len(set(made))
		and (expected is None or sorted(made) == sorted(expected)),
		"seconds": round(elapsed, 1),
		"orders_per_second": round(len(made) / elapsed, 2),
		"queries_per_order": round(run_queries(log.name) / max(len(made), 1), 1),
		"requests_per_order": round(requests / max(len(made), 1), 4),
		"peak_rss_mb_per_worker": sampler.peaks(),
	}


def fresh_orders(
	fake: FakeWooCommerceStore, orders: int, start: datetime, buyer: str | None = None
) -> list[dict]:
	"""The fake store's synthetic orders, with buyers no earlier round or run has seen (or, given
	the `buyer` prefix of an earlier call, the same buyers again)."""
	return fake.generate_orders(
		orders,
		lines=3,
		with_tax=True,
		with_shipping=True,
		with_coupon=True,
		start=start,
		buyer=buyer or f"buyer-{frappe.generate_hash(length=6)}-",
	)


def _real_store_settings(url: str):
	"""A new store record for the environment's real store, set up as the guided first run leaves
	it: each of the store's tax rates on the company's tax account, shipping and fees on its
	income account. No cursor, so it imports every order."""
	company = get_company()
	settings = make_settings(
		None,
		store_name=f"benchmark-real-{frappe.generate_hash(length=6)}",
		store_url=url,
		consumer_key=os.environ["WOOCOMMERCE_SYNC_BENCH_STORE_KEY"],
		consumer_secret=os.environ["WOOCOMMERCE_SYNC_BENCH_STORE_SECRET"],
		shipping_account=company.income_account,
		fee_account=company.income_account,
		cost_center=company.cost_center,
	)
	settings.insert()
	with get_client(settings) as client:
		for tax in client.iter_all("taxes"):
			settings.append("tax_accounts", {"tax_rate_id": tax["id"], "account": company.tax_account})
	settings.save()
	frappe.db.commit()
	return settings


def _wait_for_run(store: str) -> frappe._dict:
	deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
	while time.monotonic() < deadline:
		frappe.db.rollback()  # a fresh snapshot: the workers commit in their own sessions
		log = frappe.db.get_value(
			SYNC_LOG, {"store": store}, ["name", "status", "created_count", "failed_count"], as_dict=True
		)
		if log and log.status != "Running":
			return log
		time.sleep(1)
	raise TimeoutError(f"the import of {store} did not end within {RUN_TIMEOUT_SECONDS} s")


class _PeakRss:
	"""The peak resident memory of each worker: its process and the work-horses it forks per job
	(the largest of them), sampled from /proc."""

	def __init__(self, workers: list[int]):
		self.peak_kb = dict.fromkeys(workers, 0)
		self._stop = threading.Event()
		self._thread = threading.Thread(target=self._sample, daemon=True)
		self._thread.start()

	def stop(self) -> None:
		self._stop.set()
		self._thread.join()

	def peaks(self) -> list[float]:
		return [round(kb / 1024, 1) for kb in self.peak_kb.values()]

	def _sample(self) -> None:
		while not self._stop.wait(SAMPLE_SECONDS):
			for pid in os.listdir("/proc"):
				if pid.isdigit():
					self._note(pid)

	def _note(self, pid: str) -> None:
		try:
			with open(f"/proc/{pid}/stat") as stat:
				_state, parent, _group, session = stat.read().rsplit(")", 1)[1].split()[:4]
			# The worker is its session's leader; RQ forks each work-horse into a session of its own.
			worker = next((w for w in (int(session), int(parent)) if w in self.peak_kb), None)
			if worker is None:
				return
			with open(f"/proc/{pid}/status") as status:
				peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
		except (OSError, ValueError, IndexError, StopIteration):
			return  # the process ended meanwhile
		self.peak_kb[worker] = max(self.peak_kb[worker], peak)
