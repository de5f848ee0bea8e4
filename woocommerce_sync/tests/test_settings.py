"""WooCommerce Integration Settings on a real ERPNext site: validation, Test Connection, Request Log."""

import json
import socket
import time
from unittest.mock import patch

import frappe
from frappe.deferred_insert import save_to_db
from frappe.tests.utils import FrappeTestCase

from woocommerce_sync.connection import ALLOW_PRIVATE_STORE_URLS
from woocommerce_sync.constants import REQUEST_LOG
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import get_company, get_other_company, make_settings


class TestSettingsValidation(FrappeTestCase):
	def test_url_is_normalised(self):
		doc = make_settings(store_url="Shop.Example.com/wp-json/wc/v3/").insert()
		self.assertEqual(doc.store_url, "https://shop.example.com")

	def test_http_is_refused_for_a_remote_store(self):
		with self.assertRaisesRegex(frappe.ValidationError, "uses http"):
			make_settings(store_url="http://shop.example.com").insert()

	def test_http_is_allowed_on_loopback(self):
		doc = make_settings(store_url="http://127.0.0.1:8080/").insert()
		self.assertEqual(doc.store_url, "http://127.0.0.1:8080")

	def test_private_addresses_need_the_site_config_key(self):
		"""The test site sets the key (the fake store is on 127.0.0.1); here it is taken away."""
		cases = [
			("http://127.0.0.1:8080", "127.0.0.1"),
			("https://10.1.2.3", "10.1.2.3"),
			("https://[fd00::5]", "fd00::5"),
			("https://169.254.169.254", "169.254.169.254"),
		]
		for url, address in cases:
			with patch.dict(frappe.local.conf, {ALLOW_PRIVATE_STORE_URLS: 0}):
				with self.assertRaisesRegex(frappe.ValidationError, ALLOW_PRIVATE_STORE_URLS) as raised:
					make_settings(store_name="private-shop", store_url=url).insert()
			self.assertIn(f"WooCommerce store private-shop: {url} leads to {address}", str(raised.exception))
			self.assertEqual(make_settings(store_url=url).insert().store_url, url, "allowed with the key")

	def test_statuses_are_normalised(self):
		doc = make_settings(statuses_to_import="wc-Processing, on-hold\n\ncompleted\nprocessing").insert()
		self.assertEqual(doc.get_statuses_to_import(), ["processing", "on-hold", "completed"])

	def test_default_statuses(self):
		doc = make_settings().insert()
		self.assertEqual(doc.get_statuses_to_import(), ["processing", "on-hold", "completed"])

	def test_empty_statuses_are_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "at least one WooCommerce order status"):
			make_settings(statuses_to_import=" , ").insert()

	def test_warehouse_of_another_company_is_refused(self):
		other = get_other_company()
		with self.assertRaisesRegex(frappe.ValidationError, "belongs to company"):
			make_settings(warehouse=other.warehouse).insert()

	def test_tax_account_of_another_company_is_refused(self):
		other = get_other_company()
		doc = make_settings()
		doc.append("tax_accounts", {"tax_rate_id": 1, "account": other.tax_account})
		with self.assertRaisesRegex(frappe.ValidationError, "belongs to company"):
			doc.insert()

	def test_group_account_is_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "is a group"):
			make_settings(shipping_account=get_company().group_account).insert()

	def test_tax_rate_mapped_twice_is_refused(self):
		company = get_company()
		doc = make_settings()
		doc.append("tax_accounts", {"tax_rate_id": 1, "account": company.tax_account})
		doc.append("tax_accounts", {"tax_rate_id": 1, "account": company.tax_account})
		with self.assertRaisesRegex(frappe.ValidationError, "mapped twice"):
			doc.insert()

	def test_valid_accounts_are_accepted(self):
		company = get_company()
		doc = make_settings(
			default_tax_account=company.tax_account,
			shipping_account=company.income_account,
			cost_center=company.cost_center,
		)
		doc.append("tax_accounts", {"tax_rate_id": 1, "account": company.tax_account})
		doc.insert()
		self.assertEqual(doc.tax_accounts[0].account, company.tax_account)

	def test_unknown_naming_series_is_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "not a Sales Order naming series"):
			make_settings(sales_order_series="NOPE-.####").insert()

	def test_secrets_are_not_stored_in_the_document(self):
		doc = make_settings().insert()
		row = frappe.db.get_value(doc.doctype, doc.name, ["consumer_key", "consumer_secret"], as_dict=True)
		self.assertNotIn("ck_", str(row))
		self.assertTrue(doc.get_password("consumer_key").startswith("ck_"))


class TestConnection(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.store = FakeWooCommerceStore()
		cls.store.start()

	@classmethod
	def tearDownClass(cls):
		cls.store.stop()
		super().tearDownClass()

	def setUp(self):
		self.store.clear_faults()
		save_to_db()  # flush what earlier tests queued, so each test sees only its own rows

	def test_success_reports_versions_currency_and_tax(self):
		doc = make_settings(self.store).insert()
		result = doc.test_connection()
		self.assertTrue(result["ok"], result["message"])
		self.assertEqual(result["woocommerce_version"], "8.9.1")
		self.assertEqual(result["wordpress_version"], "6.5.3")
		self.assertEqual(result["currency"], "USD")
		self.assertIn("WooCommerce 8.9.1 on WordPress 6.5.3", result["message"])
		doc.reload()
		self.assertEqual(doc.woocommerce_version, "8.9.1")
		self.assertEqual(doc.store_currency, "USD")
		self.assertTrue(doc.last_connection_test)

	def test_bad_keys(self):
		doc = make_settings(self.store, consumer_secret="cs_" + "0" * 40).insert()
		result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn(f"WooCommerce store {doc.name} refused the consumer key/secret", result["message"])
		self.assertIn("WooCommerce > Settings > Advanced > REST API", result["message"])

	def test_wrong_url(self):
		with socket.socket() as sock:
			sock.bind(("127.0.0.1", 0))
			port = sock.getsockname()[1]
		doc = make_settings(self.store, store_url=f"http://127.0.0.1:{port}").insert()
		result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn("could not be reached", result["message"])

	def test_a_hanging_store_is_said_to_be_slow_within_ten_seconds(self):
		"""A person waits for Test Connection: one retry, 10 s in all, then plain words."""
		doc = make_settings(self.store).insert()
		self.store.latency = 60
		self.addCleanup(setattr, self.store, "latency", 0)
		started = time.monotonic()
		result = doc.test_connection()
		elapsed = time.monotonic() - started
		self.assertFalse(result["ok"])
		self.assertIn(f"WooCommerce store {doc.name} is slow", result["message"])
		self.assertLessEqual(elapsed, 10.5)

	def test_permalinks_off(self):
		doc = make_settings(self.store).insert()
		self.store.inject_fault("html", times=5, status=404, path_prefix="/wp-json/")
		result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn("Permalinks", result["message"])

	def test_security_plugin_page(self):
		doc = make_settings(self.store).insert()
		self.store.inject_fault("html", times=5, status=403, path_prefix="/wp-json/")
		result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn("instead of JSON", result["message"])

	def test_a_store_url_now_on_a_private_address_is_not_called(self):
		"""Checked again when a client is built, so a DNS change after saving cannot get past."""
		doc = make_settings(self.store).insert()
		self.store.reset_counters()
		with patch.dict(frappe.local.conf, {ALLOW_PRIVATE_STORE_URLS: 0}):
			result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn(f"WooCommerce store {doc.name}: {self.store.url} leads to 127.0.0.1", result["message"])
		self.assertIn(f"set-config {ALLOW_PRIVATE_STORE_URLS} 1", result["message"])
		self.assertEqual(self.store.request_count(), 0)

	def test_a_host_that_rebinds_to_a_private_address_is_not_called(self):
		"""DNS rebinding: the name resolves to a public address for the check and to 127.0.0.1 for
		the connection. The connection's own peer address is judged, so nothing is sent."""
		doc = make_settings(self.store).insert()
		host = "rebind.example.test"
		doc.db_set("store_url", self.store.url.replace("127.0.0.1", host))
		real_getaddrinfo = socket.getaddrinfo
		answers = iter(["93.184.216.34"])

		def rebinding(name, *args, **kwargs):
			if name == host:
				name = next(answers, "127.0.0.1")
			return real_getaddrinfo(name, *args, **kwargs)

		self.store.reset_counters()
		with (
			patch.dict(frappe.local.conf, {ALLOW_PRIVATE_STORE_URLS: 0}),
			patch("socket.getaddrinfo", rebinding),
		):
			result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn(f"WooCommerce store {doc.name}: http://{host}:", result["message"])
		self.assertIn("leads to 127.0.0.1", result["message"])
		self.assertEqual(self.store.request_count(), 0)

	def test_tls_error(self):
		doc = make_settings(self.store, store_url=self.store.url.replace("http://", "https://")).insert()
		result = doc.test_connection()
		self.assertFalse(result["ok"])
		self.assertIn("TLS", result["message"])

	def test_request_log_has_no_secrets(self):
		doc = make_settings(self.store).insert()
		doc.test_connection()
		bad = make_settings(self.store, consumer_secret="cs_" + "9" * 40).insert()
		bad.test_connection()
		save_to_db()  # what the scheduler does within a minute; Test Connection leaves it queued
		rows = frappe.get_all(REQUEST_LOG, filters={"store": ("in", [doc.name, bad.name])}, fields=["*"])
		self.assertGreaterEqual(len(rows), 3)
		self.assertEqual(
			{r.endpoint for r in rows if r.store == doc.name},
			{"system_status", "settings/tax/woocommerce_prices_include_tax"},
		)
		self.assertIn(401, {r.status_code for r in rows if r.store == bad.name})
		secrets = [
			self.store.consumer_key,
			self.store.consumer_secret,
			bad.get_password("consumer_secret"),
			doc.get_password("webhook_secret"),
		]
		for row in rows:
			text = json.dumps(row, default=str)
			for secret in secrets:
				self.assertNotIn(secret, text)
			self.assertNotIn("oauth_", json.loads(row.params or "{}"))
