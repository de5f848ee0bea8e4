"""The app's only guest-callable method, at a path every shop has registered: WooCommerce's order
webhooks arrive at /api/method/woocommerce_sync.webhook.receive?store=<store name>, so this
module never moves.

Inside the request only the signature is checked and the delivery recorded; the order is
imported by the job in webhooks/deliveries.py.

A delivery the site already has (same store, delivery id and body hash) is a replay: answered 200
without a second row or job. WooCommerce's delivery id is wp_hash(webhook id . current second), so
two orders saved in the same second share it; the body hash tells them apart.
"""

import frappe
from frappe.utils.password import decrypt, encrypt

from woocommerce_sync.constants import SETTINGS, WEBHOOK_DELIVERY
from woocommerce_sync.core.webhook import Delivery, WebhookRejected, body_hash, parse_delivery, replay_key
from woocommerce_sync.webhooks.deliveries import enqueue


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
	if _record(store, delivery, "Queued"):
		enqueue(store, delivery.order_id)
	return {"ok": True}


def _record(store: str, delivery: Delivery, status: str, reason: str | None = None) -> bool:
	"""Insert the delivery's row; False when its replay key is already taken (the same delivery,
	arriving at the same instant, was recorded by another request between the check and here)."""
	try:
		frappe.get_doc(
			{
				"doctype": WEBHOOK_DELIVERY,
				"store": store,
				"topic": delivery.topic,
				"order_id": delivery.order_id,
				"delivery_id": delivery.delivery_id,
				"webhook_id": delivery.webhook_id,
				"body_hash": delivery.body_hash,
				"replay_key": replay_key(store, delivery.delivery_id, delivery.body_hash),
				"status": status,
				"reason": reason,
			}
		).insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		frappe.local.message_log = []  # Frappe's "must be unique" message is not for the store
		frappe.logger("woocommerce_sync").warning(
			f"WooCommerce webhook for store {store!r}: delivery {delivery.delivery_id} arrived twice at once, ignored"
		)
		return False
	return True


def _is_replay(store: str, delivery: Delivery) -> bool:
	"""Already on record: the same delivery id with the same body (indexed by body_hash)."""
	return bool(delivery.delivery_id) and bool(
		frappe.db.exists(
			WEBHOOK_DELIVERY,
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
	there is no secret. Loading the settings document would add many more queries.

	The name must match exactly: MariaDB's collation would also match it in capitals or with a
	trailing space, and the delivery would be recorded and queued under a second spelling."""
	found = frappe.db.sql(
		"""select settings.name, auth.password from `tabWooCommerce Integration Settings` settings
		join `__Auth` auth on auth.doctype = %(doctype)s and auth.name = settings.name
			and auth.fieldname = 'webhook_secret' and auth.encrypted = 1
		where settings.name = %(store)s and settings.enabled = 1 limit 1""",
		{"doctype": SETTINGS, "store": store},
	)
	token = found[0][1] if found and found[0][0] == store else None
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
