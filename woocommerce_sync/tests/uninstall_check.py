"""Run by .ci/bench-tier around a real `uninstall-app`: the user's Sales Orders must survive it.

`prepare` makes a submitted Sales Order linked to a store; after uninstall the order is still
there (with its values, since columns are never dropped) and our custom fields are gone; a
reinstall brings the fields back. Each step raises AssertionError, failing the CI run.
"""

import frappe
from frappe.utils import add_days, nowdate

from woocommerce_sync.constants import SETTINGS

MARKER = "uninstall-check"


def prepare() -> None:
	from woocommerce_sync.tests.utils import get_company, make_settings

	company = get_company()
	if not frappe.db.exists(SETTINGS, MARKER):
		make_settings(store_name=MARKER).insert()
	if not frappe.db.exists("Customer", MARKER):
		frappe.get_doc(
			{"doctype": "Customer", "customer_name": MARKER, "customer_type": "Individual"}
		).insert()
	if not frappe.db.exists("Item", MARKER):
		item = {"doctype": "Item", "item_code": MARKER, "item_group": "All Item Groups", "is_stock_item": 0}
		frappe.get_doc({**item, "stock_uom": "Nos"}).insert()
	existing = frappe.db.get_value("Sales Order", {"po_no": MARKER, "docstatus": 1})
	if existing:
		print(f"prepared {existing} (kept from an earlier run)")
		return
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": MARKER,
			"company": company.name,
			"transaction_date": nowdate(),
			"delivery_date": add_days(nowdate(), 7),
			"po_no": MARKER,
			"woocommerce_server": MARKER,
			"woocommerce_id": "424242",
			"items": [{"item_code": MARKER, "qty": 1, "rate": 10, "warehouse": company.warehouse}],
		}
	)
	order.flags.from_woocommerce = True  # as the import makes it: only the app links an order
	order.insert()
	order.submit()
	frappe.db.commit()
	print(f"prepared {order.name}")


def verify_after_uninstall() -> None:
	orders = frappe.get_all("Sales Order", filters={"po_no": MARKER, "docstatus": 1}, pluck="name")
	assert orders, "the Sales Orders linked to a store must survive uninstall"
	assert not frappe.db.exists("Custom Field", {"module": "WooCommerce Sync"}), "custom fields left behind"
	assert not frappe.db.exists("DocType", SETTINGS)
	assert (
		frappe.db.sql("select woocommerce_id from `tabSales Order` where name=%s", orders[0])[0][0]
		== "424242"
	)
	print(f"after uninstall: {len(orders)} Sales Order(s) intact, custom fields removed")


def verify_after_reinstall() -> None:
	assert frappe.db.exists("Custom Field", {"dt": "Sales Order", "fieldname": "woocommerce_id"})
	order = frappe.get_all(
		"Sales Order", filters={"po_no": MARKER, "docstatus": 1}, fields=["name", "woocommerce_id"]
	)[0]
	assert order.woocommerce_id == "424242"
	print(f"after reinstall: {order.name} still carries WooCommerce order 424242")
