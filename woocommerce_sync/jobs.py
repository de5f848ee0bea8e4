"""The one way the app queues background work, so every job behaves the same.

Each job has an id that says what it does for which store and object: Frappe drops a second
enqueue while a job with that id is queued or running (deduplicate), and the job is queued only
once the request's transaction commits, so it never reads data that was rolled back or not
committed yet.
"""

import frappe
from frappe.utils.background_jobs import get_job, is_job_enqueued
from rq.job import JobStatus
from rq.registry import StartedJobRegistry
from rq.worker import Worker

from woocommerce_sync.constants import LONG_QUEUE

HOUR = 3600


def enqueue(method: str, job_id: str, queue: str = LONG_QUEUE, timeout: int | None = None, **kwargs) -> bool:
	"""Queue `method(**kwargs)` unless a job with this id is queued or running (then False).

	`timeout` in seconds; None is the queue's default (Frappe: 5 minutes short, 25 minutes long).
	"""
	release_abandoned(job_id)
	if is_job_enqueued(job_id):
		return False
	frappe.enqueue(
		method,
		queue=queue,
		timeout=timeout,
		job_id=job_id,
		deduplicate=True,
		enqueue_after_commit=True,
		**kwargs,
	)
	return True


def release_abandoned(job_id: str) -> bool:
	"""Mark failed a job still "started" whose worker is gone (killed, out of memory, its machine
	lost); True if it was one. Its id would otherwise block every later run of that store until
	RQ's own clean-up at the job's timeout (25 minutes on the long queue), while a dead worker's
	key expires about 90 s after its last heartbeat. What the job had done is safe: each order
	commits alone and the cursor only passes finished pages."""
	job = get_job(job_id)
	if not job or job.get_status() != JobStatus.STARTED:
		return False
	if job.worker_name and job.connection.exists(f"{Worker.redis_worker_namespace_prefix}{job.worker_name}"):
		return False
	StartedJobRegistry(job.origin, connection=job.connection).remove(job)
	job.set_status(JobStatus.FAILED)
	return True


def job_id(prefix: str, *parts: object) -> str:
	"""`<prefix>::<store>::<object>`, the id Frappe deduplicates on."""
	return "::".join([prefix, *map(str, parts)])
