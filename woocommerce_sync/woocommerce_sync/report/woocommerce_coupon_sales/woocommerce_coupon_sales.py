"""Which coupons sold what: per store, period and coupon code, the submitted Sales Orders (by
order date) whose WooCommerce Coupons table names the code, the discount it gave and its tax,
and those orders' net sales. Amounts are in the company's currency (the order's conversion rate)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate

from woocommerce_sync.constants import ORDER_COUPON, SETTINGS
from woocommerce_sync.core.coupon_sales import group_coupon_sales
from woocommerce_sync.desk.access import readable_stores
from woocommerce_sync.woocommerce_sync.report.woocommerce_sales.woocommerce_sales import (
	PERIODS,
	period_start,
)


def execute(filters: dict | None = None) -> tuple:
	filters = frappe._dict(filters or {})
	if not (filters.from_date and filters.to_date):
		return columns(), [], _("Choose a date range."), None
	period = filters.period or "Monthly"
	if period not in PERIODS:
		frappe.throw(_("Period must be one of {0}.").format(", ".join(PERIODS)))
	stores = [s for s in readable_stores() if not filters.store or s == filters.store]
	rows = coupon_sales(stores, getdate(filters.from_date), getdate(filters.to_date), period)
	if filters.coupon_code:
		rows = [row for row in rows if row["coupon_code"] == filters.coupon_code.strip().lower()]
	return columns(), rows, None, None


def coupon_sales(stores: list[str], from_date, to_date, period: str) -> list[dict]:
	if not stores:
		return []
	so = frappe.qb.DocType("Sales Order")
	coupon = frappe.qb.DocType(ORDER_COUPON)
	rows = (
		frappe.qb.from_(so)
		.join(coupon)
		.on((coupon.parent == so.name) & (coupon.parenttype == "Sales Order"))
		.select(
			so.woocommerce_server,
			so.transaction_date,
			coupon.coupon_code,
			Count(so.name).distinct(),
			Sum(coupon.discount * so.conversion_rate),
			Sum(coupon.discount_tax * so.conversion_rate),
			Sum(so.base_net_total),
		)
		.where(so.woocommerce_server.isin(stores))
		.where(so.transaction_date[from_date:to_date])
		.where(so.docstatus == 1)
		.groupby(so.woocommerce_server, so.transaction_date, coupon.coupon_code)
	).run()
	return group_coupon_sales(rows, lambda day: period_start(getdate(day), period))


def columns() -> list[dict]:
	currency = {"fieldtype": "Currency", "width": 130}
	return [
		{"fieldname": "store", "label": _("Store"), "fieldtype": "Link", "options": SETTINGS, "width": 150},
		{"fieldname": "period", "label": _("Period From"), "fieldtype": "Date", "width": 110},
		{"fieldname": "coupon_code", "label": _("Coupon Code"), "fieldtype": "Data", "width": 140},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "discount", "label": _("Discount"), **currency},
		{"fieldname": "discount_tax", "label": _("Discount Tax"), **currency},
		{"fieldname": "net_sales", "label": _("Net Sales of These Orders"), **currency},
	]
