"""Coupons on record (the order's coupon lines on its Sales Order and in the Coupon Sales report)
and Coupon Code + Pricing Rule -> WooCommerce coupon, against the fake store."""

import typing
from datetime import datetime, timezone
from decimal import Decimal
from unittest.mock import patch

import frappe

from woocommerce_sync.constants import COUPON_ID_FIELD, COUPONS_FIELD
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.promotions.coupons import push_coupon_code, push_coupons
from woocommerce_sync.tests.utils import StoreTestCase, get_company
from woocommerce_sync.woocommerce_sync.report.woocommerce_coupon_sales.woocommerce_coupon_sales import (
	execute,
)

START = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


class TestCouponsOnRecord(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def test_an_imported_orders_coupons_are_on_its_sales_order_and_in_the_report(self):
		orders = self.fake.generate_orders(2, start=START)
		self.fake.orders[orders[1]["id"]]["coupon_lines"].append(
			{"id": 9999, "code": "freeship", "discount": "0.00", "discount_tax": "0.00", "meta_data": []}
		)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[o["id"] for o in orders]))
		self.assertEqual(run.counts["failed"], 0, run.failures)
		so = frappe.get_doc(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(orders[0]["id"])}
		)
		[coupon] = so.get(COUPONS_FIELD)
		line = orders[0]["coupon_lines"][0]
		self.assertEqual(coupon.coupon_code, "save10")
		self.assertEqual(Decimal(str(coupon.discount)).quantize(Decimal("0.01")), Decimal(line["discount"]))
		self.assertTrue(frappe.get_meta("Sales Order").get_field(COUPONS_FIELD).read_only)

		_columns, rows, _message, _chart = execute(
			{"store": self.store, "from_date": "2026-11-01", "to_date": "2026-11-30", "period": "Monthly"}
		)
		by_code = {row["coupon_code"]: row for row in rows}
		self.assertEqual(set(by_code), {"save10", "freeship"})
		self.assertEqual(by_code["save10"]["orders"], 2)
		self.assertEqual(by_code["freeship"]["orders"], 1)
		discount = sum(Decimal(o["coupon_lines"][0]["discount"]) for o in orders)
		self.assertEqual(by_code["save10"]["discount"].quantize(Decimal("0.01")), discount)
		net = sum(
			Decimal(str(v))
			for v in frappe.get_all(
				"Sales Order",
				filters={"woocommerce_server": self.store, "docstatus": 1},
				pluck="base_net_total",
			)
		)
		self.assertEqual(
			by_code["save10"]["net_sales"].quantize(Decimal("0.01")), net.quantize(Decimal("0.01"))
		)


class CouponPushTestCase(StoreTestCase):
	def rule(self, **values) -> str:
		company = get_company()
		doc = frappe.get_doc(
			{
				"doctype": "Pricing Rule",
				"title": f"wc-test-{frappe.generate_hash(length=8)}",
				"apply_on": "Transaction",
				"price_or_product_discount": "Price",
				"rate_or_discount": "Discount Percentage",
				"discount_percentage": 10,
				"selling": 1,
				"coupon_code_based": 1,
				"company": company.name,
				**values,
			}
		).insert(ignore_permissions=True)
		return doc.name

	def coupon(self, rule: str, **values):
		code = f"WC{frappe.generate_hash(length=8).upper()}"
		doc = frappe.get_doc(
			{
				"doctype": "Coupon Code",
				"coupon_name": f"Test {code}",
				"coupon_type": "Promotional",
				"coupon_code": code,
				"pricing_rule": rule,
				"maximum_use": 100,
				"woocommerce_server": self.store,
				**values,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		return doc

	def in_store(self, code: str) -> list[dict]:
		return [c for c in self.fake.coupons.values() if c["code"] == code.lower()]


class TestCouponPush(CouponPushTestCase):
	def test_a_percent_rule_becomes_a_coupon_and_a_second_push_updates_it(self):
		rule = self.rule()
		coupon = self.coupon(rule, valid_upto="2027-01-31")
		message = push_coupon_code(coupon.name)
		[made] = self.in_store(coupon.coupon_code)
		self.assertIn(str(made["id"]), message)
		self.assertEqual((made["discount_type"], made["amount"]), ("percent", "10.00"))
		self.assertEqual((made["usage_limit"], made["date_expires"]), (100, "2027-02-01T00:00:00"))
		self.assertEqual(frappe.db.get_value("Coupon Code", coupon.name, COUPON_ID_FIELD), made["id"])

		queued = []
		with patch(
			"woocommerce_sync.promotions.coupons.jobs.enqueue",
			lambda method, job_id, **kw: queued.append(kw) or True,
		):
			pricing_rule = frappe.get_doc("Pricing Rule", rule)
			pricing_rule.discount_percentage = 15
			pricing_rule.save(ignore_permissions=True)
			frappe.db.commit()
			self.assertEqual(
				[job["names"] for job in queued], [[coupon.name]], "a linked coupon follows its rule"
			)
			linked = frappe.get_doc("Coupon Code", coupon.name)
			linked.description = "<p>Ten, then fifteen</p>"
			linked.save(ignore_permissions=True)
			frappe.db.commit()
			self.assertEqual(len(queued), 2, "and its own changes")
		self.fake.reset_counters()
		run = push_coupons(**queued[0])
		self.assertEqual((run.counts["updated"], run.counts["created"]), (1, 0))
		[updated] = self.in_store(coupon.coupon_code)
		self.assertEqual((updated["id"], updated["amount"]), (made["id"], "15.00"))
		self.assertEqual(updated["description"], "Ten, then fifteen")
		self.assertEqual(self.fake.request_count("POST", "/wp-json/wc/v3/coupons/batch"), 1)
		self.assertEqual(self.fake.request_count("GET", "/wp-json/wc/v3/coupons"), 0, "linked: no look-up")

	def test_a_coupon_already_in_the_store_is_linked_not_duplicated(self):
		coupon = self.coupon(self.rule(rate_or_discount="Discount Amount", discount_amount=5))
		self.fake.coupons[4242] = {**self.fake.coupons[15], "id": 4242, "code": coupon.coupon_code.lower()}
		run = push_coupons(self.store, [coupon.name], "Manual")
		self.assertEqual(run.failures, [])
		[linked] = self.in_store(coupon.coupon_code)
		self.assertEqual(
			(linked["id"], linked["discount_type"], linked["amount"]), (4242, "fixed_cart", "5.00")
		)
		self.assertEqual(frappe.db.get_value("Coupon Code", coupon.name, COUPON_ID_FIELD), 4242)

	def test_an_item_group_rule_without_paired_products_is_refused_naming_the_coupon_code(self):
		group = f"wc-test-group-{frappe.generate_hash(length=6)}"
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": group, "parent_item_group": "All Item Groups"}
		).insert(ignore_permissions=True)
		rule = self.rule(apply_on="Item Group", item_groups=[{"item_group": group}])
		coupon = self.coupon(rule)
		with self.assertRaises(frappe.ValidationError) as refused:
			push_coupon_code(coupon.name)
		message = str(refused.exception)
		self.assertIn(f"Coupon Code {coupon.name} cannot be a WooCommerce coupon", message)
		self.assertIn("none of whose Items is paired", message)
		self.assertEqual(self.in_store(coupon.coupon_code), [])
		self.assertFalse(frappe.db.get_value("Coupon Code", coupon.name, COUPON_ID_FIELD))
