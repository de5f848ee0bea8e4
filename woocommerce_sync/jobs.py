"""The one way the app queues background work, so every job behaves the same.

Each job has an id that says what it does for which store and object: Frappe drops a second
enqueue while a job with that id is queued or running (deduplicate), and the job is queued only
once the request's transaction commits, so it never reads data that was rolled back or not
committed yet.
"""

import frappe
from frappe.utils.background_jobs import is_job_enqueued

from woocommerce_sync.constants import LONG_QUEUE

HOUR = 3600


def enqueue(method: str, job_id: str, queue: str = LONG_QUEUE, timeout: int | None = None, **kwargs) -> bool:
	"""Queue `method(**kwargs)` unless a job with this id is queued or running (then False).

	`timeout` in seconds; None is the queue's default (Frappe: 5 minutes short, 25 minutes long).
	"""
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


def job_id(prefix: str, *parts: object) -> str:
	"""`<prefix>::<store>::<object>`, the id Frappe deduplicates on."""
	return "::".join([prefix, *map(str, parts)])
