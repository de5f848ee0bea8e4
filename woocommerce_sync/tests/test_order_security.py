"""Who may make the site call a store, what shop text Desk shows, and who may link a Sales Order:
anonymous and role-less requests never reach the store, names reveal no store, shop HTML is
sanitised, and only the app binds a Sales Order to a WooCommerce order."""

import json
import typing

import frappe
import frappe.handler
from frappe.deferred_insert import queue_prefix
from frappe.desk.form import load

from woocommerce_sync.constants import ORDER, REQUEST_LOG
from woocommerce_sync.orders.live_key import unlink_from_woocommerce
from woocommerce_sync.orders.order_view import OrderNotFound
from woocommerce_sync.tests.test_woocommerce_order import LATER, api_get
from woocommerce_sync.tests.utils import SETTINGS, StoreTestCase, ensure_user, make_importing_settings
from woocommerce_sync.woocommerce_sync.doctype.woocommerce_order.woocommerce_order import sync_order

SCRIPT = "<img src=x onerror=alert(1)>"
NO_ROLE_USER = "wcsync-no-role@example.com"
MANAGER_USER = "wcsync-other-store-manager@example.com"


def request_log_rows() -> int:
	"""Rows written plus rows still queued for Frappe's deferred insert."""
	return frappe.db.count(REQUEST_LOG) + frappe.cache.llen(f"{queue_prefix}{REQUEST_LOG}")


class TestNoAccessWithoutPermission(StoreTestCase):
	def setUp(self):
		super().setUp()
		self.name = f"{self.store}:16"
		self.logs_before = request_log_rows()
		self.fake.reset_counters()
		self.addCleanup(frappe.set_user, "Administrator")

	def assert_refused_everywhere(self, refused: type[Exception]):
		with self.assertRaises(refused):
			api_get(f"/api/resource/{ORDER}/{self.name}")
		with self.assertRaises(refused):
			api_get(f"/api/resource/{ORDER}", filters=json.dumps([["store", "=", self.store]]))
		with self.assertRaises(refused):
			frappe.client.get_count(ORDER, filters={"store": self.store})
		with self.assertRaises(refused):
			load.getdoc(ORDER, self.name)
		with self.assertRaises(refused):
			frappe.handler.run_doc_method("sync_with_erpnext", dt=ORDER, dn=self.name)
		with self.assertRaises(refused):
			frappe.handler.run_doc_method(
				"sync_with_erpnext", docs=json.dumps({"doctype": ORDER, "name": self.name})
			)
		with self.assertRaises(refused):
			sync_order(self.name)
		self.assertEqual(self.fake.request_count(), 0, "the store was called")
		self.assertEqual(request_log_rows(), self.logs_before, "a request was logged")

	def test_guest_never_reaches_the_store(self):
		frappe.set_user("Guest")
		self.assert_refused_everywhere(frappe.PermissionError)

	def test_a_user_without_the_role_never_reaches_the_store(self):
		frappe.set_user(ensure_user(NO_ROLE_USER, ["Sales User"]))
		self.assert_refused_everywhere(frappe.PermissionError)

	def test_a_manager_restricted_to_another_store_cannot_read_this_one(self):
		other = make_importing_settings(self.fake).name
		ensure_user(MANAGER_USER, ["WooCommerce Manager"])
		permission = frappe.get_doc(
			{"doctype": "User Permission", "user": MANAGER_USER, "allow": SETTINGS, "for_value": other}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(permission.delete, ignore_permissions=True)
		frappe.set_user(MANAGER_USER)
		self.assert_refused_everywhere(OrderNotFound)
		self.assertEqual(frappe.get_doc(ORDER, f"{other}:16").woocommerce_id, 16, "the role does work")


class TestNamesRevealNothing(StoreTestCase):
	def test_unknown_store_unknown_order_and_malformed_name_read_alike(self):
		messages = {}
		for name in ("nope:1", f"{self.store}:999999", "no-colon-here"):
			with self.assertRaises(OrderNotFound) as caught:
				frappe.get_doc(ORDER, name)
			messages[name] = str(caught.exception).replace(name, "<name>")
		self.assertEqual(len(set(messages.values())), 1, messages)
		for store in frappe.get_all(SETTINGS, pluck="name"):
			self.assertNotIn(store, messages["nope:1"])
		with self.assertRaises(OrderNotFound):
			frappe.get_list(ORDER, filters={"store": "nope"})


class TestShopHtmlIsSanitised(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def test_the_virtual_order_shows_no_script(self):
		order = self.fake.orders[16]
		order["customer_note"] = SCRIPT
		order["billing"]["address_1"] = SCRIPT
		doc = frappe.get_doc(ORDER, f"{self.store}:16")
		for field in ("customer_note", "billing_address"):
			self.assertNotIn("onerror", doc.get(field), field)
		row = frappe.get_list(ORDER, filters={"name": f"{self.store}:16"}, fields=["customer_note"])[0]
		self.assertNotIn("onerror", row.customer_note)

	def test_a_web_page_quoted_in_an_error_is_escaped(self):
		self.fake.inject_fault("html", times=10)
		with self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_list(ORDER, filters={"store": self.store})
		self.assertIn("&lt;title&gt;Security check", str(caught.exception))
		self.assertNotIn("<title>", str(caught.exception))

	def test_a_note_changed_on_a_submitted_order_shows_no_script(self):
		sales_order = sync_order(f"{self.store}:16")["sales_order"]
		self.assertEqual(frappe.db.get_value("Sales Order", sales_order, "docstatus"), 1)
		self.fake.set_time(LATER)
		self.fake.orders[16]["customer_note"] = f"Ring twice {SCRIPT}"
		self.fake._stamp(self.fake.orders[16])
		self.assertEqual(sync_order(f"{self.store}:16")["outcome"], "updated")
		note = frappe.db.get_value("Sales Order", sales_order, "woocommerce_customer_note")
		self.assertIn("Ring twice", note)
		self.assertNotIn("onerror", note)


class TestOnlyTheAppLinksSalesOrders(StoreTestCase):
	def setUp(self):
		super().setUp()
		self.sales_order = sync_order(f"{self.store}:16")["sales_order"]

	def test_pointing_it_at_another_order_is_refused(self):
		so = frappe.get_doc("Sales Order", self.sales_order)
		self.assertEqual(
			(so.woocommerce_server, so.woocommerce_id), (self.store, "16"), "the import links it"
		)
		so.woocommerce_id = "17"
		with self.assertRaises(frappe.PermissionError):
			so.save()
		so.reload()
		so.woocommerce_id = None
		with self.assertRaises(frappe.PermissionError, msg="unlinking needs a reason"):
			so.save()

	def test_a_hand_made_order_cannot_claim_a_store_order(self):
		copy = frappe.copy_doc(frappe.get_doc("Sales Order", self.sales_order))
		copy.po_no = None  # ERPNext refuses a second order on the customer's PO
		copy.woocommerce_id = "17"
		with self.assertRaises(frappe.PermissionError):
			copy.insert()
		copy.woocommerce_id = None
		copy.insert()  # a store and no id: exported to the store when submitted
		self.assertEqual((copy.woocommerce_server, copy.woocommerce_id), (self.store, None))

	def test_unlinking_takes_a_reason_and_keeps_it(self):
		with self.assertRaises(frappe.ValidationError):
			unlink_from_woocommerce(self.sales_order, "  ")
		unlink_from_woocommerce(self.sales_order, "Entered twice by the shop <b>owner</b>")
		self.assertEqual(
			frappe.db.get_value(
				"Sales Order",
				self.sales_order,
				["woocommerce_server", "woocommerce_id", "woocommerce_live_key"],
			),
			(None, None, None),
		)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Sales Order", "reference_name": self.sales_order},
			pluck="content",
		)
		self.assertTrue(any("Entered twice by the shop" in c and "<b>" not in c for c in comments), comments)
