"""One Sync Log lifecycle: how a run ends, what a failure leaves in the Error Log, and which
Running logs the next run of a store ends Interrupted."""

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from woocommerce_sync import runs
from woocommerce_sync.connection import explain
from woocommerce_sync.core.client import WooCommerceAuthError
from woocommerce_sync.orders.sales_order_to_woocommerce import TwoWayPass, sync_with_woocommerce
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, OrderImporter, sync_store
from woocommerce_sync.products.mapping import map_products
from woocommerce_sync.products.push import push_items
from woocommerce_sync.runs import SYNC_LOG, sync_run
from woocommerce_sync.tests import test_two_way
from woocommerce_sync.tests.product_utils import ProductStoreTestCase, paired_items
from woocommerce_sync.tests.utils import make_settings, run_concurrently

DEAD_JOB = "wcsync-test.localhost::woocommerce-sync-orders::no-such-job"


def record_sync_log_of_a_job(store: str) -> None:
	"""Run in a background job by a test: a run that records the job running it."""
	with sync_run(store, "Scheduler", "test run") as run:
		frappe.flags.woocommerce_test_sync_log = run.name


def latest_log(store: str) -> frappe._dict:
	return frappe.get_all(
		SYNC_LOG,
		filters={"store": store},
		fields=["name", "status", "notes", "ended"],
		order_by="creation desc",
		limit=1,
	)[0]


class RunTestCase(FrappeTestCase):
	def setUp(self):
		self.store = make_settings(enabled=0).insert().name
		frappe.db.commit()

	def running_log(self, store: str | None = None, job_id: str | None = None, age=timedelta(0)) -> str:
		"""A Sync Log left Running by a run that is not this test's."""
		log = frappe.get_doc(
			{
				"doctype": SYNC_LOG,
				"store": store or self.store,
				"trigger": "Scheduler",
				"status": "Running",
				"started": now_datetime() - age,
				"job_id": job_id,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return log.name

	def status(self, name: str) -> str:
		return frappe.db.get_value(SYNC_LOG, name, "status")


class TestRunEnds(RunTestCase):
	def test_an_unexpected_error_fails_the_run_keeps_the_traceback_and_is_raised(self):
		with self.assertRaises(ValueError), sync_run(self.store, "Manual", "test run") as run:
			raise ValueError("the body broke")
		log = frappe.get_doc(SYNC_LOG, run.name)
		self.assertEqual(log.status, "Failed")
		self.assertTrue(log.ended)
		error_log = frappe.get_all(
			"Error Log",
			filters={"reference_doctype": SYNC_LOG, "reference_name": run.name},
			fields=["name", "method", "error"],
		)
		self.assertEqual(len(error_log), 1)
		self.assertIn("unexpected error", log.notes)
		self.assertIn(error_log[0].name, log.notes)
		self.assertIn(self.store, error_log[0].method)
		self.assertIn("Traceback", error_log[0].error)
		self.assertIn("the body broke", error_log[0].error)

	def test_a_store_error_fails_the_run_with_the_plain_reason(self):
		error = WooCommerceAuthError("401 Unauthorized", store=self.store, status_code=401)
		with sync_run(self.store, "Manual", "test run") as run:
			raise error
		log = frappe.get_doc(SYNC_LOG, run.name)
		self.assertEqual(log.status, "Failed")
		self.assertEqual(run.error, explain(error))
		self.assertIn(explain(error), log.notes)
		self.assertNotIn("Traceback", log.notes)
		self.assertTrue(
			frappe.db.exists("Error Log", {"reference_doctype": SYNC_LOG, "reference_name": run.name})
		)

	def test_a_store_error_is_raised_when_the_caller_retries_itself(self):
		error = WooCommerceAuthError("401 Unauthorized", store=self.store, status_code=401)
		with self.assertRaises(WooCommerceAuthError):
			with sync_run(self.store, "Manual", "test run", raise_store_errors=True) as run:
				raise error
		self.assertEqual(self.status(run.name), "Failed")

	def test_a_failure_links_to_its_traceback_which_outlives_the_next_rollback(self):
		with sync_run(self.store, "Manual", "test run") as run:
			try:
				raise ValueError("order 7 broke")
			except ValueError:
				frappe.db.rollback()
				run.fail(7, "order 7 broke")
				run.fail(8, "the same error failed order 8 too")
			frappe.db.rollback()  # the next order's rollback
			run.fail(9, "a failure without an exception")
		log = frappe.get_doc(SYNC_LOG, run.name)
		self.assertEqual(log.status, "Partial Failure")
		first, second, third = log.failures
		self.assertTrue(first.error_log)
		self.assertEqual(second.error_log, first.error_log, "one exception, one Error Log")
		self.assertFalse(third.error_log)
		error = frappe.db.get_value("Error Log", first.error_log, ["method", "error"], as_dict=True)
		self.assertIn("Traceback", error.error)
		self.assertIn("order 7 broke", error.error)
		self.assertIn("order 7", error.method)


class TestInterruptedRuns(RunTestCase):
	def open_run(self) -> str:
		with sync_run(self.store, "Manual", "test run") as run:
			pass
		return run.name

	def test_a_run_whose_job_rq_does_not_know_is_interrupted_by_the_next_run(self):
		dead = self.running_log(job_id=DEAD_JOB)
		self.open_run()
		log = frappe.get_doc(SYNC_LOG, dead)
		self.assertEqual(log.status, "Interrupted")
		self.assertTrue(log.ended)
		self.assertIn(DEAD_JOB, log.notes)

	def test_the_run_of_a_live_job_is_left_alone(self):
		job = frappe.enqueue(
			"frappe.ping", queue="short", job_id=f"woocommerce-test-{frappe.generate_hash()}"
		)
		self.addCleanup(job.delete)
		self.assertEqual(job.get_status(), "queued")  # the test site runs no worker
		live = self.running_log(job_id=job.id)
		self.open_run()
		self.assertEqual(self.status(live), "Running")

	def test_a_job_reusing_the_id_of_a_dead_run_ends_that_run(self):
		job = frappe.enqueue(
			"frappe.ping", queue="short", job_id=f"woocommerce-test-{frappe.generate_hash()}"
		)
		self.addCleanup(job.delete)
		earlier = self.running_log(job_id=job.id)
		with patch.object(runs, "current_job_id", return_value=job.id):
			self.open_run()
		self.assertEqual(self.status(earlier), "Interrupted")

	def test_a_run_that_ended_since_the_look_up_keeps_its_status(self):
		"""Measured by the soak: a webhook job's run ended Success while the next run of the store
		was looking for interrupted ones, and was marked Interrupted from the stale snapshot."""
		finished = self.running_log(job_id=DEAD_JOB)
		self.assertEqual(self.status(finished), "Running")  # this transaction's snapshot begins

		def end_it_elsewhere():
			frappe.db.set_value(SYNC_LOG, finished, "status", "Success")
			frappe.db.commit()

		_, errors = run_concurrently(end_it_elsewhere)
		self.assertEqual(errors, [])
		self.assertEqual(self.status(finished), "Running", "the snapshot still shows it running")
		runs.end_interrupted_runs(self.store)
		frappe.db.commit()
		self.assertEqual(self.status(finished), "Success")

	def test_other_stores_and_recent_runs_outside_jobs_are_left_alone(self):
		other_store = make_settings(enabled=0).insert().name
		other = self.running_log(store=other_store, job_id=DEAD_JOB)
		recent = self.running_log()
		old = self.running_log(age=runs.LONGEST_JOB + timedelta(minutes=5))
		self.open_run()
		self.assertEqual(self.status(other), "Running")
		self.assertEqual(self.status(recent), "Running")
		self.assertEqual(self.status(old), "Interrupted")

	def test_a_run_in_a_background_job_records_the_job(self):
		self.addCleanup(setattr, frappe.local, "job", None)
		job = frappe.enqueue(
			"woocommerce_sync.tests.test_runs.record_sync_log_of_a_job", is_async=False, store=self.store
		)
		name = frappe.flags.pop("woocommerce_test_sync_log")
		self.assertEqual(frappe.db.get_value(SYNC_LOG, name, "job_id"), job.id)
		self.assertIsNone(frappe.db.get_value(SYNC_LOG, self.open_run(), "job_id"))


class TestImportFailures(test_two_way.TwoWayTestCase):
	def test_an_order_that_fails_keeps_its_traceback(self):
		second = self.fake.generate_orders(1, status="processing")[0]
		with patch.object(OrderImporter, "import_order", side_effect=KeyError("no such column")):
			run = sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"], second["id"]]))
		log = frappe.get_doc(SYNC_LOG, run.name)
		self.assertEqual(len(log.failures), 2)
		for failure in log.failures:
			error = frappe.db.get_value("Error Log", failure.error_log, "error")
			self.assertIn("Traceback", error, "the other order's rollback kept it")
			self.assertIn("no such column", error)

	def test_a_crashing_sync_action_leaves_no_running_log(self):
		with patch.object(TwoWayPass, "sync", side_effect=ValueError("crash")), self.assertRaises(ValueError):
			sync_with_woocommerce(self.so.name)
		self.assertEqual(latest_log(self.store).status, "Failed")

	def test_a_store_error_in_the_sync_action_is_told_and_ends_the_run(self):
		self.fake.inject_fault("unauthorized", times=5)
		with self.assertRaises(frappe.ValidationError) as told:
			sync_with_woocommerce(self.so.name)
		log = latest_log(self.store)
		self.assertEqual(log.status, "Failed")
		self.assertIn(str(told.exception), log.notes)


class TestProductRunsThatCrash(ProductStoreTestCase):
	def test_map_products_that_crashes_leaves_no_running_log(self):
		with patch("woocommerce_sync.products.mapping.plan_mapping", side_effect=ValueError("crash")):
			with self.assertRaises(ValueError):
				map_products(self.store)
		self.assertEqual(latest_log(self.store).status, "Failed")

	def test_a_push_that_crashes_leaves_no_running_log(self):
		(item,) = paired_items(self.fake, self.store, 1)
		frappe.db.commit()
		with patch("woocommerce_sync.products.push.push_updates", side_effect=ValueError("crash")):
			with self.assertRaises(ValueError):
				push_items(self.settings, {item}, set(), "Scheduler")
		self.assertEqual(latest_log(self.store).status, "Failed")
