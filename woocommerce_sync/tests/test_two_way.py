"""ERPNext -> WooCommerce on a real site: submit, cancel, status change, export, the hourly
two-way pass and its echo rule, against the fake store."""

import json
import typing
from datetime import datetime, timedelta, timezone

import frappe

from woocommerce_sync.orders.sales_order_to_woocommerce import (
	sync_both_ways,
	sync_with_woocommerce,
	woocommerce_admin_url,
)
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.tests.utils import StoreTestCase, get_company

API = "/wp-json/wc/v3/orders"


class TwoWayTestCase(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def setUp(self):
		super().setUp()
		self.order = self.fake.generate_orders(1, status="processing")[0]
		sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"]]))
		self.so = frappe.get_doc(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(self.order["id"])}
		)
		self.fake.reset_counters()

	def sent(self, method: str = "PUT") -> list[dict]:
		return [
			json.loads(r["body"])
			for r in self.fake.requests
			if r["method"] == method and r["path"].startswith(API)
		]

	def store_order(self) -> dict:
		return self.fake.orders[self.order["id"]]

	def later(self, minutes: int) -> None:
		"""The store's clock moves on, so its next change is newer than everything so far."""
		self.fake.set_time(datetime.now(timezone.utc) + timedelta(minutes=minutes))


class TestSubmitAndStatus(TwoWayTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 0}

	def test_submit_pushes_what_changed_and_only_that(self):
		self.so.woocommerce_status = "completed"
		self.so.woocommerce_customer_note = "Gift wrap"
		self.so.save()
		self.so.submit()
		self.assertEqual(self.sent(), [{"status": "completed", "customer_note": "Gift wrap"}])
		self.assertEqual(self.store_order()["status"], "completed")
		synced = frappe.db.get_value(
			"Sales Order", self.so.name, ["woocommerce_sync_hash", "woocommerce_modified"], as_dict=True
		)
		self.assertTrue(synced.woocommerce_sync_hash)
		self.assertEqual(synced.woocommerce_modified.isoformat(), self.store_order()["date_modified_gmt"])

	def test_submit_without_changes_sends_nothing(self):
		self.so.submit()
		self.assertEqual(self.sent(), [])
		self.assertEqual(self.fake.request_count("GET", f"{API}/{self.order['id']}"), 1)


class TestSubmittedOrders(TwoWayTestCase):
	def test_status_change_on_a_submitted_order_is_pushed(self):
		self.so.woocommerce_status = "on-hold"
		self.so.save()
		self.assertEqual(self.sent(), [{"status": "on-hold"}])
		self.assertEqual(self.store_order()["status"], "on-hold")

	def test_cancel_cancels_the_woocommerce_order(self):
		self.so.cancel()
		self.assertEqual(self.sent(), [{"status": "cancelled"}])
		self.assertEqual(self.store_order()["status"], "cancelled")

	def test_a_store_that_is_down_never_blocks_the_person_and_the_hourly_pass_catches_up(self):
		self.fake.inject_fault("unauthorized", times=5)
		self.so.woocommerce_status = "completed"
		self.so.save()  # not blocked
		self.assertEqual(self.store_order()["status"], "processing")
		self.fake.clear_faults()
		sync_both_ways(self.store)
		self.assertEqual(self.store_order()["status"], "completed")

	def test_an_order_deleted_in_the_store_is_said_in_plain_words(self):
		del self.fake.orders[self.order["id"]]
		self.so.woocommerce_status = "completed"
		self.so.save()
		messages = " ".join(str(m) for m in frappe.message_log)
		self.assertIn("no longer exists", messages)

	def test_orders_cancelled_by_the_store_are_not_sent_back(self):
		self.later(5)
		self.store_order()["status"] = "cancelled"
		self.fake._stamp(self.store_order())
		sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"]]))
		self.assertEqual(frappe.db.get_value("Sales Order", self.so.name, "docstatus"), 2)
		self.assertEqual(self.sent(), [], "the import's own cancel is not pushed")


class TestEditableLines(TwoWayTestCase):
	def setUp(self):
		super().setUp()
		self.so.woocommerce_status = "on-hold"  # WooCommerce lets one edit an on-hold order's items
		self.so.save()
		self.fake.reset_counters()

	def test_update_items_on_an_editable_order_sends_the_new_quantity(self):
		from erpnext.controllers.accounts_controller import update_child_qty_rate

		row = self.so.items[0]
		items = [
			{
				"docname": r.name,
				"item_code": r.item_code,
				"qty": r.qty + (1 if r.name == row.name else 0),
				"rate": r.rate,
				"conversion_factor": r.conversion_factor,
				"uom": r.uom,
				"delivery_date": str(r.delivery_date),
			}
			for r in self.so.items
		]
		update_child_qty_rate("Sales Order", json.dumps(items), self.so.name)
		sent = self.sent()
		self.assertEqual(len(sent), 1, sent)
		[change] = sent[0]["line_items"]
		self.assertEqual((change["id"], change["quantity"]), (int(row.woocommerce_line_id), int(row.qty) + 1))
		line = next(li for li in self.store_order()["line_items"] if li["id"] == change["id"])
		self.assertEqual(line["quantity"], int(row.qty) + 1)


class TestHourlyTwoWayPass(TwoWayTestCase):
	def test_woocommerce_newer_is_pulled_erpnext_newer_is_pushed_and_nothing_echoes(self):
		self.later(5)
		self.store_order()["status"] = "completed"
		self.fake._stamp(self.store_order())
		sync_both_ways(self.store)
		self.assertEqual(frappe.db.get_value("Sales Order", self.so.name, "woocommerce_status"), "completed")
		self.assertEqual(self.sent(), [])

		self.fake.reset_counters()
		sync_both_ways(self.store)
		self.assertEqual(self.sent(), [], "an import is not pushed back")

		frappe.db.set_value("Sales Order", self.so.name, "woocommerce_customer_note", "Call before delivery")
		sync_both_ways(self.store)
		self.assertEqual(self.sent(), [{"customer_note": "Call before delivery"}])
		self.assertEqual(self.store_order()["customer_note"], "Call before delivery")

		self.fake.reset_counters()
		modified = frappe.db.get_value("Sales Order", self.so.name, "modified")
		sync_both_ways(self.store)
		self.assertEqual(self.sent(), [], "our push does not come back as a WooCommerce change")
		self.assertEqual(frappe.db.get_value("Sales Order", self.so.name, "modified"), modified)

	def test_both_changed_within_the_overlap_is_left_for_a_person(self):
		frappe.db.set_value("Sales Order", self.so.name, "woocommerce_customer_note", "ERPNext note")
		self.store_order()["customer_note"] = "Shop note"
		self.fake._stamp(self.store_order())
		run = sync_both_ways(self.store)
		self.assertEqual(self.sent(), [])
		self.assertTrue(any("both changed" in f["reason"] for f in run.failures), run.failures)

	def test_the_wp_admin_link(self):
		self.assertEqual(
			woocommerce_admin_url(self.so.name),
			f"{self.fake.url}/wp-admin/post.php?post={self.order['id']}&action=edit",
		)

	def test_sync_with_woocommerce_answers_what_happened(self):
		self.assertIn("nothing to do", sync_with_woocommerce(self.so.name))
		frappe.db.set_value("Sales Order", self.so.name, "woocommerce_status", "on-hold")
		self.assertIn("updated", sync_with_woocommerce(self.so.name))
		self.assertEqual(self.store_order()["status"], "on-hold")


class TestExport(StoreTestCase):
	def setUp(self):
		super().setUp()
		self.product = next(p for p in self.fake.products.values() if p.get("type") == "simple")
		self.item = self._item(link=True)
		self.customer = self._customer()

	def _item(self, link: bool) -> str:
		code = f"WC-EXPORT-{frappe.generate_hash(length=6)}"
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		)
		if link:
			item.append(
				"woocommerce_links",
				{"woocommerce_server": self.store, "woocommerce_product_id": self.product["id"]},
			)
		return item.insert(ignore_permissions=True).name

	def _customer(self) -> frappe._dict:
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": "Ada Lovelace", "customer_type": "Individual"}
		).insert(ignore_permissions=True)
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": customer.name,
				"address_type": "Billing",
				"address_line1": "12 St James's Square",
				"city": "London",
				"pincode": "SW1Y 4JH",
				"country": "United Kingdom",
				"email_id": "ada@example.com",
				"links": [{"link_doctype": "Customer", "link_name": customer.name}],
			}
		).insert(ignore_permissions=True)
		return frappe._dict(name=customer.name, address=address.name)

	def sales_order(self, *items: str):
		company = get_company()
		return frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": company.name,
				"customer": self.customer.name,
				"customer_address": self.customer.address,
				"transaction_date": frappe.utils.today(),
				"delivery_date": frappe.utils.add_days(frappe.utils.today(), 7),
				"woocommerce_server": self.store,
				"items": [
					{"item_code": code, "qty": 2, "rate": 12.5, "warehouse": company.warehouse}
					for code in items
				],
			}
		).insert(ignore_permissions=True)

	def test_an_erpnext_order_is_created_in_the_store_and_linked(self):
		so = self.sales_order(self.item)
		so.submit()
		so.reload()
		self.assertTrue(so.woocommerce_id)
		order = self.fake.orders[int(so.woocommerce_id)]
		self.assertEqual(order["line_items"][0]["product_id"], self.product["id"])
		self.assertEqual(order["line_items"][0]["quantity"], 2)
		self.assertEqual(order["line_items"][0]["total"], "25.00")
		self.assertEqual(order["billing"]["city"], "London")
		self.assertEqual(order["billing"]["email"], "ada@example.com")
		self.assertEqual(so.woocommerce_live_key, f"{self.store}:{so.woocommerce_id}")
		self.fake.reset_counters()
		sync_both_ways(self.store)
		self.assertEqual(self.fake.request_count("PUT"), 0, "nothing to send after the export")

	def test_unpaired_items_are_named_and_nothing_is_created(self):
		unpaired = self._item(link=False)
		so = self.sales_order(self.item, unpaired)
		before = len(self.fake.orders)
		with self.assertRaises(frappe.ValidationError) as raised:
			so.submit()
		self.assertIn(unpaired, str(raised.exception))
		self.assertEqual(len(self.fake.orders), before)

	def test_a_product_deleted_in_the_store_is_said_in_plain_words_and_nothing_is_half_written(self):
		so = self.sales_order(self.item)
		frappe.db.commit()  # as a request would, the failed submit is rolled back to this
		del self.fake.products[self.product["id"]]
		with self.assertRaises(frappe.ValidationError) as raised:
			so.submit()
		frappe.db.rollback()
		self.assertIn("was not submitted", str(raised.exception))
		self.assertIn("Product ID provided is invalid", str(raised.exception))
		self.assertEqual(
			frappe.db.get_value("Sales Order", so.name, ["docstatus", "woocommerce_id"]), (0, None)
		)
