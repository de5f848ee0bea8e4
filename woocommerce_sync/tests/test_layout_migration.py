"""Upgrading a site from the flat layout: scheduled jobs and queued jobs find the new paths."""

import frappe
from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs
from frappe.tests.utils import FrappeTestCase
from frappe.utils.background_jobs import execute_job, get_queue, get_redis_conn
from rq.job import Job
from rq.registry import FailedJobRegistry

from woocommerce_sync.patches.requeue_jobs_of_old_layout import MOVED, SCHEDULED_JOB_RUNNER, requeue_old_jobs

# What the flat layout's hooks.py registered, as `bench migrate` then recorded it.
OLD_SCHEDULED = {
	"woocommerce_sync.webhook.requeue_stale_deliveries": "Hourly",
	"woocommerce_sync.sync_sales_orders.enqueue_all_stores": "Hourly Long",
	"woocommerce_sync.product_reconciliation.enqueue_all_stores": "Hourly Long",
	"woocommerce_sync.product_push.push_pending": "Cron",
}


class TestLayoutMigration(FrappeTestCase):
	def setUp(self):
		self.jobs: list[Job] = []

	def tearDown(self):
		for job in self.jobs:
			job.delete()
		frappe.db.rollback()
		sync_jobs()
		frappe.db.commit()

	def test_every_moved_path_imports(self):
		for new in MOVED.values():
			self.assertTrue(callable(frappe.get_attr(new)), new)

	def test_migrate_replaces_the_old_scheduled_jobs(self):
		for method, frequency in OLD_SCHEDULED.items():
			if not frappe.db.exists("Scheduled Job Type", {"method": method}):
				job_type = frappe.get_doc(
					{
						"doctype": "Scheduled Job Type",
						"method": method,
						"frequency": frequency,
						"cron_format": "* * * * *" if frequency == "Cron" else None,
					}
				).insert(ignore_permissions=True)
				frappe.get_doc(
					{
						"doctype": "Scheduled Job Log",
						"scheduled_job_type": job_type.name,
						"status": "Complete",
					}
				).insert(ignore_permissions=True)

		sync_jobs()

		methods = frappe.get_all(
			"Scheduled Job Type", filters={"method": ("like", "woocommerce_sync.%")}, pluck="method"
		)
		self.assertFalse(set(OLD_SCHEDULED) & set(methods))
		# Every old job under its new path; jobs added since the layout (the daily digest) beside them.
		self.assertLessEqual({MOVED[old] for old in OLD_SCHEDULED}, set(methods))
		for method in methods:
			self.assertTrue(callable(frappe.get_attr(method)), method)
		self.assertIn(
			"woocommerce_sync.orders.sales_order_to_woocommerce.enqueue_all_stores",
			frappe.get_hooks("scheduler_events")["hourly_long"],
			"the hourly two-way pass is named in hooks.py",
		)

	def test_queued_jobs_of_old_paths_are_repointed(self):
		queue = get_queue("long")
		import_job = self.queue_job(queue, "woocommerce_sync.sync_sales_orders.sync_store", store="shop")
		tick = self.queue_job(
			queue, SCHEDULED_JOB_RUNNER, job_type="woocommerce_sync.product_push.push_pending"
		)
		other_site = self.queue_job(queue, "woocommerce_sync.webhook.process_deliveries", site="other.site")
		failed = self.queue_job(queue, "woocommerce_sync.product_export.export_item", item_code="X")
		queue.remove(failed)
		registry = FailedJobRegistry(queue=queue)
		registry.add(
			failed,
			ttl=600,
			exc_string="ModuleNotFoundError: No module named 'woocommerce_sync.product_export'",
		)

		moved = requeue_old_jobs()

		# Other jobs of this site may be waiting too (a test bench has no worker): only ours are checked.
		self.assertLessEqual({import_job.id, tick.id, failed.id}, set(moved))
		self.assertNotIn(other_site.id, moved)
		connection = get_redis_conn()
		import_job = Job.fetch(import_job.id, connection=connection)
		self.assertEqual(import_job.kwargs["method"], "woocommerce_sync.orders.sync_sales_orders.sync_store")
		self.assertEqual(import_job.kwargs["kwargs"], {"store": "shop"})
		self.assertIn(import_job.id, queue.get_job_ids())
		tick = Job.fetch(tick.id, connection=connection)
		self.assertEqual(tick.kwargs["kwargs"]["job_type"], "woocommerce_sync.products.push.push_pending")
		failed = Job.fetch(failed.id, connection=connection)
		self.assertEqual(failed.kwargs["method"], "woocommerce_sync.products.export.export_item")
		self.assertNotIn(failed.id, registry.get_job_ids())
		self.assertIn(failed.id, queue.get_job_ids(), "the failed job is queued again")
		other_site = Job.fetch(other_site.id, connection=connection)
		self.assertEqual(other_site.kwargs["method"], "woocommerce_sync.webhook.process_deliveries")

	def queue_job(self, queue, method: str, site: str | None = None, **kwargs) -> Job:
		job = queue.enqueue_call(
			execute_job,
			kwargs={
				"site": site or frappe.local.site,
				"user": "Administrator",
				"method": method,
				"event": None,
				"job_name": method,
				"is_async": True,
				"kwargs": kwargs,
			},
		)
		self.jobs.append(job)
		return job
