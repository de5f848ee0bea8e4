"""A store import split into page jobs (orders/import_pages.py) on real RQ workers, and its cursor.

The worker tests start `bench worker` processes against the test site (testing/site_server.py),
with the jobs earlier test runs left on the queues set aside, and queue the run's job as the hourly
sync does; the reader's job and the page jobs then run on whichever worker is free.
"""

import time
from datetime import datetime, timezone
from unittest.mock import patch

import frappe
from frappe.utils.background_jobs import create_job_id, get_redis_conn
from rq.job import Job

from woocommerce_sync import jobs
from woocommerce_sync.constants import IMPORT_PAGE, ORDER_PAGE_JOB, SYNC_LOG
from woocommerce_sync.orders import import_pages, sync_sales_orders
from woocommerce_sync.orders.sync_sales_orders import enqueue_sync, sync_store
from woocommerce_sync.testing.site_server import queued_jobs_set_aside, run_workers
from woocommerce_sync.tests.utils import StoreTestCase

LATER = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
CURSOR = datetime(2026, 11, 23, 5, 0)
RUN_TIMEOUT = 900


class PageJobTestCase(StoreTestCase):
	def setUp(self):
		super().setUp()
		self.settings.db_set({"last_sync": CURSOR, "sync_overlap_minutes": 0})
		frappe.db.commit()

	def order_ids(self) -> list[str]:
		frappe.db.rollback()  # a fresh snapshot: the workers commit in their own sessions
		return frappe.get_all(
			"Sales Order", filters={"woocommerce_server": self.store}, pluck="woocommerce_id"
		)

	def queue_run(self) -> None:
		self.assertTrue(enqueue_sync(self.store, "Scheduler"))
		frappe.db.commit()

	def wait_for_run(self) -> frappe._dict:
		deadline = time.monotonic() + RUN_TIMEOUT
		while time.monotonic() < deadline:
			frappe.db.rollback()
			log = frappe.db.get_value(
				SYNC_LOG,
				{"store": self.store},
				["name", "status", "created_count", "skipped_count", "failed_count"],
				as_dict=True,
			)
			if log and log.status != "Running":
				return log
			time.sleep(1)
		self.fail(f"the run did not end within {RUN_TIMEOUT} s")

	def page_job_ran(self, sync_log: str, sequence: int) -> bool:
		job_id = create_job_id(jobs.job_id(ORDER_PAGE_JOB, self.store, sync_log, sequence))
		return Job.fetch(job_id, connection=get_redis_conn()).get_status() == "finished"

	def assert_every_order_once(self, made: list[dict]) -> None:
		ids = self.order_ids()
		self.assertEqual(sorted(map(int, ids)), sorted(order["id"] for order in made))
		self.assertEqual(len(ids), len(set(ids)), "an order became two Sales Orders")


class TestPageJobsOnWorkers(PageJobTestCase):
	def test_an_import_split_over_three_workers_creates_every_order_once(self):
		made = self.fake.generate_orders(300, start=LATER)
		with queued_jobs_set_aside(), run_workers(3, queues="long"):
			self.queue_run()
			log = self.wait_for_run()
		self.assertEqual(log.status, "Success")
		self.assertEqual((log.created_count, log.failed_count), (300, 0))
		self.assert_every_order_once(made)
		self.assertTrue(self.page_job_ran(log.name, 1), "no page job ran: the import was not split")
		self.assertFalse(frappe.db.exists(IMPORT_PAGE, {"sync_log": log.name}), "page rows outlived the run")
		self.settings.reload()
		self.assertEqual(str(self.settings.last_sync), made[-1]["date_modified_gmt"].replace("T", " "))
		self.fake.reset_counters()
		again = sync_store(self.store, "Scheduler")
		self.assertEqual((again.counts["created"], again.counts["failed"]), (0, 0))
		self.assertEqual(self.fake.request_count(), 1, "a run with nothing changed costs one request")

	def test_a_worker_killed_mid_page_loses_nothing_and_doubles_nothing(self):
		made = self.fake.generate_orders(250, start=LATER)
		with queued_jobs_set_aside(), run_workers(2, queues="long") as workers:
			self.queue_run()
			victim, sync_log, sequence = self.worker_mid_page(workers, made)
			workers.kill(victim)  # SIGKILL mid-page: its lease runs out, another worker takes it over
			self.assertEqual(
				self.attempts_before_done(sync_log, sequence), 2, "the page was not leased again"
			)
			log = self.wait_for_run()
		self.assertEqual(log.failed_count, 0)
		self.assertEqual(log.created_count + log.skipped_count, 250, "every order is counted once")
		self.assert_every_order_once(made)
		self.assertFalse(frappe.db.exists(IMPORT_PAGE, {"sync_log": log.name}), "page rows outlived the run")

	def worker_mid_page(self, workers, made: list[dict]):
		"""The worker running the first page job, once the page it holds has some of its orders in."""
		deadline = time.monotonic() + RUN_TIMEOUT
		while time.monotonic() < deadline:
			frappe.db.rollback()
			log = frappe.db.get_value(SYNC_LOG, {"store": self.store, "status": "Running"})
			page_job = jobs.job_id(ORDER_PAGE_JOB, self.store, log, 1) if log else None
			worker = workers.running(page_job) if page_job else None
			held = (
				frappe.get_all(
					IMPORT_PAGE,
					filters={
						"sync_log": log,
						"status": "Leased",
						"leased_by": ("like", f"{create_job_id(page_job)}/%"),
					},
					pluck="sequence",
				)
				if worker
				else []
			)
			if held:
				page_orders = {str(order["id"]) for order in made[(held[0] - 1) * 100 : held[0] * 100]}
				if 5 <= len(page_orders.intersection(self.order_ids())) < 90:
					return worker, log, held[0]
			time.sleep(0.2)
		self.fail("no page job was seen importing a page")

	def attempts_before_done(self, sync_log: str, sequence: int) -> int:
		"""How often the page was leased when it was last seen unfinished."""
		attempts = 0
		deadline = time.monotonic() + RUN_TIMEOUT
		while time.monotonic() < deadline:
			frappe.db.rollback()
			row = frappe.db.get_value(
				IMPORT_PAGE,
				{"sync_log": sync_log, "sequence": sequence},
				["status", "attempts"],
				as_dict=True,
			)
			if not row or row.status == "Done":
				return attempts
			attempts = row.attempts
			time.sleep(0.2)
		self.fail("the page was never finished")


class TestCursor(PageJobTestCase):
	def test_the_cursor_never_passes_an_unfinished_page(self):
		made = self.fake.generate_orders(250, start=LATER)
		real_import = sync_sales_orders._import_leased
		seen = []

		def page_one_holder_dies(settings, page, client):
			seen.append((page.sequence, page.attempts))
			if (page.sequence, page.attempts) == (1, 1):
				return  # its worker died holding the lease: the page stays Leased
			if page.sequence == 1:
				# Pages 2 and 3 are finished, page 1 is not: the cursor has not moved.
				self.assertEqual(frappe.db.get_value(self.settings.doctype, self.store, "last_sync"), CURSOR)
				statuses = frappe.get_all(
					IMPORT_PAGE, filters={"sync_log": page.sync_log}, fields=["sequence", "status"]
				)
				self.assertEqual(
					{row.sequence: row.status for row in statuses}, {1: "Leased", 2: "Done", 3: "Done"}
				)
			real_import(settings, page, client)
			if page.sequence == 3:
				# The dead worker's lease runs out now (instead of LEASE_SECONDS later).
				frappe.db.sql(
					f"""update `tab{IMPORT_PAGE}` set lease_until = now() - interval 1 second
					where sync_log = %s and sequence = 1""",
					page.sync_log,
				)
				frappe.db.commit()

		with (
			patch.object(sync_sales_orders, "_import_leased", page_one_holder_dies),
			patch.object(import_pages.PagedRun, "_queue_page_job"),  # the reader alone, no worker
		):
			run = sync_store(self.store, "Scheduler")
		self.assertEqual(seen, [(1, 1), (2, 1), (3, 1), (1, 2)])
		self.assertEqual((run.counts["created"], run.counts["failed"]), (250, 0), run.failures)
		self.assert_every_order_once(made)
		self.settings.reload()
		self.assertEqual(str(self.settings.last_sync), made[-1]["date_modified_gmt"].replace("T", " "))
