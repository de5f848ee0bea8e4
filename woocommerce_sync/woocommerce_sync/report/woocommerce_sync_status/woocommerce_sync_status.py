"""The sync status console: failing orders (one row per store and order, latest reason, first and
last failure; the Sales Order when only its sale documents failed) or failed webhook deliveries;
the report's buttons retry or ignore them."""

import frappe
from frappe import _

from woocommerce_sync.desk.access import readable_stores
from woocommerce_sync.desk.console import failed_deliveries, failing_orders

ORDERS, DELIVERIES = "Failing Orders", "Webhook Deliveries"


def execute(filters: dict | None = None) -> tuple:
	filters = frappe._dict(filters or {})
	stores = [s for s in readable_stores() if not filters.store or s == filters.store]
	if filters.show == DELIVERIES:
		rows = failed_deliveries(stores)
		return delivery_columns(), rows, None, _chart(rows, "store", _("Failed deliveries"))
	rows = failing_orders(stores)
	return order_columns(), rows, None, _chart(rows, "store", _("Failing orders"))


def order_columns() -> list[dict]:
	return [
		{
			"fieldname": "store",
			"label": _("Store"),
			"fieldtype": "Link",
			"options": "WooCommerce Integration Settings",
			"width": 150,
		},
		{"fieldname": "woocommerce_order_id", "label": _("Order ID"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "woocommerce_order",
			"label": _("WooCommerce Order"),
			"fieldtype": "Link",
			"options": "WooCommerce Order",
			"width": 160,
		},
		{
			"fieldname": "sales_order",
			"label": _("Sales Order"),
			"fieldtype": "Link",
			"options": "Sales Order",
			"width": 140,
		},
		{"fieldname": "reason", "label": _("Latest Reason"), "fieldtype": "Small Text", "width": 420},
		{"fieldname": "first_failed", "label": _("First Failed"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "last_failed", "label": _("Last Failed"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "failures", "label": _("Failures"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "sync_log",
			"label": _("Sync Log"),
			"fieldtype": "Link",
			"options": "WooCommerce Sync Log",
			"width": 120,
		},
	]


def delivery_columns() -> list[dict]:
	return [
		{
			"fieldname": "name",
			"label": _("Delivery"),
			"fieldtype": "Link",
			"options": "WooCommerce Webhook Delivery",
			"width": 120,
		},
		{
			"fieldname": "store",
			"label": _("Store"),
			"fieldtype": "Link",
			"options": "WooCommerce Integration Settings",
			"width": 150,
		},
		{"fieldname": "order_id", "label": _("Order ID"), "fieldtype": "Int", "width": 90},
		{"fieldname": "topic", "label": _("Topic"), "fieldtype": "Data", "width": 120},
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Small Text", "width": 420},
		{"fieldname": "creation", "label": _("Received"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "processed_at", "label": _("Processed"), "fieldtype": "Datetime", "width": 160},
		{
			"fieldname": "sync_log",
			"label": _("Sync Log"),
			"fieldtype": "Link",
			"options": "WooCommerce Sync Log",
			"width": 120,
		},
	]


def _chart(rows: list[dict], key: str, label: str) -> dict | None:
	counts: dict[str, int] = {}
	for row in rows:
		counts[row[key]] = counts.get(row[key], 0) + 1
	if not counts:
		return None
	return {
		"data": {"labels": list(counts), "datasets": [{"name": label, "values": list(counts.values())}]},
		"type": "bar",
	}
