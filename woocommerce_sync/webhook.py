"""The app's only guest-callable method, at a path every shop has registered: WooCommerce's order
webhooks arrive at /api/method/woocommerce_sync.webhook.receive?store=<store name>, so this
module never moves.

Inside the request only the signature is checked and the delivery recorded; the order is
imported by the job in webhooks/deliveries.py.
"""

import frappe
from frappe.utils.password import get_decrypted_password

from woocommerce_sync.constants import SETTINGS, WEBHOOK_DELIVERY
from woocommerce_sync.core.webhook import Delivery, WebhookRejected, parse_delivery
from woocommerce_sync.webhooks.deliveries import enqueue


@frappe.whitelist(allow_guest=True, methods=["POST"])
def receive() -> dict:
	store = frappe.request.args.get("store") or ""
	secret = _webhook_secret(store)
	try:
		# An unknown or disabled store has no secret, so it fails exactly like a wrong signature
		# and the caller learns nothing about which stores exist.
		delivery = parse_delivery(frappe.request.headers, frappe.request.get_data(cache=True), secret)
	except WebhookRejected as exc:
		frappe.logger("woocommerce_sync").warning(
			f"WooCommerce webhook for store {store!r} rejected ({exc.status}): {exc.reason}"
		)
		if exc.signed:
			_record(store, _rejected_delivery(frappe.request.headers), "Rejected", exc.reason)
		frappe.local.response.http_status_code = exc.status
		return {"ok": False}
	if delivery.is_ping:
		return {"ok": True}
	_record(store, delivery, "Queued")
	enqueue(store, delivery.order_id)
	return {"ok": True}


def _record(store: str, delivery: Delivery, status: str, reason: str | None = None) -> None:
	frappe.get_doc(
		{
			"doctype": WEBHOOK_DELIVERY,
			"store": store,
			"topic": delivery.topic,
			"order_id": delivery.order_id,
			"delivery_id": delivery.delivery_id,
			"webhook_id": delivery.webhook_id,
			"status": status,
			"reason": reason,
		}
	).insert(ignore_permissions=True)


def _rejected_delivery(headers) -> Delivery:
	"""What a signed but unusable delivery said about itself, for the record."""
	return Delivery(
		is_ping=False,
		webhook_id=headers.get("X-WC-Webhook-ID"),
		topic=(headers.get("X-WC-Webhook-Topic") or "")[:140] or None,
		delivery_id=headers.get("X-WC-Webhook-Delivery-ID"),
	)


def _webhook_secret(store: str) -> str | None:
	"""The secret of an enabled store, read alone: loading the whole settings document would add
	queries to every delivery."""
	if not store or not frappe.db.get_value(SETTINGS, {"name": store, "enabled": 1}):
		return None
	return get_decrypted_password(SETTINGS, store, "webhook_secret", raise_exception=False)
