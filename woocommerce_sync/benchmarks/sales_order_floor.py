"""Benchmark: what ERPNext itself costs for the Sales Orders the import makes.

Run on a test site:
    bench --site <test site> execute woocommerce_sync.benchmarks.sales_order_floor.run --kwargs "{'orders': 100}"

Imports `orders` orders of returning buyers (benchmarks/import_orders.py), then inserts copies of
the Sales Orders it made with nothing but ERPNext's own `insert()` and a `frappe.db.commit()` for
each, as any code that makes Sales Orders one by one does, and prints SQL statements per order for
both. The difference is what the app adds or saves; the copies are deleted afterwards.
"""

import frappe

from woocommerce_sync.benchmarks import import_orders
from woocommerce_sync.benchmarks.queries import QueryCounter
from woocommerce_sync.constants import SYNC_LOG

# what makes a Sales Order the import's own, or ties a row to its original
_ORDER_KEYS = (
	"name",
	"woocommerce_live_key",
	"woocommerce_id",
	"woocommerce_server",
	"po_no",
	"amended_from",
)
_ROW_KEYS = ("name", "parent", "parentfield", "parenttype", "idx")


def run(orders: int = 100) -> dict:
	imported = import_orders.run(orders=orders, trace_memory=False, buyers="returning")
	store = frappe.db.get_value(SYNC_LOG, imported["sync_log"], "store")
	copies = [
		_copy(frappe.get_doc("Sales Order", name))
		for name in frappe.get_all("Sales Order", filters={"woocommerce_server": store}, pluck="name")
	]
	made = []
	with QueryCounter() as queries:
		for copy in copies:
			made.append(frappe.get_doc(copy).insert(ignore_permissions=True).name)
			frappe.db.commit()
	for name in made:
		frappe.delete_doc("Sales Order", name, ignore_permissions=True, force=True)
	frappe.db.commit()
	figures = {
		"copies": len(copies),
		"import_queries_per_order": imported["queries_per_order"],
		"erpnext_insert_queries_per_order": round(queries.count / len(copies), 1),
	}
	for key, value in figures.items():
		print(f"{key:<34}{value}")
	return figures


def _copy(so) -> dict:
	values = so.as_dict(no_default_fields=True)
	for key in _ORDER_KEYS:
		values.pop(key, None)
	for table in so.meta.get_table_fields():
		for row in values.get(table.fieldname) or []:
			for key in _ROW_KEYS:
				row.pop(key, None)
	values["doctype"] = "Sales Order"
	return values
