"""Field mapping rules on a real site against the fake store, with the meta real plugins write:
a VAT number, a delivery date, order attribution, a GTIN; on import and export, a value that does
not fit, and the settings refusing rules that cannot work."""

import json
import typing
from datetime import date
from unittest.mock import patch

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_field
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from woocommerce_sync.customers.customer_to_woocommerce import push_to_store
from woocommerce_sync.customers.import_customers import CustomerFilters, import_store
from woocommerce_sync.orders.sales_order_to_woocommerce import PUSH_METHOD, push_sales_order
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.products.export import export_item
from woocommerce_sync.products.links import link_item
from woocommerce_sync.products.pull import pull_product
from woocommerce_sync.tests.utils import StoreTestCase, get_company, make_settings

UTM_FIELD = "wcsync_test_utm_source"  # a custom field a shop adds for order attribution


def ensure_utm_field() -> None:
	if not frappe.get_meta("Sales Order").get_field(UTM_FIELD):
		create_custom_field(
			"Sales Order",
			{
				"fieldname": UTM_FIELD,
				"label": "UTM Source (test)",
				"fieldtype": "Data",
				"insert_after": "po_no",
			},
		)
		frappe.db.commit()


def rule(source: str, path: str, doctype: str, field: str, direction: str = "Import") -> dict:
	return {
		"source": source,
		"woocommerce_path": path,
		"erpnext_doctype": doctype,
		"erpnext_field": field,
		"direction": direction,
	}


def tag() -> str:
	return frappe.generate_hash(length=6).upper()


class RulesTestCase(StoreTestCase):
	rules: tuple[dict, ...] = ()

	def setUp(self):
		ensure_utm_field()
		super().setUp()
		for row in self.rules:
			self.settings.append("field_mappings", row)
		self.settings.save()
		frappe.db.commit()


class OrderRulesTestCase(RulesTestCase):
	rules = (
		rule("Order", "_billing_vat", "Customer", "tax_id"),
		rule("Order", "meta_data[key=_delivery_date].value", "Sales Order", "delivery_date"),
		rule("Order", "_wc_order_attribution_utm_source", "Sales Order", UTM_FIELD, "Both"),
		rule("Order Line", "$.sku", "Sales Order Item", "customer_item_code"),
	)

	def order_with_meta(self, delivery_date: object = "24/12/2026") -> dict:
		order = self.fake.generate_orders(1, lines=2)[0]
		stored = self.fake.orders[order["id"]]
		# As WooCommerce answers them: {id, key, value}, next to meta the rules do not name.
		stored["meta_data"] = [
			{"id": 9001, "key": "is_vat_exempt", "value": "no"},
			{"id": 9002, "key": "_billing_vat", "value": "DE123456789"},
			{"id": 9003, "key": "_delivery_date", "value": delivery_date},
			{"id": 9004, "key": "_wc_order_attribution_source_type", "value": "utm"},
			{"id": 9005, "key": "_wc_order_attribution_utm_source", "value": "newsletter"},
		]
		stored["billing"]["email"] = f"vat-{tag().lower()}@example.com"
		return stored

	def sales_order(self, order_id: int):
		return frappe.get_doc(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(order_id)}
		)


class TestOrderImport(OrderRulesTestCase):
	def test_plugin_meta_fills_customer_sales_order_and_lines(self):
		order = self.order_with_meta()
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["created"], 1, run.failures)
		so = self.sales_order(order["id"])
		# The rule wins over the app's own delivery date (the order's date), lines included.
		self.assertEqual(getdate(so.delivery_date), date(2026, 12, 24))
		self.assertEqual({getdate(row.delivery_date) for row in so.items}, {date(2026, 12, 24)})
		self.assertEqual(so.get(UTM_FIELD), "newsletter")
		self.assertEqual(frappe.db.get_value("Customer", so.customer, "tax_id"), "DE123456789")
		skus = {line["id"]: line["sku"] or None for line in order["line_items"]}  # "" sets nothing
		self.assertEqual(
			{row.customer_item_code for row in so.items}, {skus[row.woocommerce_line_id] for row in so.items}
		)
		self.assertFalse([n for n in run.notes if "field mapping" in n.lower()], run.notes)

		again = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(again.counts["failed"], 0, again.failures)
		self.assertEqual(frappe.db.count("Sales Order", {"woocommerce_server": self.store}), 1)

	def test_a_value_that_does_not_fit_leaves_the_field_and_says_so(self):
		order = self.order_with_meta(delivery_date="soon")
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual((run.counts["created"], run.counts["failed"]), (1, 0), run.failures)
		so = self.sales_order(order["id"])
		self.assertEqual(getdate(so.delivery_date), getdate(so.transaction_date), "the app's own date")
		self.assertEqual(so.get(UTM_FIELD), "newsletter", "the other rules still apply")
		[note] = [n for n in run.notes if "soon" in n]
		for part in (self.store, f"order {order['id']}", "field mapping row 2", "_delivery_date", "Date"):
			self.assertIn(part, note)
		logged = frappe.db.get_value("WooCommerce Sync Log", run.name, "notes")
		self.assertIn(note, logged)

	def test_a_delivery_date_before_the_order_date_is_not_forced_on_erpnext(self):
		order = self.order_with_meta(delivery_date="2025-06-01")  # the order is of 2026-01-01
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["created"], 1, run.failures)
		so = self.sales_order(order["id"])
		self.assertEqual(getdate(so.delivery_date), getdate(so.transaction_date))
		self.assertTrue([n for n in run.notes if "before the order date" in n], run.notes)

	def test_a_sales_order_field_goes_to_the_order_meta_on_export(self):
		product = next(p for p in self.fake.products.values() if p.get("type") == "simple")
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": f"WC-MAP-{tag()}",
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
		link_item(item.name, self.store, product["id"], 0)
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": f"Export {tag()}", "customer_type": "Individual"}
		).insert(ignore_permissions=True)
		company = get_company()
		so = frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": company.name,
				"customer": customer.name,
				"transaction_date": frappe.utils.today(),
				"delivery_date": frappe.utils.add_days(frappe.utils.today(), 7),
				"woocommerce_server": self.store,
				UTM_FIELD: "spring-fair",
				"items": [{"item_code": item.name, "qty": 1, "rate": 10, "warehouse": company.warehouse}],
			}
		).insert(ignore_permissions=True)
		with patch("frappe.enqueue") as enqueue:
			so.submit()
			frappe.db.commit()
		self.assertTrue([c for c in enqueue.call_args_list if c.args and c.args[0] == PUSH_METHOD])
		push_sales_order(so.name)
		order_id = int(frappe.db.get_value("Sales Order", so.name, "woocommerce_id"))
		meta = {m["key"]: m["value"] for m in self.fake.orders[order_id]["meta_data"]}
		self.assertEqual(meta["_wc_order_attribution_utm_source"], "spring-fair")
		self.assertEqual(meta["_erpnext_sales_order"], so.name, "the app's own key stays")


class TestPushOfALinkedOrder(OrderRulesTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def test_a_changed_value_goes_with_the_next_push_and_an_unchanged_one_does_not(self):
		order = self.order_with_meta()
		sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		so = self.sales_order(order["id"])
		self.assertEqual((so.docstatus, so.get(UTM_FIELD)), (1, "newsletter"))
		self.fake.reset_counters()
		self.push(so, "on-hold")
		self.assertEqual(self.sent(), [{"status": "on-hold"}], "the store has that value already")

		frappe.db.set_value("Sales Order", so.name, UTM_FIELD, "spring-fair")
		self.fake.reset_counters()
		self.push(so, "completed")
		[body] = self.sent()
		self.assertEqual(
			body["meta_data"], [{"key": "_wc_order_attribution_utm_source", "value": "spring-fair"}]
		)
		meta = [
			m
			for m in self.fake.orders[order["id"]]["meta_data"]
			if m["key"] == "_wc_order_attribution_utm_source"
		]
		self.assertEqual([m["value"] for m in meta], ["spring-fair"])

	def push(self, so, status: str) -> None:
		so.reload()
		so.woocommerce_status = status
		with patch("frappe.enqueue"):
			so.save()
			frappe.db.commit()
		push_sales_order(so.name)

	def sent(self) -> list[dict]:
		return [json.loads(r["body"]) for r in self.fake.requests if r["method"] == "PUT"]


class TestCustomers(RulesTestCase):
	rules = (rule("Customer", "_billing_vat", "Customer", "tax_id", "Both"),)

	def test_vat_number_in_on_import_and_out_on_push(self):
		email = f"vat-{tag().lower()}@example.com"
		account = self.fake.add_customer(
			{
				"email": email,
				"first_name": "Ada",
				"meta_data": [{"key": "_billing_vat", "value": "FR40303265045"}],
			}
		)
		run = import_store(self.store, "Manual", CustomerFilters(ids=[account["id"]]))
		self.assertEqual(run.counts["created"], 1, run.failures)
		name = frappe.db.get_value("Customer", {"woocommerce_customer_key": f"{self.store}:{account['id']}"})
		self.assertEqual(frappe.db.get_value("Customer", name, "tax_id"), "FR40303265045")
		self.assertEqual(
			import_store(self.store, "Manual", CustomerFilters(ids=[account["id"]])).counts["skipped"], 1
		)

		frappe.db.set_value("Customer", name, "tax_id", "FR12345678901")
		run = push_to_store(name, self.store)
		self.assertEqual(run.counts["updated"], 1, run.failures)
		meta = [m for m in self.fake.customers[account["id"]]["meta_data"] if m["key"] == "_billing_vat"]
		self.assertEqual([m["value"] for m in meta], ["FR12345678901"], "replaced, not added")


class TestProducts(RulesTestCase):
	rules = (
		rule("Product", "$.global_unique_id", "Item Barcode", "barcode", "Both"),
		rule("Product", "_global_unique_id", "Item Barcode", "barcode"),
		rule("Variation", "_global_unique_id", "Item Barcode", "barcode"),
	)

	def test_gtin_becomes_the_items_barcode_once(self):
		(product,) = self.fake.add_products(1, prefix=f"GTIN{tag()}")
		gtin = f"40{frappe.utils.random_string(11)}"
		# WooCommerce 9 keeps the GTIN in global_unique_id; older plugins in meta: both say the same.
		self.fake.products[product["id"]]["global_unique_id"] = gtin
		self.fake.products[product["id"]]["meta_data"] = [
			{"id": 1, "key": "_global_unique_id", "value": gtin}
		]
		item_code = pull_product(self.store, product["id"])["item_code"]
		self.assertEqual(
			frappe.get_all("Item Barcode", filters={"parent": item_code}, pluck="barcode"), [gtin]
		)

	def test_variations_meta_gtin_on_each_variant(self):
		parent = self.fake.add_variable_product(f"GV{tag()}", ("S", "M"))
		gtins = {}
		for variation_id in parent["variations"]:
			gtins[variation_id] = f"50{frappe.utils.random_string(11)}"
			self.fake.variations[variation_id]["meta_data"] = [
				{"id": 2, "key": "_global_unique_id", "value": gtins[variation_id]}
			]
		template = pull_product(self.store, parent["id"])["item_code"]
		for variant in frappe.get_all("Item", filters={"variant_of": template}, pluck="name"):
			variation_id = frappe.db.get_value(
				"WooCommerce Item Link",
				{"parent": variant, "woocommerce_server": self.store},
				"woocommerce_variation_id",
			)
			self.assertEqual(
				frappe.get_all("Item Barcode", filters={"parent": variant}, pluck="barcode"),
				[gtins[variation_id]],
			)

	def test_the_items_barcode_goes_to_the_product_on_export(self):
		code = f"GX{tag()}"
		gtin = f"60{frappe.utils.random_string(11)}"
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"barcodes": [{"barcode": gtin}],
				"woocommerce_sell_on": [{"woocommerce_server": self.store}],
			}
		).insert(ignore_permissions=True)
		run = export_item(code, self.store)
		self.assertEqual(run.counts["created"], 1, run.failures)
		[product] = [p for p in self.fake.products.values() if p.get("sku") == code]
		self.assertEqual(product["global_unique_id"], gtin)


class TestSettingsRefuseRules(FrappeTestCase):
	def refused(self, message: str, row: dict) -> None:
		with self.assertRaises(frappe.ValidationError) as refused:
			make_settings(field_mappings=[row]).insert()
		self.assertIn(message, str(refused.exception))

	def test_rules_that_cannot_work_are_refused_on_save(self):
		self.refused("has no field no_such_field", rule("Order", "_billing_vat", "Customer", "no_such_field"))
		self.refused("is a Link field", rule("Order", "_billing_vat", "Sales Order", "customer"))
		self.refused("can fill only Sales Order Item", rule("Order Line", "sku", "Customer", "tax_id"))
		self.refused("does not parse", rule("Order", "billing..company", "Customer", "tax_id"))
		self.refused("app's own field", rule("Order", "_x", "Sales Order", "woocommerce_status"))
		self.refused("cannot write", rule("Order", "line_items[0].sku", "Sales Order", "po_no", "Export"))
		with self.assertRaises(frappe.ValidationError):
			make_settings(
				field_mappings=[
					rule("Order", "_billing_vat", "Customer", "tax_id"),
					rule("Order", "_vat_number", "Customer", "tax_id"),
				]
			).insert()

	def test_a_rule_that_can_work_is_kept(self):
		settings = make_settings(
			field_mappings=[rule("Order", "billing.company", "Customer", "tax_id")]
		).insert()
		self.assertEqual(settings.field_mappings[0].erpnext_field, "tax_id")
