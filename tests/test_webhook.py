"""Webhook signature and parsing against the deliveries recorded from a real store (secret s3cret)."""

import hashlib
import json

import pytest

from woocommerce_sync.core.webhook import (
	MAX_BODY_BYTES,
	MAX_ORDER_ID,
	WebhookRejected,
	is_signed_by,
	parse_delivery,
	replay_key,
	signature,
)
from woocommerce_sync.testing.fake_store import FIXTURES

SECRET = "s3cret"


def delivery(number: int) -> tuple[dict, bytes]:
	recorded = json.loads((FIXTURES / f"webhook_delivery_{number}.json").read_text())
	return recorded["headers"], recorded["body"].encode()


@pytest.mark.parametrize(
	"number, topic, order_id", [(1, "order.created", 21), (3, "order.updated", 21), (8, "order.updated", 22)]
)
def test_recorded_deliveries_verify_and_parse(number, topic, order_id):
	headers, body = delivery(number)
	parsed = parse_delivery(headers, body, SECRET)
	assert (parsed.is_ping, parsed.topic, parsed.order_id) == (False, topic, order_id)
	assert parsed.delivery_id == headers["X-WC-Webhook-Delivery-ID"]
	assert parsed.payload["id"] == order_id


@pytest.mark.parametrize("number, webhook_id", [(2, "1"), (4, "2"), (5, "3")])
def test_recorded_pings_are_recognised_without_a_signature(number, webhook_id):
	headers, body = delivery(number)
	parsed = parse_delivery(headers, body, SECRET)
	assert parsed.is_ping and parsed.webhook_id == webhook_id and parsed.order_id is None


def test_wrong_secret_is_rejected():
	headers, body = delivery(1)
	with pytest.raises(WebhookRejected) as raised:
		parse_delivery(headers, body, "not-the-secret")
	assert raised.value.status == 401


def test_tampered_body_is_rejected():
	headers, body = delivery(1)
	with pytest.raises(WebhookRejected):
		parse_delivery(headers, body.replace(b'"total":"21.65"', b'"total":"0.01"'), SECRET)


def test_missing_signature_and_base64_garbage():
	headers, body = delivery(1)
	unsigned = {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"}
	for bad_headers in (unsigned, {**headers, "X-WC-Webhook-Signature": "%%%not base64%%%"}):
		with pytest.raises(WebhookRejected) as raised:
			parse_delivery(bad_headers, body, SECRET)
		assert (raised.value.status, raised.value.signed) == (401, False)
	assert not is_signed_by(SECRET, body, None)
	assert not is_signed_by("", body, headers["X-WC-Webhook-Signature"])


def test_form_body_with_a_topic_is_not_a_ping():
	"""Only the true ping (no topic header) skips the signature."""
	headers = {"Content-Type": "application/x-www-form-urlencoded", "X-WC-Webhook-Topic": "order.created"}
	with pytest.raises(WebhookRejected):
		parse_delivery(headers, b"webhook_id=1", SECRET)


def test_signed_but_not_json_or_not_an_order():
	for body, topic in (
		(b"<html>", "order.created"),
		(b'{"no": "id"}', "order.created"),
		(b'{"id": 5}', "product.created"),
	):
		headers = {"X-WC-Webhook-Topic": topic, "X-WC-Webhook-Signature": signature(SECRET, body)}
		with pytest.raises(WebhookRejected) as raised:
			parse_delivery(headers, body, SECRET)
		assert (raised.value.status, raised.value.signed) == (400, True)


def test_deleted_and_restored_topics():
	"""WooCommerce's payload for a deleted resource is just its id (WC_Webhook::build_payload)."""
	body = b'{"id": 42}'
	for topic in ("order.deleted", "order.restored"):
		headers = {"X-WC-Webhook-Topic": topic, "X-WC-Webhook-Signature": signature(SECRET, body)}
		assert parse_delivery(headers, body, SECRET).order_id == 42


def test_huge_body_is_refused_before_any_work():
	with pytest.raises(WebhookRejected) as raised:
		parse_delivery({}, b"x" * (MAX_BODY_BYTES + 1), SECRET)
	assert raised.value.status == 413


def signed_order(payload_body: bytes) -> dict:
	return {"X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signature(SECRET, payload_body)}


def test_signed_body_nested_too_deeply_is_a_signed_400():
	body = b'{"id": 5, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
	with pytest.raises(WebhookRejected) as raised:
		parse_delivery(signed_order(body), body, SECRET)
	assert (raised.value.status, raised.value.signed) == (400, True)
	assert "nested too deeply" in raised.value.reason


@pytest.mark.parametrize("order_id", [MAX_ORDER_ID + 1, 2**70])
def test_order_id_outside_the_int_column_is_a_signed_400(order_id):
	body = json.dumps({"id": order_id}).encode()
	with pytest.raises(WebhookRejected) as raised:
		parse_delivery(signed_order(body), body, SECRET)
	assert (raised.value.status, raised.value.signed) == (400, True)


def test_largest_order_id_and_the_body_hash():
	body = json.dumps({"id": 2**31 - 1}).encode()
	parsed = parse_delivery(signed_order(body), body, SECRET)
	assert parsed.order_id == MAX_ORDER_ID == 2**31 - 1
	assert parsed.body_hash == hashlib.sha256(body).hexdigest()


def test_the_replay_key_tells_store_delivery_and_body_apart():
	key = replay_key("shop", "d-1", "abc")
	assert len(key) == 64 and key == replay_key("shop", "d-1", "abc")
	assert (
		len(
			{
				key,
				replay_key("shop2", "d-1", "abc"),
				replay_key("shop", "d-2", "abc"),
				replay_key("shop", "d-1", "abd"),
			}
		)
		== 4
	)
	assert replay_key("shop", None, "abc") is None and replay_key("shop", "", "abc") is None
