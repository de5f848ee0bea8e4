"""Sales per store and day, week or month, from the documents the app made (woocommerce_server
set): orders, net sales, discounts, tax, shipping and fees from submitted Sales Orders by order
date; invoiced and refunded from Sales Invoices and credit notes by posting date. Amounts are in
the company's currency. Each query is grouped by store and date on an index of both."""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate

from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.desk.access import readable_stores

PERIODS = ("Daily", "Weekly", "Monthly")
AMOUNTS = ("net_sales", "discounts", "tax", "shipping", "fees", "invoiced", "refunds")


def execute(filters: dict | None = None) -> tuple:
	filters = frappe._dict(filters or {})
	if not (filters.from_date and filters.to_date):
		return columns(), [], _("Choose a date range."), None
	stores = [s for s in readable_stores() if not filters.store or s == filters.store]
	rows = sales(stores, getdate(filters.from_date), getdate(filters.to_date), filters.period or "Daily")
	return columns(), rows, None, chart(rows)


def period_start(day: date, period: str) -> date:
	if period == "Weekly":
		return day - timedelta(days=day.weekday())
	if period == "Monthly":
		return day.replace(day=1)
	return day


def sales(stores: list[str], from_date: date, to_date: date, period: str) -> list[dict]:
	if period not in PERIODS:
		frappe.throw(_("Period must be one of {0}.").format(", ".join(PERIODS)))
	if not stores:
		return []
	totals: dict[tuple[str, date], dict] = {}

	def add(store: str, day, field: str, amount) -> None:
		key = (store, period_start(getdate(day), period))
		row = totals.setdefault(
			key, {"store": key[0], "period": key[1], "orders": 0, **dict.fromkeys(AMOUNTS, 0.0)}
		)
		row[field] += amount or 0

	so = frappe.qb.DocType("Sales Order")
	for store, day, orders, net, discount in (
		frappe.qb.from_(so)
		.select(
			so.woocommerce_server,
			so.transaction_date,
			Count("*"),
			Sum(so.base_net_total),
			Sum(so.base_discount_amount),
		)
		.where(so.woocommerce_server.isin(stores))
		.where(so.transaction_date[from_date:to_date])
		.where(so.docstatus == 1)
		.groupby(so.woocommerce_server, so.transaction_date)
	).run():
		add(store, day, "orders", orders)
		add(store, day, "net_sales", float(net or 0))
		add(store, day, "discounts", float(discount or 0))

	accounts = {
		row.name: row
		for row in frappe.get_all(
			SETTINGS, filters={"name": ("in", stores)}, fields=["name", "shipping_account", "fee_account"]
		)
	}
	tax = frappe.qb.DocType("Sales Taxes and Charges")
	for store, day, account, amount in (
		frappe.qb.from_(so)
		.join(tax)
		.on((tax.parent == so.name) & (tax.parenttype == "Sales Order"))
		.select(so.woocommerce_server, so.transaction_date, tax.account_head, Sum(tax.base_tax_amount))
		.where(so.woocommerce_server.isin(stores))
		.where(so.transaction_date[from_date:to_date])
		.where(so.docstatus == 1)
		.groupby(so.woocommerce_server, so.transaction_date, tax.account_head)
	).run():
		kind = (
			"shipping"
			if account == accounts[store].shipping_account
			else "fees"
			if account == accounts[store].fee_account
			else "tax"
		)
		add(store, day, kind, float(amount or 0))

	si = frappe.qb.DocType("Sales Invoice")
	for store, day, is_return, amount in (
		frappe.qb.from_(si)
		.select(si.woocommerce_server, si.posting_date, si.is_return, Sum(si.base_grand_total))
		.where(si.woocommerce_server.isin(stores))
		.where(si.posting_date[from_date:to_date])
		.where(si.docstatus == 1)
		.groupby(si.woocommerce_server, si.posting_date, si.is_return)
	).run():
		if is_return:
			add(store, day, "refunds", -float(amount or 0))
		else:
			add(store, day, "invoiced", float(amount or 0))
	return [totals[key] for key in sorted(totals)]


def columns() -> list[dict]:
	currency = {"fieldtype": "Currency", "width": 120}
	return [
		{"fieldname": "store", "label": _("Store"), "fieldtype": "Link", "options": SETTINGS, "width": 150},
		{"fieldname": "period", "label": _("Period From"), "fieldtype": "Date", "width": 110},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "net_sales", "label": _("Net Sales"), **currency},
		{"fieldname": "discounts", "label": _("Discounts"), **currency},
		{"fieldname": "tax", "label": _("Tax"), **currency},
		{"fieldname": "shipping", "label": _("Shipping"), **currency},
		{"fieldname": "fees", "label": _("Fees"), **currency},
		{"fieldname": "invoiced", "label": _("Invoiced"), **currency},
		{"fieldname": "refunds", "label": _("Refunds"), **currency},
	]


def chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	periods = sorted({row["period"] for row in rows})
	stores = sorted({row["store"] for row in rows})
	by_key = {(row["store"], row["period"]): row["net_sales"] for row in rows}
	return {
		"data": {
			"labels": [frappe.format(p, "Date") for p in periods],
			"datasets": [{"name": s, "values": [by_key.get((s, p), 0) for p in periods]} for s in stores],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}
