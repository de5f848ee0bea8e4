"""The app's only guest-callable method: WooCommerce's order webhooks.

Delivery URL: /api/method/woocommerce_sync.webhook.receive?store=<store name>. Nothing is done
inside the request but the signature check: the order is imported by a background job through
the same sync_store path as the hourly sync, which fetches the order's current state by id. So
a redelivery, or a delivery that arrives after a newer one, changes nothing, and the webhook and
the scheduler can never make two Sales Orders.
"""

import frappe

from woocommerce_sync.connection import SETTINGS
from woocommerce_sync.core.webhook import WebhookRejected, parse_delivery
from woocommerce_sync.sync_sales_orders import ImportFilters


@frappe.whitelist(allow_guest=True, methods=["POST"])
def receive() -> dict:
	store = frappe.request.args.get("store") or ""
	settings = _enabled_store(store)
	secret = settings.get_password("webhook_secret", raise_exception=False) if settings else None
	try:
		# An unknown or disabled store has no secret, so it fails exactly like a wrong signature
		# and the caller learns nothing about which stores exist.
		delivery = parse_delivery(frappe.request.headers, frappe.request.get_data(cache=True), secret)
	except WebhookRejected as exc:
		frappe.logger("woocommerce_sync").warning(
			f"WooCommerce webhook for store {store!r} rejected ({exc.status}): {exc.reason}"
		)
		frappe.local.response.http_status_code = exc.status
		return {"ok": False}
	if delivery.is_ping:
		return {"ok": True}
	frappe.enqueue(
		"woocommerce_sync.sync_sales_orders.sync_store",
		queue="short",
		job_id=f"woocommerce-webhook::{store}::{delivery.order_id}",
		deduplicate=True,
		enqueue_after_commit=True,
		store=store,
		trigger="Webhook",
		filters=ImportFilters(ids=[delivery.order_id], update_existing=True),
	)
	return {"ok": True}


def _enabled_store(store: str):
	if not store or not frappe.db.get_value(SETTINGS, {"name": store, "enabled": 1}):
		return None
	return frappe.get_doc(SETTINGS, store)
