"""Map Existing Products, export of Items (simple and template) and pulling products into Items."""

import frappe
from erpnext.controllers.item_variant import create_variant
from frappe.tests.utils import FrappeTestCase

from woocommerce_sync.constants import ITEM_STORE, SETTINGS
from woocommerce_sync.products.export import export_item
from woocommerce_sync.products.links import link_item, store_links
from woocommerce_sync.products.mapping import map_products
from woocommerce_sync.products.pull import ensure_attribute, pull_product
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore, _product_create, _variation_create
from woocommerce_sync.tests.product_utils import (
	SALE_PRICE_LIST,
	ensure_sale_price_list,
	make_item,
	make_stock_settings,
	receive,
)
from woocommerce_sync.tests.utils import get_other_company, make_settings


def suffix() -> str:
	return frappe.generate_hash(length=5).upper()


class ProductTestCase(FrappeTestCase):
	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.settings = make_stock_settings(self.fake, new_product_status="draft")
		self.store = self.settings.name
		self.addCleanup(self.disable_store)

	def disable_store(self):
		frappe.db.set_value(SETTINGS, self.store, "enabled", 0)
		frappe.db.commit()

	def variable_product(self, sku: str, sizes: tuple[str, ...]) -> dict:
		parent = _product_create(
			self.fake,
			{
				"name": f"Jacket {sku}",
				"type": "variable",
				"sku": sku,
				"attributes": [{"name": "Size", "options": list(sizes), "variation": True, "visible": True}],
			},
		)
		for size in sizes:
			_variation_create(
				self.fake,
				self.fake.products[parent["id"]],
				{
					"sku": f"{sku}-{size}",
					"regular_price": "30.00",
					"attributes": [{"name": "Size", "option": size}],
				},
			)
		return self.fake.products[parent["id"]]

	def template(self, code: str, sizes: tuple[str, ...], stores=()) -> list[str]:
		ensure_attribute("Size", list(sizes))
		make_item(code, stores, has_variants=1, attributes=[{"attribute": "Size"}])
		variants = []
		for size in sizes:
			variant = create_variant(code, {"Size": size})
			variant.item_code = f"{code}-{size}"
			variant.insert(ignore_permissions=True)
			variants.append(variant.name)
		return variants


class TestMapExistingProducts(ProductTestCase):
	def test_pairs_by_sku_reports_both_sides_and_creates_nothing(self):
		tag = suffix()
		products = self.fake.add_products(2, prefix=f"MAP{tag}")
		mine = [make_item(p["sku"]) for p in products]
		# "0" sorts first: the note lists the first 100 of a site's unpaired Items
		lonely = make_item(f"0LONELY{tag}")
		items_before = frappe.db.count("Item")

		dry = map_products(self.store, "Manual", dry_run=True)
		self.assertEqual(store_links(self.store), {})
		self.assertGreaterEqual(dry.counts["created"], 2)

		run = map_products(self.store, "Manual")
		links = store_links(self.store)
		for product, item in zip(products, mine, strict=True):
			self.assertEqual(links[(product["id"], 0)], item)
			self.assertTrue(frappe.db.exists(ITEM_STORE, {"parent": item, "woocommerce_server": self.store}))
		self.assertEqual(frappe.db.count("Item"), items_before, "nothing created unless asked")
		reasons = {f["woocommerce_order_id"]: f["reason"] for f in run.failures}
		self.assertIn("it has no SKU", reasons["product 14 (Sticker pack)"])
		self.assertTrue(any(lonely in note for note in run.notes), run.notes)

		again = map_products(self.store, "Manual")
		self.assertEqual(again.counts["created"], 0)
		self.assertGreaterEqual(again.counts["skipped"], 2)

	def test_pairs_made_by_the_order_import_are_reported_until_sold(self):
		(product,) = self.fake.add_products(1, prefix=f"IMP{suffix()}")
		make_item(product["sku"])
		link_item(product["sku"], self.store, product["id"], sell=False)
		run = map_products(self.store, "Manual")
		self.assertTrue(any("not marked sold" in n and product["sku"] in n for n in run.notes), run.notes)

	def test_variable_product_pairs_with_template_and_variants(self):
		tag = f"JKT{suffix()}"
		parent = self.variable_product(tag, ("S", "M"))
		variants = self.template(tag, ("S", "M"))
		map_products(self.store, "Manual")
		links = store_links(self.store)
		self.assertEqual(links[(parent["id"], 0)], tag)
		self.assertEqual(
			sorted(code for (pid, vid), code in links.items() if pid == parent["id"] and vid),
			sorted(variants),
		)

	def test_create_items_when_asked(self):
		tag = f"NEW{suffix()}"
		(product,) = self.fake.add_products(1, prefix=tag)
		run = map_products(self.store, "Manual", create_items=True)
		self.assertEqual(store_links(self.store)[(product["id"], 0)], product["sku"])
		self.assertEqual(frappe.db.get_value("Item", product["sku"], "item_name"), product["name"])
		self.assertTrue(any(product["sku"] in note for note in run.notes))


class TestExport(ProductTestCase):
	def test_new_item_is_created_then_its_changes_are_pushed(self):
		code = make_item(
			f"EXP{suffix()}", (self.store,), description="Warm", weight_per_unit=1.5, woocommerce_length=30
		)
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"price_list": "Standard Selling",
				"item_code": code,
				"price_list_rate": 12.5,
			}
		).insert()
		receive([code], 8)
		run = export_item(code, self.store)
		self.assertEqual(run.counts["created"], 1, run.failures)
		(product_id, _), item = next(iter(store_links(self.store).items()))
		self.assertEqual(item, code)
		product = self.fake.products[product_id]
		self.assertEqual(
			(product["sku"], product["name"], product["status"], product["regular_price"]),
			(code, code, "draft", "12.50"),
		)
		self.assertEqual((product["manage_stock"], product["stock_quantity"]), (True, 8))
		self.assertEqual((product["weight"], product["dimensions"]["length"]), ("1.5", "30"))

		frappe.db.set_value("Item", code, "item_name", "Warm hat")
		export_item(code, self.store)
		self.assertEqual(self.fake.products[product_id]["name"], "Warm hat")
		self.assertEqual(len([p for p in self.fake.products.values() if p.get("sku") == code]), 1)

	def test_fields_the_store_does_not_push_are_left_alone(self):
		code = make_item(f"KEEP{suffix()}", (self.store,))
		export_item(code, self.store)
		self.settings.reload()
		self.settings.push_product_name = 0
		self.settings.save()
		frappe.db.set_value("Item", code, "item_name", "Renamed in ERPNext")
		export_item(code, self.store)
		self.assertEqual(next(p for p in self.fake.products.values() if p.get("sku") == code)["name"], code)

	def test_existing_sku_in_the_shop_is_paired_not_duplicated(self):
		(product,) = self.fake.add_products(1, prefix=f"DUP{suffix()}")
		make_item(product["sku"], (self.store,))
		run = export_item(product["sku"], self.store)
		self.assertEqual(store_links(self.store), {(product["id"], 0): product["sku"]})
		self.assertEqual(run.counts["created"], 0)
		self.assertEqual(len([p for p in self.fake.products.values() if p.get("sku") == product["sku"]]), 1)

	def test_an_item_whose_sku_is_a_variation_is_paired_with_that_variation(self):
		code = make_item(f"HV{suffix()}", (self.store,))
		self.fake.variations[12]["sku"] = code
		export_item(code, self.store)
		self.assertEqual(store_links(self.store), {(11, 12): code})

	def test_template_becomes_a_variable_product_with_variations(self):
		tag = f"TPL{suffix()}"
		variants = self.template(tag, ("S", "M", "L"), stores=(self.store,))
		run = export_item(variants[0], self.store)
		self.assertEqual(run.counts["created"], 4, run.failures)
		links = store_links(self.store)
		parent_id = next(pid for (pid, vid), code in links.items() if code == tag)
		parent = self.fake.products[parent_id]
		self.assertEqual(parent["type"], "variable")
		self.assertEqual(parent["attributes"][0]["options"], ["S", "M", "L"])
		skus = sorted(self.fake.variations[v]["sku"] for v in parent["variations"])
		self.assertEqual(skus, sorted(variants))

	def test_saving_an_item_sold_on_a_store_queues_its_export(self):
		code = make_item(f"HOOK{suffix()}", (self.store,))
		item = frappe.get_doc("Item", code)
		queued = []
		with self.capture_enqueue(queued):
			item.description = "Changed"
			item.save()
			frappe.get_doc("Item", code).save()  # nothing the shop shows changed: nothing more
		self.assertEqual([(q["item_code"], q["store"]) for q in queued], [(code, self.store)])

	def capture_enqueue(self, queued):
		from unittest.mock import patch

		return patch("woocommerce_sync.products.export.frappe.enqueue", lambda *a, **kw: queued.append(kw))


class TestPull(ProductTestCase):
	def test_pull_a_simple_product(self):
		(product,) = self.fake.add_products(1, prefix=f"PUL{suffix()}")
		item_code = pull_product(self.store, product["id"])["item_code"]
		self.assertEqual(item_code, product["sku"])
		self.assertEqual(store_links(self.store), {(product["id"], 0): item_code})
		self.assertEqual(
			frappe.db.get_value(
				"Item Price", {"item_code": item_code, "price_list": "Standard Selling"}, "price_list_rate"
			),
			10,
		)

	def test_pull_a_variable_product_as_template_and_variants(self):
		tag = f"VAR{suffix()}"
		parent = self.variable_product(tag, ("XS", "XL"))
		template = pull_product(self.store, parent["id"])["item_code"]
		self.assertEqual(frappe.db.get_value("Item", template, "has_variants"), 1)
		variants = frappe.get_all("Item", filters={"variant_of": template}, pluck="name", order_by="name")
		self.assertEqual(variants, sorted([f"{tag}-XS", f"{tag}-XL"]))
		self.assertEqual(len(store_links(self.store)), 3)


class TestProductSettings(FrappeTestCase):
	def assert_refused(self, message: str, **values):
		with self.assertRaises(frappe.ValidationError) as refused:
			make_settings(**values).insert()
		self.assertIn(message, str(refused.exception))

	def test_refuses_what_cannot_work(self):
		ensure_sale_price_list()
		self.assert_refused("not a text field of Item", product_match_field="weight_per_unit")
		self.assert_refused(
			"must differ", regular_price_list="Standard Selling", sale_price_list="Standard Selling"
		)
		self.assert_refused("not a selling price list", regular_price_list="Standard Buying")
		self.assert_refused("needs a regular one", sale_price_list=SALE_PRICE_LIST)
		other = get_other_company()
		self.assert_refused("must be a warehouse", stock_warehouses=[{"warehouse": other.warehouse}])

	def test_accepts_a_custom_text_field_as_sku(self):
		settings = make_settings(product_match_field=" item_name ")
		settings.insert()
		self.assertEqual(settings.product_match_field, "item_name")
