"""The job that webhook deliveries queue, and the hourly sweep that makes sure none is lost.

The job imports its order through the same sync_store path as the hourly sync, which fetches the
order's current state by id. So a redelivery, or a delivery that arrives after a newer one,
changes nothing, and the webhook and the scheduler can never make two Sales Orders.

Frappe drops an enqueue whose job id is queued or running, so a delivery that lands while its
order's job runs is not queued again: the job loops while deliveries for its order are waiting,
and the hourly sweep re-queues any delivery still waiting after STALE_AFTER.
"""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from woocommerce_sync import jobs
from woocommerce_sync.constants import SHORT_QUEUE, WEBHOOK_DELIVERY, WEBHOOK_JOB
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store

STALE_AFTER = timedelta(minutes=10)
MAX_ROUNDS = 5  # of one job for one order; anything left is the sweep's


def process_deliveries(store: str, order_id: int) -> None:
	"""Import, update or cancel one order for every delivery waiting for it, then mark them."""
	for _round in range(MAX_ROUNDS):
		waiting = _waiting(store, order_id)
		if not waiting:
			return
		run = sync_store(store, "Webhook", filters=ImportFilters(ids=[order_id], update_existing=True))
		if run.error:
			# The store could not be read (down, keys revoked): the deliveries stay queued for the
			# sweep, which tries again once the store answers.
			_mark(waiting, "Queued", run, run.error)
			return
		failure = next(
			(f["reason"] for f in run.failures if f["woocommerce_order_id"] == str(order_id)), None
		)
		_mark(waiting, "Failed" if failure else "Processed", run, failure)


def _mark(names: list[str], status: str, run, reason: str | None) -> None:
	delivery = frappe.qb.DocType(WEBHOOK_DELIVERY)
	(
		frappe.qb.update(delivery)
		.set(delivery.status, status)
		.set(delivery.reason, reason)
		.set(delivery.sync_log, run.name)
		.set(delivery.processed_at, None if status == "Queued" else now_datetime())
		.where(delivery.name.isin(names))
	).run()
	frappe.db.commit()


def requeue_stale_deliveries() -> None:
	"""Hourly: deliveries whose job was lost (worker killed, Redis flushed) are queued again."""
	delivery = frappe.qb.DocType(WEBHOOK_DELIVERY)
	stale = (
		frappe.qb.from_(delivery)
		.select(delivery.store, delivery.order_id)
		.distinct()
		.where(delivery.status == "Queued")
		.where(delivery.creation < now_datetime() - STALE_AFTER)
		.limit(10_000)
	).run(as_dict=True)
	for row in stale:
		enqueue(row.store, row.order_id)


def enqueue(store: str, order_id: int) -> None:
	jobs.enqueue(
		"woocommerce_sync.webhooks.deliveries.process_deliveries",
		jobs.job_id(WEBHOOK_JOB, store, order_id),
		queue=SHORT_QUEUE,
		store=store,
		order_id=order_id,
	)


def _waiting(store: str, order_id: int) -> list[str]:
	return frappe.get_all(
		WEBHOOK_DELIVERY, filters={"store": store, "order_id": order_id, "status": "Queued"}, pluck="name"
	)
