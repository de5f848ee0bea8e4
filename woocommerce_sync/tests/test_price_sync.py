"""Price list changes reach the shop each minute; the other way, the shop's prices reach ERPNext."""

from typing import ClassVar

import frappe
from frappe.utils import add_days, getdate, nowdate

from woocommerce_sync.products.full_pass import reconcile_store
from woocommerce_sync.products.links import link_item
from woocommerce_sync.products.push import push_pending
from woocommerce_sync.tests.product_utils import (
	SALE_PRICE_LIST,
	ProductStoreTestCase,
	make_item,
	paired_items,
)


def item_price(item_code: str, price_list: str, rate: float, **values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Item Price",
			"price_list": price_list,
			"item_code": item_code,
			"price_list_rate": rate,
			**values,
		}
	).insert(ignore_permissions=True)
	return doc.name


class PriceTestCase(ProductStoreTestCase):
	store_values: ClassVar[dict] = {}

	def store_settings(self) -> dict:
		return {"sync_stock": 0, **self.store_values}

	def setUp(self):
		super().setUp()
		(self.item,) = paired_items(self.fake, self.store, 1)
		self.product = next(p for p in self.fake.products.values() if p.get("sku") == self.item)


class TestPricesToWooCommerce(PriceTestCase):
	def test_price_list_changes_are_pushed(self):
		name = item_price(self.item, "Standard Selling", 14.5)
		self.push()
		self.assertEqual((self.product["regular_price"], self.product["price"]), ("14.50", "14.50"))
		doc = frappe.get_doc("Item Price", name)
		doc.price_list_rate = 16
		doc.save()
		self.push()
		self.assertEqual(self.product["regular_price"], "16.00")

	def test_prices_of_other_lists_are_not_queued(self):
		item_price(self.item, "Standard Buying", 3)
		frappe.db.commit()
		self.assertFalse(frappe.cache.sismember("woocommerce_sync:price_pending", self.item))
		item_price(self.item, "Standard Selling", 4)
		frappe.db.commit()
		self.assertTrue(frappe.cache.sismember("woocommerce_sync:price_pending", self.item))

	def test_sale_price_with_dates_and_its_end(self):
		item_price(self.item, "Standard Selling", 20)
		start, end = getdate(nowdate()), getdate(add_days(nowdate(), 10))
		sale = item_price(self.item, SALE_PRICE_LIST, 15, valid_from=start, valid_upto=end)
		self.push()
		self.assertEqual(
			(self.product["sale_price"], self.product["date_on_sale_from"], self.product["date_on_sale_to"]),
			("15.00", f"{start}T00:00:00", f"{end}T23:59:59"),
		)
		self.assertEqual(self.product["price"], "15.00")
		frappe.delete_doc("Item Price", sale)
		self.push()
		self.assertEqual((self.product["sale_price"], self.product["price"]), ("", "20.00"))

	def test_a_variation_gets_its_variants_price(self):
		item = make_item(f"WCVP{frappe.generate_hash(length=5).upper()}", (self.store,))
		link_item(item, self.store, 11, 12)
		item_price(item, "Standard Selling", 25)
		self.fake.reset_counters()
		self.push()
		self.assertEqual(self.fake.variations[12]["regular_price"], "25.00")
		self.assertEqual(self.fake.request_count("POST", "/wp-json/wc/v3/products/11/variations/batch"), 1)

	def test_full_pass_sends_only_prices_that_differ(self):
		item_price(self.item, "Standard Selling", 10)  # the fake product's price already
		frappe.db.commit()
		frappe.cache.delete_value("woocommerce_sync:price_pending")
		self.fake.reset_counters()
		reconcile_store(self.store, "Manual")
		self.assertEqual(self.fake.request_count("POST"), 0)
		self.product["regular_price"] = "11.00"
		reconcile_store(self.store, "Manual")
		self.assertEqual(self.product["regular_price"], "10.00")


class TestTaxInclusiveStore(PriceTestCase):
	store_values: ClassVar[dict] = {"prices_include_tax": 1, "price_tax_rate": 20}

	def test_net_price_list_becomes_gross_in_the_shop(self):
		item_price(self.item, "Standard Selling", 16.66)
		self.push()
		self.assertEqual(self.product["regular_price"], "19.99")


class TestPricesFromWooCommerce(PriceTestCase):
	store_values: ClassVar[dict] = {
		"price_direction": "WooCommerce to ERPNext",
		"prices_include_tax": 1,
		"price_tax_rate": 20,
	}

	def test_shop_prices_flow_into_the_price_lists_net_of_tax(self):
		self.product.update(regular_price="24.00", sale_price="18.00", date_on_sale_to="2030-01-31T23:59:59")
		self.fake.reset_counters()
		run = reconcile_store(self.store, "Manual")
		self.assertEqual(run.counts["failed"], 0, run.failures)
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"item_code": self.item, "price_list": "Standard Selling"}, "price_list_rate"
			),
			20,
		)
		sale = frappe.db.get_value(
			"Item Price",
			{"item_code": self.item, "price_list": SALE_PRICE_LIST},
			["price_list_rate", "valid_upto"],
		)
		self.assertEqual((sale[0], str(sale[1])), (15, "2030-01-31"))
		self.assertEqual(self.fake.request_count("POST"), 0, "nothing pushed back to the shop")
		push_pending()
		self.assertEqual(self.fake.request_count("POST"), 0, "no echo of the written prices")

		again = reconcile_store(self.store, "Manual")
		self.assertEqual(again.counts["updated"], 0, "unchanged prices are not rewritten")
