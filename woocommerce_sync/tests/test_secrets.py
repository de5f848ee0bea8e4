"""No credential reaches a log table, even when the store or a webhook caller sends hostile JSON."""

import json

import frappe
from frappe.deferred_insert import save_to_db
from frappe.utils import now_datetime
from werkzeug.test import EnvironBuilder

from woocommerce_sync import webhook
from woocommerce_sync.connection import get_client
from woocommerce_sync.core.webhook import signature
from woocommerce_sync.orders.sync_sales_orders import sync_store
from woocommerce_sync.tests.utils import StoreTestCase

LOG_TABLES = (
	"Error Log",
	"WooCommerce Request Log",
	"WooCommerce Sync Log",
	"WooCommerce Sync Log Failure",
	"WooCommerce Webhook Delivery",
)
NESTED = b"[" * 100_000 + b"]" * 100_000


class TestNoSecretInAnyLog(StoreTestCase):
	def test_json_nested_too_deeply_leaves_a_request_log_and_no_secret_anywhere(self):
		started = now_datetime()
		self.fake.inject_fault("nested", times=10, path_prefix="/wp-json/wc/v3/orders")
		run = sync_store(self.store, "Manual")
		self.assertIn("not a WooCommerce answer", run.error)
		try:  # what a background job does with a failure it did not expect
			with get_client(self.store) as client:
				client.get("orders")
		except Exception:
			frappe.log_error(title=f"test: a background job for store {self.store} failed")
		self.post_nested_webhook()
		save_to_db()

		errors = frappe.get_all(
			"WooCommerce Request Log",
			filters={"store": self.store, "endpoint": "orders", "creation": (">=", started)},
			pluck="error",
		)
		self.assertTrue(errors)
		self.assertTrue(all("nested too deeply" in (error or "") for error in errors), errors)
		self.assertTrue(frappe.db.exists("Error Log", {"creation": (">=", started)}))
		secrets = {
			"consumer key": self.fake.consumer_key,
			"consumer secret": self.fake.consumer_secret,
			"webhook secret": self.settings.get_password("webhook_secret"),
		}
		for doctype in LOG_TABLES:
			rows = frappe.get_all(doctype, filters={"creation": (">=", started)}, fields=["*"])
			text = json.dumps(rows, default=str)
			for what, secret in secrets.items():
				self.assertEqual(text.count(secret), 0, f"the {what} is in {doctype}")

	def post_nested_webhook(self) -> None:
		body = b'{"id": 7, "meta_data": ' + NESTED + b"}"
		secret = self.settings.get_password("webhook_secret")
		frappe.local.request = EnvironBuilder(
			method="POST",
			query_string={"store": self.store},
			data=body,
			headers={
				"X-WC-Webhook-Topic": "order.updated",
				"X-WC-Webhook-Signature": signature(secret, body),
			},
		).get_request()
		frappe.local.response = frappe._dict()
		self.assertEqual(webhook.receive(), {"ok": False})
		self.assertEqual(frappe.local.response.http_status_code, 400)
