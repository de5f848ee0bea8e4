"""Every stock-moving document reaches the shop's stock_quantity through the minute push.

Documents are committed (the push only sees committed stock, as in production), so each test
makes its own store and Items and disables the store when done.
"""

import json

import frappe
from frappe.utils import nowdate

from woocommerce_sync.constants import ITEM_STORE, SETTINGS, SYNC_LOG
from woocommerce_sync.products.full_pass import reconcile_store
from woocommerce_sync.products.links import link_item
from woocommerce_sync.products.push import push_pending
from woocommerce_sync.tests.product_utils import (
	ProductStoreTestCase,
	make_item,
	paired_items,
	receive,
	selling_doc,
	supplier,
)
from woocommerce_sync.tests.utils import get_company

BATCH = "/wp-json/wc/v3/products/batch"


class StockTestCase(ProductStoreTestCase):
	def store_settings(self) -> dict:
		return {"regular_price_list": None, "sale_price_list": None}

	def setUp(self):
		super().setUp()
		self.company = get_company()

	def stock_of(self, item_code: str):
		product_id = next(p["id"] for p in self.fake.products.values() if p.get("sku") == item_code)
		return self.fake.products[product_id]["stock_quantity"]

	def latest_log(self):
		name = frappe.get_all(
			SYNC_LOG,
			filters={"store": self.store},
			order_by="creation desc",
			limit=1,
			pluck="name",
		)[0]
		return frappe.get_doc(SYNC_LOG, name)


class TestStockDocuments(StockTestCase):
	def test_each_stock_document_pushes_the_available_quantity(self):
		(item,) = paired_items(self.fake, self.store, 1)
		receive([item], 10)
		self.push()
		self.assertEqual(self.stock_of(item), 10)

		receipt = frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": self.company.name,
				"supplier": supplier(),
				"currency": "USD",
				"set_warehouse": self.company.warehouse,
				"items": [{"item_code": item, "qty": 5, "rate": 8, "warehouse": self.company.warehouse}],
			}
		).insert(ignore_permissions=True)
		receipt.submit()
		self.push()
		self.assertEqual(self.stock_of(item), 15, "Purchase Receipt")

		selling_doc("Delivery Note", {item: 3})
		self.push()
		self.assertEqual(self.stock_of(item), 12, "Delivery Note")

		selling_doc("Sales Invoice", {item: 2}, update_stock=1, due_date=nowdate())
		self.push()
		self.assertEqual(self.stock_of(item), 10, "Sales Invoice with Update Stock")

		issue = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Issue",
				"company": self.company.name,
				"items": [{"item_code": item, "qty": 4, "s_warehouse": self.company.warehouse}],
			}
		).insert(ignore_permissions=True)
		issue.submit()
		self.push()
		self.assertEqual(self.stock_of(item), 6, "Stock Entry")

		reconciliation = frappe.get_doc(
			{
				"doctype": "Stock Reconciliation",
				"company": self.company.name,
				"purpose": "Stock Reconciliation",
				"items": [
					{"item_code": item, "warehouse": self.company.warehouse, "qty": 25, "valuation_rate": 10}
				],
			}
		).insert(ignore_permissions=True)
		reconciliation.submit()
		self.push()
		self.assertEqual(self.stock_of(item), 25, "Stock Reconciliation")

	def test_nothing_leaves_before_the_commit_and_a_rollback_leaves_nothing(self):
		(item,) = paired_items(self.fake, self.store, 1)
		frappe.db.commit()
		self.fake.reset_counters()
		receive([item], 7)
		self.assertEqual(self.fake.request_count(), 0, "no call inside the stock transaction")
		frappe.db.rollback()
		members = {m.decode() for m in frappe.cache.smembers("woocommerce_sync:stock_pending")}
		self.assertFalse(any(m.startswith(f"{item}\x1f") for m in members))
		push_pending()
		self.assertEqual(self.stock_of(item), 5, "the fake store's own figure, untouched")

	def test_sales_order_reservations_count_against_the_stock(self):
		(item,) = paired_items(self.fake, self.store, 1)
		receive([item], 10)
		self.push()
		order = selling_doc("Sales Order", {item: 4})
		self.push()
		self.assertEqual(self.stock_of(item), 6, "reserved by the submitted Sales Order")
		order.cancel()
		self.push()
		self.assertEqual(self.stock_of(item), 10, "released by the cancellation")

	def test_more_reserved_than_in_stock_is_zero_not_negative(self):
		(item,) = paired_items(self.fake, self.store, 1)
		receive([item], 2)
		selling_doc("Sales Order", {item: 5})
		self.push()
		self.assertEqual(self.stock_of(item), 0)

	def test_a_20_line_delivery_note_is_one_batch_request(self):
		items = paired_items(self.fake, self.store, 20)
		receive(items, 10)
		self.push()
		self.fake.reset_counters()
		selling_doc("Delivery Note", dict.fromkeys(items, 1))
		self.push()
		self.assertEqual(self.fake.request_count("POST", BATCH), 1)
		self.assertEqual(self.fake.request_count(), 1)
		self.assertEqual({self.stock_of(item) for item in items}, {9})

	def test_nothing_is_pushed_for_items_not_sold_on_the_store(self):
		(sold,) = paired_items(self.fake, self.store, 1)
		(not_sold,) = paired_items(self.fake, self.store, 1)
		frappe.db.delete(ITEM_STORE, {"parent": not_sold})
		frappe.db.commit()
		self.fake.reset_counters()
		receive([not_sold], 7)
		self.push()
		self.assertEqual(self.fake.request_count(), 0)
		self.assertEqual(self.stock_of(not_sold), 5, "the shop keeps its own figure")
		receive([sold, not_sold], 1)
		self.push()
		sent = json.loads(self.fake.requests[-1]["body"])
		self.assertEqual([u["id"] for u in sent["update"]], [self.fake_id(sold)])

	def test_a_warehouse_the_store_does_not_sell_from_is_ignored(self):
		(item,) = paired_items(self.fake, self.store, 1)
		other = frappe.get_all(
			"Warehouse",
			filters={"company": self.company.name, "is_group": 0, "name": ("!=", self.company.warehouse)},
			pluck="name",
		)[0]
		self.fake.reset_counters()
		receive([item], 9, warehouse=other)
		self.push()
		self.assertEqual(self.fake.request_count(), 0)

	def test_product_without_manage_stock_is_reported(self):
		(item,) = paired_items(self.fake, self.store, 1)
		self.fake.products[self.fake_id(item)]["manage_stock"] = False
		receive([item], 3)
		self.push()
		log = self.latest_log()
		self.assertEqual(log.status, "Partial Failure")
		self.assertIn("Manage stock", log.failures[0].reason)
		self.assertEqual((log.failures[0].reference_doctype, log.failures[0].reference_name), ("Item", item))

	def test_decimal_quantities_only_when_the_store_allows_them(self):
		item = make_item(f"WCD{frappe.generate_hash(length=5).upper()}", (self.store,), stock_uom="Kg")
		product = self.fake.add_products(1, prefix=item)[0]
		link_item(item, self.store, product["id"])
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": self.company.name,
				"items": [
					{"item_code": item, "qty": 2.75, "t_warehouse": self.company.warehouse, "basic_rate": 3}
				],
			}
		).insert(ignore_permissions=True).submit()
		self.push()
		self.assertEqual(self.fake.products[product["id"]]["stock_quantity"], 2)
		self.settings.reload()
		self.settings.allow_decimal_stock = 1
		self.settings.save()
		self.fake.decimal_stock = True
		receive([item], 0.5)
		self.push()
		self.assertEqual(self.fake.products[product["id"]]["stock_quantity"], 3.25)

	def test_variation_stock_goes_to_its_products_variation_batch(self):
		item = make_item(f"WCV{frappe.generate_hash(length=5).upper()}", (self.store,))
		link_item(item, self.store, 11, 12)
		self.fake.variations[12]["manage_stock"] = True
		receive([item], 3)
		self.fake.reset_counters()
		self.push()
		self.assertEqual(self.fake.variations[12]["stock_quantity"], 3)
		self.assertEqual(self.fake.request_count("POST", "/wp-json/wc/v3/products/11/variations/batch"), 1)

	def test_store_down_keeps_the_change_for_the_next_minute(self):
		(item,) = paired_items(self.fake, self.store, 1)
		receive([item], 4)
		frappe.db.commit()
		self.fake.inject_fault("status", times=10, code=503)
		with self.settings_retries(0):
			push_pending()
		self.assertEqual(self.stock_of(item), 5, "not reached")
		self.fake.clear_faults()
		push_pending()
		self.assertEqual(self.stock_of(item), 4)

	def settings_retries(self, retries: int):
		from unittest.mock import patch

		from woocommerce_sync import connection
		from woocommerce_sync.core.client import BACKGROUND, ClientProfile

		original = connection.get_client
		profile = ClientProfile(timeout=BACKGROUND.timeout, max_retries=retries)
		return patch(
			"woocommerce_sync.products.push.get_client", lambda store, *args, **kw: original(store, profile)
		)

	def fake_id(self, item_code: str) -> int:
		return next(p["id"] for p in self.fake.products.values() if p.get("sku") == item_code)


class TestFullPass(StockTestCase):
	def test_full_pass_fixes_drift_and_reports_what_it_cannot_fix(self):
		items = paired_items(self.fake, self.store, 4)
		receive(items, 6)
		frappe.db.commit()
		drifted, unmanaged, deleted, right = items
		self.fake.products[self.fake_id(right)]["stock_quantity"] = 6
		self.fake.products[self.fake_id(drifted)]["stock_quantity"] = 99
		self.fake.products[self.fake_id(unmanaged)]["manage_stock"] = False
		del self.fake.products[self.fake_id(deleted)]
		self.fake.reset_counters()

		run = reconcile_store(self.store, "Manual")

		self.assertEqual(self.stock_of(drifted), 6)
		self.assertEqual(self.fake.request_count("POST", BATCH), 1)
		sent = json.loads(self.fake.requests[-1]["body"])
		self.assertEqual([u["id"] for u in sent["update"]], [self.fake_id(drifted)], "only what drifted")
		reasons = {f["reference_name"]: f["reason"] for f in run.failures}
		self.assertIn("Manage stock", reasons[unmanaged])
		self.assertIn("no longer exists", reasons[deleted])
		self.assertEqual(set(reasons), {unmanaged, deleted})
		self.assertTrue(frappe.db.get_value(SETTINGS, self.store, "last_stock_reconciliation"))

	def test_full_pass_reads_quantities_with_one_query_per_batch(self):
		items = paired_items(self.fake, self.store, 120)
		frappe.db.commit()
		from woocommerce_sync.products import stock as stock_sync

		reads = []
		original = stock_sync.read_bins
		with self.patch_read_bins(
			lambda codes, warehouses: reads.append(len(codes)) or original(codes, warehouses)
		):
			reconcile_store(self.store, "Manual")
		self.assertEqual(reads, [100, 20])
		self.assertEqual({self.stock_of(item) for item in items}, {0})

	def patch_read_bins(self, replacement):
		from unittest.mock import patch

		return patch("woocommerce_sync.products.stock.read_bins", replacement)

	fake_id = TestStockDocuments.fake_id
