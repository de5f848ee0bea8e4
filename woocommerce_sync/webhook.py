"""The app's only guest-callable method: WooCommerce's order webhooks, and the job they queue.

Delivery URL: /api/method/woocommerce_sync.webhook.receive?store=<store name>. Inside the request
only the signature is checked and the delivery recorded; the order is imported by a background
job through the same sync_store path as the hourly sync, which fetches the order's current state
by id. So a redelivery, or a delivery that arrives after a newer one, changes nothing, and the
webhook and the scheduler can never make two Sales Orders.

A delivery the site already has (same store, delivery id and body hash) is a replay: answered 200
without a second row or job. WooCommerce's delivery id is wp_hash(webhook id . current second), so
two orders saved in the same second share it; the body hash tells them apart.

Frappe drops an enqueue whose job id is queued or running, so a delivery that lands while its
order's job runs is not queued again: the job loops while deliveries for its order are waiting,
and the hourly sweep re-queues any delivery still waiting after STALE_AFTER.
"""

from datetime import timedelta

import frappe
from frappe.utils import now_datetime
from frappe.utils.password import decrypt, encrypt

from woocommerce_sync.connection import SETTINGS
from woocommerce_sync.core.webhook import Delivery, WebhookRejected, body_hash, parse_delivery
from woocommerce_sync.sync_sales_orders import ImportFilters, sync_store

DELIVERY = "WooCommerce Webhook Delivery"
STALE_AFTER = timedelta(minutes=10)
MAX_ROUNDS = 5  # of one job for one order; anything left is the sweep's


# xss_safe: the body is read raw and verified; Frappe's HTML sanitiser over an anonymous caller's
# arguments would only cost time (and change nothing this method reads).
@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["POST"])
def receive() -> dict:
	store = frappe.request.args.get("store") or ""
	secret = _webhook_secret(store)
	body = frappe.request.get_data(cache=True)
	try:
		# An unknown or disabled store has no secret, so it fails exactly like a wrong signature,
		# in the same time, and the caller learns nothing about which stores exist.
		delivery = parse_delivery(frappe.request.headers, body, secret)
	except WebhookRejected as exc:
		frappe.logger("woocommerce_sync").warning(
			f"WooCommerce webhook for store {store!r} rejected ({exc.status}): {exc.reason}"
		)
		if exc.signed:
			rejected = _rejected_delivery(frappe.request.headers, body)
			if not _is_replay(store, rejected):
				_record(store, rejected, "Rejected", exc.reason)
		frappe.local.response.http_status_code = exc.status
		return {"ok": False}
	if delivery.is_ping:
		return {"ok": True}
	if _is_replay(store, delivery):
		frappe.logger("woocommerce_sync").warning(
			f"WooCommerce webhook for store {store!r}: delivery {delivery.delivery_id} replayed, ignored"
		)
		return {"ok": True}
	_record(store, delivery, "Queued")
	_enqueue(store, delivery.order_id)
	return {"ok": True}


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
	delivery = frappe.qb.DocType(DELIVERY)
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
	delivery = frappe.qb.DocType(DELIVERY)
	stale = (
		frappe.qb.from_(delivery)
		.select(delivery.store, delivery.order_id)
		.distinct()
		.where(delivery.status == "Queued")
		.where(delivery.creation < now_datetime() - STALE_AFTER)
		.limit(10_000)
	).run(as_dict=True)
	for row in stale:
		_enqueue(row.store, row.order_id)


def _enqueue(store: str, order_id: int) -> None:
	frappe.enqueue(
		"woocommerce_sync.webhook.process_deliveries",
		queue="short",
		job_id=f"woocommerce-webhook::{store}::{order_id}",
		deduplicate=True,
		enqueue_after_commit=True,
		store=store,
		order_id=order_id,
	)


def _waiting(store: str, order_id: int) -> list[str]:
	return frappe.get_all(
		DELIVERY, filters={"store": store, "order_id": order_id, "status": "Queued"}, pluck="name"
	)


def _record(store: str, delivery: Delivery, status: str, reason: str | None = None) -> None:
	frappe.get_doc(
		{
			"doctype": DELIVERY,
			"store": store,
			"topic": delivery.topic,
			"order_id": delivery.order_id,
			"delivery_id": delivery.delivery_id,
			"webhook_id": delivery.webhook_id,
			"body_hash": delivery.body_hash,
			"status": status,
			"reason": reason,
		}
	).insert(ignore_permissions=True)


def _is_replay(store: str, delivery: Delivery) -> bool:
	"""Already on record: the same delivery id with the same body (indexed by body_hash)."""
	return bool(delivery.delivery_id) and bool(
		frappe.db.exists(
			DELIVERY,
			{"store": store, "delivery_id": delivery.delivery_id, "body_hash": delivery.body_hash},
		)
	)


def _rejected_delivery(headers, body: bytes) -> Delivery:
	"""What a signed but unusable delivery said about itself, for the record."""
	return Delivery(
		is_ping=False,
		webhook_id=headers.get("X-WC-Webhook-ID"),
		topic=(headers.get("X-WC-Webhook-Topic") or "")[:140] or None,
		delivery_id=headers.get("X-WC-Webhook-Delivery-ID"),
		body_hash=body_hash(body),
	)


def _webhook_secret(store: str) -> str | None:
	"""The secret of an enabled store. Known and unknown stores cost the same: one plain query
	(cheaper and steadier than the query builder's) and one decryption, of a stand-in token when
	there is no secret. Loading the settings document would add many more queries."""
	found = frappe.db.sql(
		"""select auth.password from `tabWooCommerce Integration Settings` settings
		join `__Auth` auth on auth.doctype = %(doctype)s and auth.name = settings.name
			and auth.fieldname = 'webhook_secret' and auth.encrypted = 1
		where settings.name = %(store)s and settings.enabled = 1 limit 1""",
		{"doctype": SETTINGS, "store": store},
	)
	token = found[0][0] if found else None
	try:
		secret = decrypt(token or _stand_in_token())
	except frappe.ValidationError:  # the site's encryption key changed: no delivery can be verified
		return None
	return secret if token else None


_STAND_IN_TOKENS: dict[str, str] = {}


def _stand_in_token() -> str:
	"""A token encrypted with this site's key, made once per site and process."""
	site = frappe.local.site
	if site not in _STAND_IN_TOKENS:
		_STAND_IN_TOKENS[site] = encrypt("no such store")
	return _STAND_IN_TOKENS[site]
