"""Jobs queued before the move into orders/, sales/, products/ and webhooks/ name the old module
paths, which no longer import: point them at the new ones so they run after the upgrade.

Frappe's own migrate removes the Scheduled Job Types of the old paths and creates the new ones
(`sync_jobs` keeps only what hooks.py names). What it does not touch are jobs already waiting
in Redis: a job the app queued (an import, a webhook delivery, an export) and a scheduler tick
queued for an old Scheduled Job Type. Both are rewritten in place; a job that already failed on
the old path is queued again under the new one. Jobs of other sites and apps are left alone.
"""

import frappe
from frappe.utils.background_jobs import get_queues, get_redis_conn
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

# Old dotted path -> new one, for every method the old layout enqueued or scheduled.
MOVED = {
	"woocommerce_sync.sync_sales_orders.sync_store": "woocommerce_sync.orders.sync_sales_orders.sync_store",
	"woocommerce_sync.sales_order_to_woocommerce.sync_both_ways": (
		"woocommerce_sync.orders.sales_order_to_woocommerce.sync_both_ways"
	),
	"woocommerce_sync.webhook.process_deliveries": "woocommerce_sync.webhooks.deliveries.process_deliveries",
	"woocommerce_sync.product_reconciliation.reconcile_store": "woocommerce_sync.products.full_pass.reconcile_store",
	"woocommerce_sync.product_mapping.map_products": "woocommerce_sync.products.mapping.map_products",
	"woocommerce_sync.product_export.export_item": "woocommerce_sync.products.export.export_item",
	# scheduler events
	"woocommerce_sync.webhook.requeue_stale_deliveries": (
		"woocommerce_sync.webhooks.deliveries.requeue_stale_deliveries"
	),
	"woocommerce_sync.sync_sales_orders.enqueue_all_stores": (
		"woocommerce_sync.orders.sales_order_to_woocommerce.enqueue_all_stores"
	),
	"woocommerce_sync.product_reconciliation.enqueue_all_stores": (
		"woocommerce_sync.products.full_pass.enqueue_all_stores"
	),
	"woocommerce_sync.product_push.push_pending": "woocommerce_sync.products.push.push_pending",
}
SCHEDULED_JOB_RUNNER = "frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job"


def execute() -> None:
	requeue_old_jobs()


def requeue_old_jobs() -> list[str]:
	"""Rewrite this site's waiting jobs that name an old path; return their job ids."""
	moved = []
	connection = get_redis_conn()
	for queue in get_queues(connection=connection):
		failed = FailedJobRegistry(queue=queue)
		waiting = [*queue.get_job_ids(), *ScheduledJobRegistry(queue=queue).get_job_ids()]
		for job_id in [*waiting, *failed.get_job_ids()]:
			job = Job.fetch(job_id, connection=connection) if Job.exists(job_id, connection) else None
			if not job or not _repoint(job):
				continue
			job.save()
			if job_id in failed:
				failed.requeue(job)
			moved.append(job_id)
	return moved


def _repoint(job: Job) -> bool:
	"""Point one of this site's jobs at the new path; False if it names none of the old ones."""
	kwargs = job.kwargs or {}
	if kwargs.get("site") != frappe.local.site:
		return False
	method = kwargs.get("method")
	if method in MOVED:
		kwargs["method"] = kwargs["job_name"] = MOVED[method]
	elif method == SCHEDULED_JOB_RUNNER and (kwargs.get("kwargs") or {}).get("job_type") in MOVED:
		kwargs["kwargs"]["job_type"] = MOVED[kwargs["kwargs"]["job_type"]]
	else:
		return False
	job.kwargs = kwargs
	return True
