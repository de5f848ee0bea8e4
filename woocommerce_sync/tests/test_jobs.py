"""The app's job queueing on a real Redis: a job whose worker died does not block its id."""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.background_jobs import create_job_id, get_queue, get_redis_conn
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.worker import Worker

from woocommerce_sync import jobs

METHOD = "woocommerce_sync.orders.sync_sales_orders.sync_store"


class TestAbandonedJobs(FrappeTestCase):
	def setUp(self):
		self.id = jobs.job_id("woocommerce-test-abandoned", frappe.generate_hash(length=8))
		self.connection = get_redis_conn()
		self.addCleanup(self.cleanup)

	def cleanup(self):
		job_key = create_job_id(self.id)
		if Job.exists(job_key, connection=self.connection):
			job = Job.fetch(job_key, connection=self.connection)
			StartedJobRegistry(job.origin, connection=self.connection).remove(job)
			job.delete()
		self.connection.delete(f"{Worker.redis_worker_namespace_prefix}wcsync-test-alive")

	def started_on(self, worker_name: str) -> Job:
		"""A job as RQ leaves it while a worker runs it (and after that worker was SIGKILLed)."""
		queue = get_queue("long")
		job = queue.enqueue_call("frappe.ping", job_id=create_job_id(self.id))
		queue.remove(job)
		job.worker_name = worker_name
		job.save()
		job.set_status(JobStatus.STARTED)
		StartedJobRegistry(queue.name, connection=self.connection).add(job, ttl=1500)
		return job

	def test_a_job_whose_worker_is_gone_no_longer_blocks_its_id(self):
		job = self.started_on("wcsync-test-killed")
		with patch("frappe.enqueue") as enqueue:
			self.assertTrue(jobs.enqueue(METHOD, self.id, store="shop"))
		self.assertEqual(enqueue.call_count, 1)
		self.assertEqual(job.get_status(refresh=True), JobStatus.FAILED)
		self.assertNotIn(job.id, StartedJobRegistry("long", connection=self.connection).get_job_ids())

	def test_a_job_on_a_live_worker_still_blocks_its_id(self):
		self.connection.set(f"{Worker.redis_worker_namespace_prefix}wcsync-test-alive", "1", ex=60)
		job = self.started_on("wcsync-test-alive")
		with patch("frappe.enqueue") as enqueue:
			self.assertFalse(jobs.enqueue(METHOD, self.id, store="shop"))
		self.assertEqual(enqueue.call_count, 0)
		self.assertEqual(job.get_status(refresh=True), JobStatus.STARTED)
