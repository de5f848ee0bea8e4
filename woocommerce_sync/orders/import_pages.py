"""The pages of a running order import, stored so that any worker can import them.

The run's job (the reader) reads the store's pages as one job always did (core/order_feed.py:
keyset by date_modified, one request per 100 orders, the next page read while one imports) and
stores each as a WooCommerce Import Page row. Page jobs on the long queue, on any worker of any
machine that shares the site's database and Redis, lease pages and import them; the reader imports
pages too while it waits, so a single worker still does everything.

- Lease: one UPDATE takes the run's first page that is Queued or whose lease ran out, so two
  workers never hold a page at once. It is renewed between orders and runs out LEASE_SECONDS after
  its worker died (SIGKILL, out of memory, machine lost); the page is then leased again, and after
  MAX_ATTEMPTS its orders fail with retry rows instead. Lease times are the database's NOW(), so
  machines whose clocks differ agree.
- Bounded: at most MAX_UNFINISHED pages of a run are stored at once (backpressure on the reader);
  an imported page keeps only its results.
- Order: the reader takes finished pages in sequence, only their contiguous prefix: adds their
  counts and failures to the run's Sync Log, moves the cursor to their newest date and deletes
  them. A page finished out of order waits for those before it.
"""

import base64
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import frappe
from frappe.utils import now_datetime

from woocommerce_sync import jobs
from woocommerce_sync.constants import IMPORT_PAGE, ORDER_PAGE_JOB, ORDERS_OPERATION, SYNC_LOG
from woocommerce_sync.dates import naive_utc
from woocommerce_sync.runs import LONGEST_JOB, SyncRun, current_job_id

LEASE_SECONDS = 90
RENEW_AFTER_SECONDS = 15
MAX_ATTEMPTS = 3  # leases of one page; a page whose workers keep dying fails its orders
MAX_UNFINISHED = 8  # stored pages of one run, imported or not yet taken by the reader
WAIT_SECONDS = 0.5  # the reader's pause while other workers hold every unfinished page
FINISHED = ("Done", "Failed")
PAGE_JOB = "woocommerce_sync.orders.sync_sales_orders.import_queued_pages"
QUERIES_KEY = "woocommerce_sync:run_queries:"


@dataclass
class LeasedPage:
	name: str
	sync_log: str
	store: str
	sequence: int
	token: str
	attempts: int
	params: dict
	orders: list[dict]
	renewed: float = field(default_factory=time.monotonic)

	@property
	def exhausted(self) -> bool:
		"""Leased more often than workers should die on one page: its orders fail and are retried."""
		return self.attempts > MAX_ATTEMPTS


class PagedRun:
	"""The reader's side of one run: store pages, import them itself while it must wait, and hand
	the finished prefix to `settle` (one finished row at a time, in sequence)."""

	def __init__(
		self,
		sync_log: str,
		store: str,
		params: dict,
		work: Callable[[LeasedPage], None],
		settle: Callable[[frappe._dict], None],
	):
		self.sync_log = sync_log
		self.store = store
		self.params = params
		self.work = work
		self.settle = settle
		self.stored = 0
		self.settled = 0
		self.unqueued: int | None = None  # the last page stored, queued once the next one shows up

	def add(self, orders: list[dict], newest_modified: datetime | None) -> None:
		while self.stored - self.settled >= MAX_UNFINISHED:
			self.import_or_wait()
		self.stored += 1
		_store(self.sync_log, self.store, self.stored, orders, newest_modified, self.params)
		if self.unqueued:
			# More than one page: another worker may take the one before while this one waits.
			self._queue_page_job(self.unqueued)
		self.unqueued = self.stored

	def finish(self) -> None:
		"""Import or wait until every stored page is finished and settled."""
		while self.settled < self.stored:
			self.import_or_wait()

	def import_or_wait(self) -> None:
		page = lease(self.sync_log)
		if page:
			self.work(page)
		else:
			time.sleep(WAIT_SECONDS)
		prefix = finished_prefix(self.sync_log, self.settled + 1)
		for row in prefix:
			self.settle(row)
			frappe.db.delete(IMPORT_PAGE, {"name": row.name})
			frappe.db.commit()
			self.settled += 1
		if not (page or prefix) and not frappe.db.exists(IMPORT_PAGE, {"sync_log": self.sync_log}):
			# Only a run taken for dead loses its pages (the store's next run deletes them): waiting
			# would never end. What they held is read again by the next run.
			raise RuntimeError(f"the pages of run {self.sync_log} were removed before they were imported")

	def _queue_page_job(self, sequence: int) -> None:
		jobs.enqueue(
			PAGE_JOB,
			jobs.job_id(ORDER_PAGE_JOB, self.store, self.sync_log, sequence),
			timeout=int(LONGEST_JOB.total_seconds()),
			store=self.store,
			sync_log=self.sync_log,
		)
		frappe.db.commit()  # the job is queued after the commit


def _store(
	sync_log: str,
	store: str,
	sequence: int,
	orders: list[dict],
	newest_modified: datetime | None,
	params: dict,
) -> None:
	frappe.get_doc(
		{
			"doctype": IMPORT_PAGE,
			"sync_log": sync_log,
			"store": store,
			"sequence": sequence,
			"status": "Queued",
			"attempts": 0,
			"newest_modified": naive_utc(newest_modified) if newest_modified else None,
			"order_count": len(orders),
			"params": json.dumps(params),
			"orders": _pack(orders),
		}
	).db_insert()
	frappe.db.commit()


def lease(sync_log: str) -> LeasedPage | None:
	"""The run's first page that is Queued or whose lease ran out, leased to this worker; committed."""
	# The holder's job id, so a person (or a test) can tell which worker holds which page.
	token = f"{current_job_id() or 'no job'}/{frappe.generate_hash(length=10)}"
	frappe.db.sql(
		f"""
		update `tab{IMPORT_PAGE}`
		set status = 'Leased', leased_by = %(token)s, attempts = attempts + 1, modified = %(now)s,
			lease_until = now() + interval %(lease)s second
		where sync_log = %(sync_log)s
			and (status = 'Queued' or (status = 'Leased' and lease_until < now()))
		order by sequence
		limit 1
		""",
		{"token": token, "now": now_datetime(), "lease": LEASE_SECONDS, "sync_log": sync_log},
	)
	rows = frappe.db.sql(
		f"""select name, store, sequence, attempts, params, orders from `tab{IMPORT_PAGE}`
		where leased_by = %s and status = 'Leased'""",
		(token,),
		as_dict=True,
	)
	frappe.db.commit()
	if not rows:
		return None
	row = rows[0]
	return LeasedPage(
		row.name,
		sync_log,
		row.store,
		row.sequence,
		token,
		row.attempts,
		json.loads(row.params),
		_unpack(row.orders),
	)


def renew(page: LeasedPage) -> None:
	"""Keep the lease while the worker lives: called between orders, committed at once, so only
	outside an order's transaction (nothing written since the last commit)."""
	if time.monotonic() - page.renewed < RENEW_AFTER_SECONDS or frappe.db.transaction_writes:
		return
	frappe.db.sql(
		f"""update `tab{IMPORT_PAGE}` set lease_until = now() + interval %s second
		where name = %s and leased_by = %s""",
		(LEASE_SECONDS, page.name, page.token),
	)
	frappe.db.commit()
	page.renewed = time.monotonic()


def finish(page: LeasedPage, results: dict, status: str = "Done") -> bool:
	"""Store the page's results unless its lease went to another worker meanwhile (then False:
	that worker's results count). The orders are dropped: the results are all the run needs."""
	holder = frappe.db.sql(f"select leased_by from `tab{IMPORT_PAGE}` where name = %s for update", page.name)
	ours = bool(holder) and holder[0][0] == page.token
	if ours:
		frappe.db.sql(
			f"""update `tab{IMPORT_PAGE}`
			set status = %s, results = %s, orders = null, lease_until = null, modified = %s
			where name = %s""",
			(status, json.dumps(results, default=str), now_datetime(), page.name),
		)
	frappe.db.commit()
	return ours


def finished_prefix(sync_log: str, first: int) -> list[frappe._dict]:
	"""The finished pages from sequence `first` on, as far as they follow one another."""
	rows = frappe.db.sql(
		f"""select name, sequence, status, newest_modified, results from `tab{IMPORT_PAGE}`
		where sync_log = %s and sequence >= %s order by sequence""",
		(sync_log, first),
		as_dict=True,
	)
	prefix = []
	for row in rows:
		if row.sequence != first + len(prefix) or row.status not in FINISHED:
			break
		row.results = json.loads(row.results or "{}")
		prefix.append(row)
	return prefix


def clean_stale(store: str) -> None:
	"""Pages of the store's runs that ended (or were interrupted) without taking them."""
	names = frappe.db.sql_list(
		f"""select page.name from `tab{IMPORT_PAGE}` page
		left join `tab{SYNC_LOG}` log on log.name = page.sync_log
		where page.store = %s and (log.name is null or log.status != 'Running')""",
		(store,),
	)
	if names:
		frappe.db.delete(IMPORT_PAGE, {"name": ("in", names)})
		frappe.db.commit()


class PagePart(SyncRun):
	"""The part of a run that one leased page is: counts into the run's Sync Log through the page's
	row, and renews the lease between orders (each count or failure follows an order)."""

	def __init__(self, page: LeasedPage, dry_run: bool):
		super().__init__(
			page.store, None, "order sync", dry_run=dry_run, operation=ORDERS_OPERATION, log=page.sync_log
		)
		self.page = page

	def count(self, outcome: str) -> None:
		super().count(outcome)
		renew(self.page)

	def fail(self, *args, **kwargs) -> None:
		super().fail(*args, **kwargs)
		renew(self.page)


def session_queries() -> int:
	"""Queries this database session has sent so far (MariaDB's session Questions)."""
	return int(frappe.db.sql("show session status like 'Questions'")[0][1])


def add_queries(sync_log: str, count: int) -> None:
	"""Add a job's queries to its run's tally in Redis: what a run cost over all the workers that
	took part, whatever machine they run on (the import benchmark's queries per order)."""
	key = frappe.cache.make_key(QUERIES_KEY + sync_log)
	frappe.cache.incrby(key, count)
	frappe.cache.expire(key, 86400)


def run_queries(sync_log: str) -> int:
	return int(frappe.cache.get(frappe.cache.make_key(QUERIES_KEY + sync_log)) or 0)


def _pack(orders: list[dict]) -> str:
	return base64.b64encode(zlib.compress(json.dumps(orders).encode(), 6)).decode()


def _unpack(text: str | None) -> list[dict]:
	return json.loads(zlib.decompress(base64.b64decode(text))) if text else []
