"""Products first seen through orders (issue 17): orders imported first, then stock turned on.

Items the import pairs are sold on the store (its *Items paired by orders are sold on this
store*), so stock reaches the shop without anyone opening an Item; a variable product met
through an order becomes a template with variants; Map Existing Products marks earlier pairs sold
and builds templates from standalone variation Items on request; the Item list's bulk action
marks and unmarks thousands of Items; and no export or full pass overwrites a newer quantity.
"""

from unittest.mock import patch

import frappe

from woocommerce_sync.constants import ITEM_STORE, SETTINGS
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.products.export import export_item
from woocommerce_sync.products.full_pass import reconcile_store
from woocommerce_sync.products.links import link_item, store_links
from woocommerce_sync.products.mapping import map_products
from woocommerce_sync.products.push import push_pending
from woocommerce_sync.products.selling import apply_selling, set_selling
from woocommerce_sync.tests.product_utils import (
	ProductStoreTestCase,
	make_item,
	order_of,
	paired_items,
	receive,
)
from woocommerce_sync.tests.utils import ensure_user


def tag() -> str:
	return frappe.generate_hash(length=6).upper()


def sold_on(store: str, item_code: str) -> bool:
	return bool(frappe.db.exists(ITEM_STORE, {"parent": item_code, "woocommerce_server": store}))


class SoldTestCase(ProductStoreTestCase):
	def store_settings(self) -> dict:
		return {"regular_price_list": None, "sale_price_list": None}

	def import_orders(self, *ids: int):
		run = sync_store(self.store, "Manual", ImportFilters(ids=list(ids)))
		self.assertEqual(run.counts["failed"], 0, run.failures)
		return run

	def quantity(self, product_id: int, variation_id: int = 0):
		if variation_id:
			return self.fake.variations[variation_id]["stock_quantity"]
		return self.fake.products[product_id]["stock_quantity"]


class TestOrdersFirstThenStock(SoldTestCase):
	def test_stock_arrives_without_touching_an_item(self):
		made, matched = self.fake.add_products(2, prefix=f"ORD{tag()}")
		make_item(matched["sku"])  # an Item the order finds by SKU; the other one it creates
		self.import_orders(order_of(self.fake, [(made, None, 1), (matched, None, 2)]))
		for product in (made, matched):
			self.assertEqual(store_links(self.store)[(product["id"], 0)], product["sku"])
			self.assertTrue(sold_on(self.store, product["sku"]), product["sku"])
		self.push()  # being sold queued them: ERPNext's quantity (none yet) replaces the shop's 5
		self.assertEqual((self.quantity(made["id"]), self.quantity(matched["id"])), (0, 0))
		receive([made["sku"], matched["sku"]], 7)
		self.push()
		self.assertEqual((self.quantity(made["id"]), self.quantity(matched["id"])), (7, 7))

	def test_a_store_with_the_setting_off_leaves_pairs_unsold(self):
		frappe.db.set_value(SETTINGS, self.store, "sell_items_paired_by_orders", 0)
		frappe.db.commit()
		(product,) = self.fake.add_products(1, prefix=f"OFF{tag()}")
		self.import_orders(order_of(self.fake, [(product, None, 1)]))
		self.assertFalse(sold_on(self.store, product["sku"]))
		receive([product["sku"]], 4)
		self.push()
		self.assertEqual(self.quantity(product["id"]), 5, "not sold: the shop's own quantity stays")

		dry = map_products(self.store, "Manual", dry_run=True, mark_sold=True)
		self.assertTrue(any("Would mark" in note and product["sku"] in note for note in dry.notes), dry.notes)
		self.assertFalse(sold_on(self.store, product["sku"]))
		map_products(self.store, "Manual", mark_sold=True)
		self.assertTrue(sold_on(self.store, product["sku"]))
		self.push()
		self.assertEqual(self.quantity(product["id"]), 4)


class TestVariableProductThroughOrders(SoldTestCase):
	def test_a_variation_seen_first_becomes_a_template_with_variants(self):
		sku = f"WST{tag()}"
		parent = self.fake.add_variable_product(sku, ("S", "M", "L"))
		small, medium, large = (self.fake.variations[v] for v in parent["variations"])
		self.import_orders(order_of(self.fake, [(parent, small, 2)]))

		self.assertEqual(frappe.db.get_value("Item", sku, "has_variants"), 1)
		self.assertEqual(
			frappe.get_all("Item Variant Attribute", filters={"parent": sku}, pluck="attribute"), ["Size"]
		)
		links = store_links(self.store, [parent["id"]])
		self.assertEqual(links[(parent["id"], 0)], sku)
		for variation, size in ((small, "S"), (medium, "M"), (large, "L")):
			code = links[(parent["id"], variation["id"])]
			self.assertEqual(code, f"{sku}-{size}")
			self.assertEqual(frappe.db.get_value("Item", code, "variant_of"), sku)
			self.assertEqual(
				frappe.db.get_value(
					"Item Variant Attribute", {"parent": code}, ["attribute", "attribute_value"]
				),
				("Size", size),
			)
		so = frappe.get_all("Sales Order", filters={"woocommerce_server": self.store}, pluck="name")[0]
		self.assertEqual(
			frappe.get_all("Sales Order Item", filters={"parent": so}, pluck="item_code"), [f"{sku}-S"]
		)
		self.assertTrue(sold_on(self.store, sku), "the template is sold, so are its variants")

		receive([f"{sku}-M"], 3)
		self.push()
		self.assertEqual(self.quantity(parent["id"], medium["id"]), 3)

	def test_a_product_deleted_from_the_shop_leaves_a_standalone_item(self):
		sku = f"WSD{tag()}"
		parent = self.fake.add_variable_product(sku, ("S",))
		small = self.fake.variations[parent["variations"][0]]
		order_id = order_of(self.fake, [(parent, small, 1)])
		del self.fake.products[parent["id"]]  # WooCommerce answers its own invalid-id 404
		self.import_orders(order_id)
		self.assertFalse(frappe.db.exists("Item", sku))
		self.assertIsNone(frappe.db.get_value("Item", f"{sku}-S", "variant_of"))
		self.assertEqual(store_links(self.store, [parent["id"]]), {(parent["id"], small["id"]): f"{sku}-S"})

	def test_standalone_variation_items_become_variants_only_when_asked(self):
		sku = f"WSO{tag()}"
		parent = self.fake.add_variable_product(sku, ("S", "M", "L"))
		small, medium, large = (self.fake.variations[v] for v in parent["variations"])
		for variation in (small, medium):  # what an earlier import made: unrelated Items
			make_item(variation["sku"], (self.store,))
			link_item(variation["sku"], self.store, parent["id"], variation["id"])
		receive([small["sku"]], 6)  # stock: ERPNext would refuse a save changing Variant Of

		plain = map_products(self.store, "Manual")
		self.assertFalse(frappe.db.exists("Item", sku), "no template unless asked")
		self.assertTrue(any(f"no Item matches SKU {sku}" in f["reason"] for f in plain.failures))

		dry = map_products(self.store, "Manual", build_templates=True, dry_run=True)
		self.assertTrue(
			any(f"Would build template {sku}" in n and small["sku"] in n for n in dry.notes), dry.notes
		)
		self.assertFalse(frappe.db.exists("Item", sku))
		self.assertIsNone(frappe.db.get_value("Item", small["sku"], "variant_of"))

		run = map_products(self.store, "Manual", build_templates=True)
		self.assertFalse([f for f in run.failures if sku in f["reason"]], run.failures)
		self.assertEqual(frappe.db.get_value("Item", sku, "has_variants"), 1)
		for variation, size in ((small, "S"), (medium, "M"), (large, "L")):
			code = store_links(self.store, [parent["id"]])[(parent["id"], variation["id"])]
			self.assertEqual(code, variation["sku"], "item codes keep their meaning")
			self.assertEqual(frappe.db.get_value("Item", code, "variant_of"), sku)
			self.assertEqual(
				frappe.db.get_value("Item Variant Attribute", {"parent": code}, "attribute_value"), size
			)
		self.assertEqual(store_links(self.store, [parent["id"]])[(parent["id"], 0)], sku)
		frappe.get_doc("Item", small["sku"]).save()  # a valid variant by ERPNext's own validation
		self.push()
		self.assertEqual(self.quantity(parent["id"], small["id"]), 6)


class TestOneWriter(SoldTestCase):
	def test_an_export_never_overwrites_a_newer_quantity(self):
		(item,) = paired_items(self.fake, self.store, 1)
		product_id = next(pid for (pid, _v), code in store_links(self.store).items() if code == item)
		receive([item], 10)
		self.push()
		put = WooCommerceClient.put

		def movement_then_put(client, path, body, *args, **kwargs):
			# The export computed its fields; a Stock Entry commits and the minute push sends it.
			receive([item], 5)
			frappe.db.commit()
			push_pending()
			self.assertEqual(self.quantity(product_id), 15)
			return put(client, path, body, *args, **kwargs)

		with patch.object(WooCommerceClient, "put", movement_then_put):
			run = export_item(item, self.store, "Scheduler")
		self.assertEqual(run.counts["updated"], 1, run.failures)
		self.push()
		self.assertEqual(self.quantity(product_id), 15)

	def test_a_full_pass_never_overwrites_a_newer_quantity(self):
		(item,) = paired_items(self.fake, self.store, 1)
		product_id = next(pid for (pid, _v), code in store_links(self.store).items() if code == item)
		receive([item], 10)
		self.push()
		self.fake.products[product_id]["stock_quantity"] = 2  # drift: the pass will push 10
		batch = WooCommerceClient.batch
		interleaved = []

		def movement_then_batch(client, path, *args, **kwargs):
			if not interleaved:
				interleaved.append(path)
				receive([item], 5)
				frappe.db.commit()
				push_pending()  # the pass holds the store's writer: this waits for the next minute
			return batch(client, path, *args, **kwargs)

		with patch.object(WooCommerceClient, "batch", movement_then_batch):
			reconcile_store(self.store, "Manual")
		self.assertTrue(interleaved)
		self.push()
		self.assertEqual(self.quantity(product_id), 15)


class TestBulkSelling(SoldTestCase):
	def test_the_bulk_action_marks_n_items_sold_and_stop_selling_unmarks_them(self):
		prefix = f"BLK{tag()}"
		products = self.fake.add_products(30, prefix=prefix)
		codes = []
		for product in products:
			codes.append(make_item(product["sku"]))
			link_item(product["sku"], self.store, product["id"], sell=False)
		frappe.db.commit()
		queued = []
		with patch("woocommerce_sync.jobs.frappe.enqueue", lambda *a, **kw: queued.append(kw)):
			answer = set_selling(self.store, frappe.as_json([*codes, "NO-SUCH-ITEM"]), sell=1)
		self.assertEqual((answer["items"], answer["not_found"]), (30, 1))
		self.assertEqual(queued[0]["queue"], "long")

		queries = []
		with patch("woocommerce_sync.products.links.SELL_BATCH", 10):
			frappe.db.sql("select 1")
			before = frappe.db.sql("show session status like 'Questions'")[0][1]
			run = apply_selling(self.store, queued[0]["item_codes"], sell=True)
			queries.append(int(frappe.db.sql("show session status like 'Questions'")[0][1]) - int(before))
		self.assertEqual(run.counts["updated"], 30)
		self.assertEqual(
			frappe.db.count(ITEM_STORE, {"parent": ("in", codes), "woocommerce_server": self.store}), 30
		)
		self.assertLess(queries[0], 30 * 3, "batched writes, not a save per Item")
		self.push()
		self.assertEqual({self.quantity(p["id"]) for p in products}, {0}, "sold: stock pushed")

		again = apply_selling(self.store, codes, sell=True)
		self.assertEqual((again.counts["updated"], again.counts["skipped"]), (0, 30))
		stop = apply_selling(self.store, codes, sell=False)
		self.assertEqual(stop.counts["updated"], 30)
		self.assertEqual(
			frappe.db.count(ITEM_STORE, {"parent": ("in", codes), "woocommerce_server": self.store}), 0
		)
		receive(codes[:1], 3)
		self.push()
		self.assertEqual(self.quantity(products[0]["id"]), 0, "no longer sold: nothing pushed")

	def test_an_item_manager_without_access_to_the_store_is_refused(self):
		user = ensure_user("wcsync-item-manager@example.com", ["Item Manager"])
		frappe.db.commit()
		frappe.set_user(user)
		self.addCleanup(frappe.set_user, "Administrator")
		queued = []
		with patch("woocommerce_sync.jobs.frappe.enqueue", lambda *a, **kw: queued.append(kw)):
			with self.assertRaises(frappe.PermissionError) as refused:
				set_selling(self.store, frappe.as_json(["X"]), sell=1)
		self.assertIn(self.store, str(refused.exception))
		self.assertEqual(queued, [])
