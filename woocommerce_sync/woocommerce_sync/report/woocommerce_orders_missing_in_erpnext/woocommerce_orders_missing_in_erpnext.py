"""A store's orders created in a date range (read live, 100 a request) against the Sales Orders:
missing in ERPNext, cancelled on one side only, status or grand total different."""

import frappe
from frappe import _
from frappe.utils import flt

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import ORDER, SETTINGS
from woocommerce_sync.core.client import WooCommerceError
from woocommerce_sync.core.order_feed import format_gmt
from woocommerce_sync.core.order_mapping import CANCELLING_STATUSES, normalize_status
from woocommerce_sync.desk.access import check_readable
from woocommerce_sync.orders.sync_sales_orders import parse_filters

MISSING = "Missing in ERPNext"
CANCELLED_IN_WOOCOMMERCE = "Cancelled in WooCommerce only"
CANCELLED_IN_ERPNEXT = "Cancelled in ERPNext only"
STATUS_DIFFERS = "Status differs"
TOTAL_DIFFERS = "Grand total differs"
ORDER_FIELDS = "id,number,status,date_created,date_created_gmt,total,currency"


def execute(filters: dict | None = None) -> tuple:
	filters = frappe._dict(filters or {})
	if not (filters.store and filters.from_date and filters.to_date):
		return columns(), [], _("Choose a store and a date range."), None
	check_readable(filters.store)
	rows = compare(filters.store, read_orders(filters.store, filters.from_date, filters.to_date))
	return columns(), rows, None, chart(rows), summary(rows)


def read_orders(store: str, from_date: str, to_date: str) -> list[dict]:
	"""The store's orders created in the range (site dates), by date created, 100 per request."""
	window = parse_filters(created_from=from_date, created_to=to_date)
	params = {
		"status": "any",
		"dates_are_gmt": "true",
		"after": format_gmt(window.created_after),
		"before": format_gmt(window.created_before),
		"orderby": "date",
		"order": "asc",
		"_fields": ORDER_FIELDS,
	}
	try:
		with get_client(store) as client:
			return list(client.iter_all("orders", params))
	except WooCommerceError as exc:
		frappe.throw(
			_("The orders of WooCommerce store {0} could not be read for this report. {1}").format(
				store, explain(exc)
			),
			title=_("Orders Missing in ERPNext"),
		)


def compare(store: str, orders: list[dict]) -> list[dict]:
	"""One row per order that differs; every Sales Order of these ids is read in one query."""
	settings = frappe.get_cached_doc(SETTINGS, store)
	imported = set(settings.get_statuses_to_import())
	ids = [str(order["id"]) for order in orders]
	sales_orders: dict[str, list[frappe._dict]] = {}
	for so in frappe.get_all(
		"Sales Order",
		filters={"woocommerce_server": store, "woocommerce_id": ("in", ids)} if ids else {"name": ""},
		fields=[
			"name",
			"woocommerce_id",
			"docstatus",
			"status",
			"woocommerce_status",
			"grand_total",
			"currency",
		],
		order_by="creation asc",
	):
		sales_orders.setdefault(so.woocommerce_id, []).append(so)
	rows = []
	for order in orders:
		status = normalize_status(order.get("status"))
		found = sales_orders.get(str(order["id"])) or []
		live = next((so for so in found if so.docstatus < 2), None)
		cancelled = next((so for so in found if so.docstatus == 2), None)
		problem = None
		if live is None and cancelled is None:
			problem = MISSING if status in imported else None
		elif live is None:
			problem = None if status in CANCELLING_STATUSES else CANCELLED_IN_ERPNEXT
		elif status in CANCELLING_STATUSES:
			problem = CANCELLED_IN_WOOCOMMERCE
		elif normalize_status(live.woocommerce_status) != status:
			problem = STATUS_DIFFERS
		elif abs(flt(live.grand_total) - flt(order.get("total"))) >= 0.005:
			problem = TOTAL_DIFFERS
		if not problem:
			continue
		so = live or cancelled
		rows.append(
			{
				"woocommerce_order_id": order["id"],
				"woocommerce_order": f"{store}:{order['id']}",
				"number": order.get("number"),
				"date_created": (order.get("date_created") or "").replace("T", " ") or None,
				"woocommerce_status": status,
				"woocommerce_total": flt(order.get("total")),
				"currency": order.get("currency"),
				"sales_order": so.name if so else None,
				"sales_order_status": so.status if so else None,
				"grand_total": so.grand_total if so else None,
				"problem": _(problem),
				"problem_key": problem,
			}
		)
	return rows


def columns() -> list[dict]:
	return [
		{"fieldname": "woocommerce_order_id", "label": _("Order ID"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "woocommerce_order",
			"label": _("WooCommerce Order"),
			"fieldtype": "Link",
			"options": ORDER,
			"width": 150,
		},
		{"fieldname": "number", "label": _("Number"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "date_created",
			"label": _("Created (store time)"),
			"fieldtype": "Datetime",
			"width": 160,
		},
		{"fieldname": "problem", "label": _("Problem"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "woocommerce_status",
			"label": _("WooCommerce Status"),
			"fieldtype": "Data",
			"width": 120,
		},
		{
			"fieldname": "woocommerce_total",
			"label": _("WooCommerce Total"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"fieldname": "sales_order",
			"label": _("Sales Order"),
			"fieldtype": "Link",
			"options": "Sales Order",
			"width": 160,
		},
		{
			"fieldname": "sales_order_status",
			"label": _("Sales Order Status"),
			"fieldtype": "Data",
			"width": 130,
		},
		{
			"fieldname": "grand_total",
			"label": _("Grand Total"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
		{"fieldname": "problem_key", "label": _("Problem Key"), "fieldtype": "Data", "hidden": 1},
	]


def _counts(rows: list[dict]) -> dict[str, int]:
	counts = dict.fromkeys(
		(MISSING, CANCELLED_IN_WOOCOMMERCE, CANCELLED_IN_ERPNEXT, STATUS_DIFFERS, TOTAL_DIFFERS), 0
	)
	for row in rows:
		counts[row["problem_key"]] += 1
	return counts


def chart(rows: list[dict]) -> dict:
	counts = _counts(rows)
	return {
		"data": {
			"labels": [_(key) for key in counts],
			"datasets": [{"name": _("Orders"), "values": list(counts.values())}],
		},
		"type": "bar",
		"colors": ["#e24c4c"],
	}


def summary(rows: list[dict]) -> list[dict]:
	return [
		{"value": count, "label": _(key), "datatype": "Int", "indicator": "Red" if count else "Green"}
		for key, count in _counts(rows).items()
	]
