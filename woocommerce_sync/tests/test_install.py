"""Install and migrate leave the site with exactly our custom fields, role and constraints."""

import frappe
from frappe.tests.utils import FrappeTestCase

from woocommerce_sync import install
from woocommerce_sync.constants import MANAGER_ROLE, MODULE, REQUEST_LOG, SETTINGS, SYNC_LOG, WEBHOOK_DELIVERY


class TestInstall(FrappeTestCase):
	def expected_fields(self) -> set[tuple[str, str]]:
		return {(dt, f["fieldname"]) for dt, fields in install.get_custom_fields().items() for f in fields}

	def installed_fields(self) -> set[tuple[str, str]]:
		rows = frappe.get_all("Custom Field", filters={"module": MODULE}, fields=["dt", "fieldname"])
		return {(r.dt, r.fieldname) for r in rows}

	def test_custom_fields_exist_with_columns(self):
		self.assertEqual(self.installed_fields(), self.expected_fields())
		for doctype, fieldname in [
			("Sales Order", "woocommerce_server"),
			("Sales Order", "woocommerce_id"),
			("Sales Order", "woocommerce_status"),
			("Sales Order", "woocommerce_payment_method"),
			("Customer", "woocommerce_email"),
			("Sales Invoice", "woocommerce_server"),
			("Sales Invoice", "woocommerce_id"),
		]:
			self.assertTrue(frappe.db.has_column(doctype, fieldname), f"{doctype}.{fieldname}")

	def test_woocommerce_id_is_indexed(self):
		indexes = frappe.db.sql("show index from `tabSales Order` where Column_name='woocommerce_id'")
		self.assertTrue(indexes)

	def test_migrate_is_idempotent(self):
		before = frappe.db.count("Custom Field", {"module": MODULE})
		install.after_migrate()
		install.after_migrate()
		self.assertEqual(frappe.db.count("Custom Field", {"module": MODULE}), before)
		self.assertEqual(frappe.db.count("Role", {"name": MANAGER_ROLE}), 1)

	def test_role_and_permissions(self):
		self.assertTrue(frappe.db.exists("Role", MANAGER_ROLE))
		for doctype in (
			SETTINGS,
			REQUEST_LOG,
			SYNC_LOG,
			WEBHOOK_DELIVERY,
		):
			roles = {p.role for p in frappe.get_meta(doctype).permissions if p.read}
			self.assertEqual(roles, {"System Manager", MANAGER_ROLE}, doctype)

	def test_item_link_is_unique_per_store_product_variation(self):
		indexes = frappe.db.sql(
			"show index from `tabWooCommerce Item Link` where Key_name='unique_store_product_variation'",
			as_dict=True,
		)
		self.assertEqual(
			[i.Column_name for i in indexes],
			["woocommerce_server", "woocommerce_product_id", "woocommerce_variation_id"],
		)
		self.assertTrue(all(i.Non_unique == 0 for i in indexes))

	def test_form_scripts_of_every_feature_are_loaded(self):
		scripts = frappe.get_hooks("doctype_js")
		self.assertIn("public/js/item.js", scripts["Item"])
		self.assertIn("public/js/sales_order_invoice.js", scripts["Sales Order"])

	def test_logs_are_offered_to_log_settings(self):
		from frappe.core.doctype.log_settings.log_settings import _supports_log_clearing

		hooks = frappe.get_hooks("default_log_clearing_doctypes")
		for doctype in (REQUEST_LOG, SYNC_LOG, WEBHOOK_DELIVERY):
			self.assertIn(doctype, hooks)
			self.assertTrue(_supports_log_clearing(doctype))
