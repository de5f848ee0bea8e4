"""The webhook endpoint on a real site: recorded deliveries, signatures, unknown stores, the job."""

import json
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from werkzeug.test import EnvironBuilder

from woocommerce_sync import webhook
from woocommerce_sync.core.webhook import ORDER_TOPICS, signature
from woocommerce_sync.sync_sales_orders import sync_store
from woocommerce_sync.testing.fake_store import FIXTURES, FakeWooCommerceStore
from woocommerce_sync.tests.utils import make_importing_settings, make_settings
from woocommerce_sync.webhook_registration import delivery_url, register_webhooks, remove_webhooks


def recorded(number: int) -> tuple[dict, bytes]:
	delivery = json.loads((FIXTURES / f"webhook_delivery_{number}.json").read_text())
	headers = {k: v for k, v in delivery["headers"].items() if k not in ("Host", "Content-Length")}
	return headers, delivery["body"].encode()


class TestWebhookEndpoint(FrappeTestCase):
	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.settings = make_importing_settings(self.fake, webhook_secret="s3cret")

	def post(self, headers: dict, body: bytes, store: str | None = None) -> tuple[int, dict, list]:
		builder = EnvironBuilder(
			method="POST", query_string={"store": store or self.settings.name}, data=body, headers=headers
		)
		frappe.local.request = builder.get_request()
		frappe.local.response = frappe._dict()
		with patch("frappe.enqueue") as enqueue:
			result = webhook.receive()
		status = frappe.local.response.get("http_status_code") or 200
		return status, result, enqueue.call_args_list

	def test_a_signed_delivery_is_queued_and_makes_the_sales_order(self):
		self.fake.add_order({**json.loads(recorded(1)[1]), "date_modified_gmt": "2026-11-23T04:27:22"})
		status, result, calls = self.post(*recorded(1))
		self.assertEqual((status, result), (200, {"ok": True}))
		self.assertEqual(len(calls), 1)
		job = calls[0].kwargs
		self.assertEqual(job["job_id"], f"woocommerce-webhook::{self.settings.name}::21")
		self.assertTrue(job["deduplicate"])
		sync_store(job["store"], job["trigger"], filters=job["filters"])
		orders = frappe.get_all(
			"Sales Order", filters={"woocommerce_server": self.settings.name}, pluck="woocommerce_id"
		)
		self.assertEqual(orders, ["21"])
		status, _, calls = self.post(*recorded(3))  # order.updated of the same order, same second
		sync_store(calls[0].kwargs["store"], "Webhook", filters=calls[0].kwargs["filters"])
		self.assertEqual(
			frappe.db.count("Sales Order", {"woocommerce_server": self.settings.name, "docstatus": ("<", 2)}),
			1,
		)

	def test_ping_gets_200_and_queues_nothing(self):
		status, result, calls = self.post(*recorded(2))
		self.assertEqual((status, result, calls), (200, {"ok": True}, []))

	def test_unsigned_tampered_and_wrong_store_get_401_and_change_nothing(self):
		headers, body = recorded(1)
		unsigned = {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"}
		cases = [
			(unsigned, body, None),
			(headers, body.replace(b'"21.65"', b'"0.01"'), None),
			(headers, body, "no-such-store"),
			({**headers, "X-WC-Webhook-Signature": signature("other", body)}, body, None),
		]
		for case_headers, case_body, store in cases:
			status, result, calls = self.post(case_headers, case_body, store)
			self.assertEqual((status, result, calls), (401, {"ok": False}, []))

	def test_signed_garbage_is_a_400_not_a_500(self):
		body = b"not json at all"
		headers = {"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Signature": signature("s3cret", body)}
		status, result, calls = self.post(headers, body)
		self.assertEqual((status, result, calls), (400, {"ok": False}, []))


class TestWebhookRegistration(FrappeTestCase):
	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.settings = make_settings(self.fake).insert()
		self.fake.webhooks[900] = {
			"id": 900,
			"name": "Another tool",
			"status": "active",
			"topic": "order.created",
			"delivery_url": "https://elsewhere.example.com/hook",
		}

	def ours(self) -> list[dict]:
		url = delivery_url(self.settings.name)
		return [h for h in self.fake.webhooks.values() if h["delivery_url"] == url]

	def test_register_creates_repairs_and_remove_deletes_only_ours(self):
		result = register_webhooks(self.settings.name)
		self.assertTrue(result["ok"], result["message"])
		hooks = self.ours()
		self.assertEqual(sorted(h["topic"] for h in hooks), sorted(ORDER_TOPICS))
		secret = self.settings.get_password("webhook_secret")
		self.assertTrue(all(h["secret"] == secret and h["status"] == "active" for h in hooks))
		hooks[0]["status"] = "disabled"  # WooCommerce disables a webhook after repeated failures
		result = register_webhooks(self.settings.name)
		self.assertIn("re-enabled (was disabled)", result["message"])
		self.assertEqual(len(self.ours()), 4)
		self.assertTrue(all(h["status"] == "active" for h in self.ours()))
		result = remove_webhooks(self.settings.name)
		self.assertTrue(result["ok"])
		self.assertEqual(self.ours(), [])
		self.assertIn(900, self.fake.webhooks, "another tool's webhook is left alone")

	def test_bad_keys_are_explained(self):
		self.settings.consumer_secret = "cs_" + "0" * 40
		self.settings.save()
		result = register_webhooks(self.settings.name)
		self.assertFalse(result["ok"])
		self.assertIn("refused the consumer key/secret", result["message"])

	def test_the_hourly_sync_notices_a_disabled_webhook(self):
		register_webhooks(self.settings.name)
		self.ours()[1]["status"] = "disabled"
		run = sync_store(self.settings.name, "Scheduler")
		notes = frappe.db.get_value("WooCommerce Sync Log", run.name, "notes")
		self.assertIn("webhook is disabled", notes)
		self.assertIn("Register Webhooks", notes)
