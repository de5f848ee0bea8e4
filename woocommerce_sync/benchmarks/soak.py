"""Benchmark: a soak. Orders arrive by webhook and by the hourly sync at once, from a flaky store,
some of them malformed, and one worker dies mid-page. Does every good order get in, once?

Run on a test site (it writes real Sales Orders, and starts and stops its own gunicorn and RQ
workers):
    bench --site <test site> execute woocommerce_sync.benchmarks.soak.run --kwargs "{'orders': 1000}"

- The orders reach the fake store in waves over `arrival_seconds`, each stamped with the moment
  it arrives, as new orders are; `webhook_share` of them (and every malformed one) is delivered
  by a signed webhook through gunicorn, a tenth of those twice (order.created, then
  order.updated). The others only the hourly sync finds.
- Every `hour_seconds` the scheduler's order sync job for the store is enqueued (the job the
  hourly event queues: import, then the two-way pass); workers take the short and long queues.
- The store answers `fault_rate` of all calls with a 500, a 503, a 429 with Retry-After, no
  answer past the client's read timeout, or a JSON body cut short.
- `malformed_share` of the orders is malformed (a few percent): meta_data that is not a list, a
  5,000-digit integer, a creation date out of range, no date_modified_gmt.
- Once the sync job has been importing for `kill_after_seconds`, its worker is killed (SIGKILL,
  work-horse too) and a replacement started.

It stops when every good order has a Sales Order, or at `time_limit_minutes`, and prints: good
orders lost (no Sales Order), orders duplicated (more than one live Sales Order), grand totals
that differ from the store's, malformed orders failed with a reason (a Sync Log failure row or a
retry entry names them) or without one, minutes until every good order was in, requests to the
store per order, 5xx seen by the store's caller and by WooCommerce's webhooks, then the secret
scan. Figures are printed, never asserted.
"""

import contextlib
import itertools
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import frappe
from frappe.deferred_insert import save_to_db
from frappe.utils import now_datetime
from frappe.utils.background_jobs import is_job_enqueued

from woocommerce_sync import jobs
from woocommerce_sync.benchmarks.outcome import compare, live_sales_orders
from woocommerce_sync.benchmarks.secret_scan import print_hits, scan
from woocommerce_sync.constants import ORDER_SYNC_JOB, SYNC_LOG, WEBHOOK_DELIVERY
from woocommerce_sync.orders import retries
from woocommerce_sync.orders.sync_sales_orders import enqueue_sync
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.testing.site_server import Workers, queued_jobs_set_aside, run_workers, serve_site
from woocommerce_sync.testing.webhook_sender import ENDPOINT, post_all, signed_delivery
from woocommerce_sync.tests.utils import make_importing_settings

SECRET = "soak-webhook-secret"
HOURLY_JOB = "woocommerce_sync.orders.sales_order_to_woocommerce.sync_both_ways"
TRIGGER = "Scheduler"
STORE_FAULTS = (
	{"kind": "status", "code": 500},
	{"kind": "status", "code": 503},
	{"kind": "rate_limit", "retry_after": 1},
	{"kind": "timeout", "seconds": 31},  # past the client's 30 s read timeout
	{"kind": "truncated"},
)
HUGE_INTEGER = 10**5000 - 1  # 5,000 digits; Python refuses to parse more than 4,300 by default
SETTLE_SECONDS = 120  # after the last good order: let the running jobs end and write their logs


def _meta_data_not_a_list(order: dict) -> None:
	order["meta_data"] = 5


def _huge_integer(order: dict) -> None:
	order["customer_id"] = HUGE_INTEGER


def _date_out_of_range(order: dict) -> None:
	order["date_created"] = order["date_created_gmt"] = "9999-12-31T23:59:59"


def _no_modified_date(order: dict) -> None:
	del order["date_modified_gmt"]


MALFORMED = {
	"meta_data is not a list": _meta_data_not_a_list,
	"a 5,000-digit integer": _huge_integer,
	"creation date out of range": _date_out_of_range,
	"no date_modified_gmt": _no_modified_date,
}


def run(
	orders: int = 1000,
	malformed_share: float = 0.03,
	fault_rate: float = 0.10,
	webhook_share: float = 0.8,
	arrival_seconds: int = 120,
	hour_seconds: int = 30,
	kill_after_seconds: float = 3,
	job_workers: int = 3,
	web_workers: int | None = None,
	concurrency: int = 8,
	time_limit_minutes: float = 20,
	seed: int = 7,
) -> dict:
	rng = random.Random(seed)
	started_at = now_datetime()
	with _any_integer_in_json(), FakeWooCommerceStore() as fake:
		arrivals = fake.generate_orders(orders, lines=3, status="processing")
		with fake.lock:  # they reach the store later, in waves
			for order in arrivals:
				del fake.orders[order["id"]]
		spoiled = {
			order["id"]: kind
			for order, kind in zip(
				rng.sample(arrivals, max(len(MALFORMED), round(orders * malformed_share))),
				itertools.cycle(MALFORMED),
			)
		}
		settings = make_importing_settings(
			fake,
			store_name=f"soak-{frappe.generate_hash(length=6)}",
			webhook_secret=SECRET,
			last_sync=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=1),
		)
		store = settings.name
		frappe.db.commit()
		fake.inject_random_faults(fault_rate, list(STORE_FAULTS), seed=seed)
		soak = Soak(fake, store, spoiled, rng, webhook_share, concurrency)
		web_workers = web_workers or frappe.conf.get("gunicorn_workers") or 4
		with (
			queued_jobs_set_aside() as held,
			serve_site(workers=web_workers) as url,
			run_workers(job_workers, queues="short,default,long") as workers,
		):
			soak.url = f"{url}{ENDPOINT}?store={store}"
			soak.go(arrivals, arrival_seconds, hour_seconds, kill_after_seconds, workers, time_limit_minutes)
		fake.clear_faults()
		store_requests = fake.request_count()
		faults = dict(fake.faults_served)
	save_to_db()  # the Request Log rows the workers queued in Redis
	frappe.db.commit()
	figures = {**soak.figures(orders, store_requests, faults), "stale jobs set aside": held}
	for key, value in figures.items():
		print(f"{key:<44}{value}")
	print_hits(scan(started_at))
	return figures


class Soak:
	def __init__(
		self,
		fake: FakeWooCommerceStore,
		store: str,
		spoiled: dict[int, str],
		rng: random.Random,
		webhook_share: float,
		concurrency: int,
	):
		self.fake, self.store, self.spoiled, self.rng = fake, store, spoiled, rng
		self.webhook_share, self.concurrency = webhook_share, concurrency
		self.url = ""
		self.totals: dict[int, str] = {}  # good orders, as the store has them
		self.answers: Counter = Counter()
		self.deliveries = 0
		self.hourly_enqueued = self.hourly_dropped = 0
		self.killed: str | None = None
		self.all_in_after: float | None = None

	def go(
		self,
		arrivals: list[dict],
		arrival_seconds: float,
		hour_seconds: float,
		kill_after_seconds: float,
		workers: Workers,
		time_limit_minutes: float,
	) -> None:
		"""One loop: release the waves that are due, the hourly job, the kill; until all are in."""
		started = time.monotonic()
		deadline = started + time_limit_minutes * 60
		wave = max(1, round(len(arrivals) * 2 / max(arrival_seconds, 2)))  # a wave every 2 s
		waiting = list(arrivals)
		next_wave = next_hour = started
		sync_job = jobs.job_id(ORDER_SYNC_JOB, self.store, TRIGGER)
		busy_since: float | None = None
		while time.monotonic() < deadline:
			now = time.monotonic()
			if waiting and now >= next_wave:
				self.arrive(waiting[:wave])
				waiting = waiting[wave:]
				next_wave = now + 2
			if now >= next_hour:
				self.hourly()
				next_hour = now + hour_seconds
			if not self.killed:
				busy = workers.running(sync_job)
				busy_since = (busy_since or now) if busy else None
				if busy and now - busy_since >= kill_after_seconds:
					workers.kill(busy)
					workers.start()
					self.killed = f"after {now - started:.0f} s, {now - busy_since:.0f} s into the sync job"
			if not waiting and self.good_orders_in():
				self.all_in_after = time.monotonic() - started
				break
			time.sleep(1)
		self.settle(sync_job, min(deadline + SETTLE_SECONDS, time.monotonic() + SETTLE_SECONDS))

	def arrive(self, orders: list[dict]) -> None:
		"""The orders are placed in the store now; most are announced by webhook."""
		batch = []
		for order in orders:
			kind = self.spoiled.get(order["id"])
			placed = self.fake.add_order({**order, "date_created_gmt": None})  # stamped now
			if kind:
				with self.fake.lock:
					MALFORMED[kind](self.fake.orders[order["id"]])
					placed = dict(self.fake.orders[order["id"]])
			else:
				self.totals[order["id"]] = placed["total"]
			if kind or self.rng.random() < self.webhook_share:
				batch.append(signed_delivery(SECRET, "order.created", placed, f"created-{order['id']}"))
				if self.rng.random() < 0.1:
					batch.append(signed_delivery(SECRET, "order.updated", placed, f"updated-{order['id']}"))
		self.deliveries += len(batch)
		self.answers.update(status for status, _ms in post_all(self.url, batch, self.concurrency))

	def hourly(self) -> None:
		"""What the hourly scheduler event does for this store (only this one: the test site holds
		many stale stores)."""
		if enqueue_sync(self.store, TRIGGER, method=HOURLY_JOB):
			self.hourly_enqueued += 1
		else:
			self.hourly_dropped += 1  # the last one is still queued or running
		frappe.db.commit()  # the job is queued after the commit

	def good_orders_in(self) -> bool:
		frappe.db.rollback()  # a fresh snapshot of what the workers committed
		made = live_sales_orders(self.store)
		return all(str(order_id) in made for order_id in self.totals)

	def settle(self, sync_job: str, until: float) -> None:
		"""Let the jobs still queued or running end, so their Sync Logs have their failure rows."""
		while time.monotonic() < until and (
			is_job_enqueued(sync_job)
			or frappe.db.count(WEBHOOK_DELIVERY, {"store": self.store, "status": "Queued"})
		):
			time.sleep(2)
			frappe.db.rollback()

	def figures(self, orders: int, store_requests: int, faults: dict[str, int]) -> dict:
		frappe.db.rollback()
		made = live_sales_orders(self.store)
		outcome = compare(self.totals, made)
		everything = compare({order_id: "0" for order_id in (*self.totals, *self.spoiled)}, made)
		named = _failures_named(self.store) | _retry_ids(self.store)
		malformed_in = [i for i in self.spoiled if str(i) in made]
		with_reason = [i for i in self.spoiled if i in named and str(i) not in made]
		return {
			"orders": orders,
			"good orders": len(self.totals),
			"malformed orders": ", ".join(f"{n} {k}" for k, n in Counter(self.spoiled.values()).items()),
			"good orders in": len(self.totals) - outcome["missing"],
			"lost (good, no Sales Order)": outcome["missing"],
			"duplicated (>1 live Sales Order)": everything["doubled"],
			"grand totals differing from the store": outcome["totals_differing"],
			"malformed failed with reason": len(with_reason),
			"malformed failed without reason": len(self.spoiled) - len(with_reason) - len(malformed_in),
			"malformed imported anyway": len(malformed_in),
			"minutes until every good order was in": round(self.all_in_after / 60, 1)
			if self.all_in_after is not None
			else "not within the time limit",
			"store requests": store_requests,
			"store requests per order": round(store_requests / orders, 2),
			"store faults injected": faults,
			"5xx answered by the store": sum(n for kind, n in faults.items() if kind.startswith("5")),
			"webhook deliveries sent": self.deliveries,
			"webhook answers by status": dict(sorted(self.answers.items())),
			"5xx answered to webhooks": sum(n for status, n in self.answers.items() if status >= 500),
			"hourly jobs enqueued / dropped as running": f"{self.hourly_enqueued} / {self.hourly_dropped}",
			"worker killed (SIGKILL)": self.killed or "no: the sync job never ran long enough",
			"sync logs by status": _run_statuses(self.store),
			"store": self.store,
		}


def _failures_named(store: str) -> set[int]:
	"""Orders a Sync Log failure row of the store names."""
	failure = frappe.qb.DocType("WooCommerce Sync Log Failure")
	log = frappe.qb.DocType(SYNC_LOG)
	rows = (
		frappe.qb.from_(failure)
		.join(log)
		.on(failure.parent == log.name)
		.select(failure.woocommerce_order_id)
		.distinct()
		.where(log.store == store)
	).run(pluck=True)
	return {int(value) for value in rows if str(value).isdigit()}


def _retry_ids(store: str) -> set[int]:
	"""The store's orders waiting for a retry (their WooCommerce Order Retry rows)."""
	return set(retries.pending_ids(store))


def _run_statuses(store: str) -> dict[str, int]:
	return dict(Counter(frappe.get_all(SYNC_LOG, filters={"store": store}, pluck="status")))


@contextlib.contextmanager
def _any_integer_in_json() -> Iterator[None]:
	"""Let this process (the fake store) write a 5,000-digit integer; the site's workers still
	read with Python's default limit, as a real site does."""
	limit = sys.get_int_max_str_digits()
	sys.set_int_max_str_digits(0)
	try:
		yield
	finally:
		sys.set_int_max_str_digits(limit)
