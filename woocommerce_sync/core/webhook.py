"""What a WooCommerce webhook delivery is, and whether the store really sent it.

WooCommerce signs each delivery with base64(HMAC-SHA256(webhook secret, raw body)) in
X-WC-Webhook-Signature. The check runs on the raw bytes (re-serialised JSON would not match) and
compares in constant time. The ping sent when a webhook is created is a form body
`webhook_id=<id>` with no signature or topic headers; it carries no order, so it needs no proof.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs

ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.deleted", "order.restored"})
MAX_BODY_BYTES = 2 * 1024 * 1024  # an order with hundreds of lines is well under this
# The Int column (MariaDB int(11)) that WooCommerce Webhook Delivery keeps the order id in.
MAX_ORDER_ID = 2**31 - 1
# Signs against nothing when the store is unknown or disabled, so that it costs the same HMAC as a
# known store and the answer's timing does not tell which stores exist.
_NO_SECRET = b"woocommerce_sync: no such store"


class WebhookRejected(Exception):
	"""The delivery is refused; `reason` is for the log, never shown to the caller. `signed` says
	the store really sent it, so it may be recorded without letting strangers write rows."""

	def __init__(self, reason: str, status: int = 401, signed: bool = False):
		super().__init__(reason)
		self.reason = reason
		self.status = status
		self.signed = signed


@dataclass
class Delivery:
	is_ping: bool
	webhook_id: str | None
	topic: str | None = None
	delivery_id: str | None = None
	source: str | None = None
	order_id: int | None = None
	payload: dict | None = None
	body_hash: str | None = None  # sha256 hex of the raw body: with delivery_id, what a replay repeats


def body_hash(body: bytes) -> str:
	return hashlib.sha256(body).hexdigest()


def replay_key(store: str, delivery_id: str | None, body_hash: str) -> str | None:
	"""One key per (store, delivery id, body), unique in the database, so the same delivery
	arriving twice at the same instant is recorded once; None without a delivery id (nothing to
	call a replay then)."""
	if not delivery_id:
		return None
	return hashlib.sha256(f"{store}\n{delivery_id}\n{body_hash}".encode()).hexdigest()


def signature(secret: str, body: bytes) -> str:
	return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def is_signed_by(secret: str, body: bytes, header: str | None) -> bool:
	"""Constant-time check, also across stores: a missing secret costs the same HMAC as a real one.
	A missing, malformed or wrong signature is simply False."""
	if not header:
		return False
	try:
		given = base64.b64decode(header.strip(), validate=True)
	except (binascii.Error, ValueError):
		return False
	expected = hmac.new(secret.encode() if secret else _NO_SECRET, body, hashlib.sha256).digest()
	return hmac.compare_digest(given, expected) and bool(secret)


def parse_delivery(headers: Mapping[str, str], body: bytes, secret: str | None) -> Delivery:
	"""A verified delivery or a ping; raise WebhookRejected for anything else."""
	headers = {k.lower(): v for k, v in headers.items()}
	if len(body) > MAX_BODY_BYTES:
		raise WebhookRejected(f"body of {len(body)} bytes is over the {MAX_BODY_BYTES} limit", status=413)
	ping = _ping_id(headers, body)
	if ping is not None:
		return Delivery(is_ping=True, webhook_id=ping)
	if not is_signed_by(secret or "", body, headers.get("x-wc-webhook-signature")):
		raise WebhookRejected("missing or wrong X-WC-Webhook-Signature")
	topic = (headers.get("x-wc-webhook-topic") or "").strip().lower()
	if topic not in ORDER_TOPICS:
		raise WebhookRejected(
			f"topic {topic or '(none)'} is not an order topic this app handles", status=400, signed=True
		)
	try:
		payload = json.loads(body)
	except ValueError as exc:
		raise WebhookRejected(f"signed body is not JSON ({exc})", status=400, signed=True) from None
	except RecursionError:
		raise WebhookRejected(
			"signed body is JSON nested too deeply to be an order", status=400, signed=True
		) from None
	order_id = payload.get("id") if isinstance(payload, dict) else None
	if not isinstance(order_id, int) or isinstance(order_id, bool):
		raise WebhookRejected("signed body has no order id", status=400, signed=True)
	if not 1 <= order_id <= MAX_ORDER_ID:
		raise WebhookRejected(
			f"signed body's order id {order_id} is outside 1..{MAX_ORDER_ID}", status=400, signed=True
		)
	return Delivery(
		is_ping=False,
		webhook_id=headers.get("x-wc-webhook-id"),
		topic=topic,
		delivery_id=headers.get("x-wc-webhook-delivery-id"),
		source=headers.get("x-wc-webhook-source"),
		order_id=order_id,
		payload=payload,
		body_hash=body_hash(body),
	)


def _ping_id(headers: Mapping[str, str], body: bytes) -> str | None:
	"""The webhook id of a creation ping (form body, no topic header), else None."""
	if headers.get("x-wc-webhook-topic") or "form-urlencoded" not in headers.get("content-type", ""):
		return None
	values = parse_qs(body.decode("utf-8", errors="replace")).get("webhook_id")
	return values[0] if values and values[0].isdigit() else None
