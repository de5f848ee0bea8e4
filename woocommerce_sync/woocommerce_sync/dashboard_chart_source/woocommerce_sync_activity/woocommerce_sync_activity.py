"""Per day and store, for the last 30 days: Sales Orders imported, orders that failed, products
whose stock or price was pushed. One grouped, indexed query per chart refresh. The busiest
stores get a line each and the rest share one "Other stores" line, so a site with many stores
still draws a chart a person can read."""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Count, Date, Sum
from frappe.utils import formatdate, get_datetime, getdate, nowdate
from frappe.utils.dashboard import cache_source
from pypika.terms import Criterion

from woocommerce_sync.constants import STOCK_OPERATION, SYNC_LOG, SYNC_LOG_FAILURE
from woocommerce_sync.desk.access import readable_stores

DAYS = 30
LINES = 5  # stores drawn on their own line; the others are summed


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | None = None,
	no_cache: int | str | None = None,
	filters: str | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: int | str | None = None,
) -> dict:
	"""The chart widget's call."""
	readable_stores()  # the roles and the stores' read permission, before Frappe's chart cache
	return _cached(
		chart_name=chart_name,
		chart=chart,
		no_cache=no_cache,
		filters=filters,
		to_date=to_date,
		refresh=refresh,
	)


@cache_source
def _cached(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
) -> dict:
	if chart_name:
		chart = frappe.get_doc("Dashboard Chart", chart_name)
	elif not isinstance(chart, Document):  # cache_source passes the document itself with no_cache
		chart = frappe._dict(frappe.parse_json(chart))
	filters = frappe.parse_json(filters) or frappe.parse_json(chart.filters_json) or {}
	stores = readable_stores()
	if filters.get("store"):
		stores = [s for s in stores if s == filters["store"]]
	return activity(filters.get("metric") or "Sales Orders Imported", stores, getdate(to_date or nowdate()))


def activity(metric: str, stores: list[str], last_day: date) -> dict:
	"""{labels: days, datasets: one per store}, the shape frappe-charts draws."""
	days = [last_day - timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
	queries = {
		"Sales Orders Imported": _imported,
		"Failed Orders": _failed,
		"Stock and Price Pushes": _pushed,
	}
	if metric not in queries:
		frappe.throw(_("WooCommerce Sync Activity has no metric {0}.").format(metric))
	rows = (
		queries[metric](stores, get_datetime(days[0]), get_datetime(last_day + timedelta(days=1)))
		if stores
		else []
	)
	per_store: dict[str, dict[date, int]] = {}
	for store, day, value in rows:
		per_store.setdefault(store, {})[getdate(day)] = int(value or 0)
	busiest = sorted(per_store, key=lambda store: (-sum(per_store[store].values()), store))
	lines = {store: per_store[store] for store in sorted(busiest[:LINES])}
	others = busiest[LINES:]
	if others:
		lines[_("Other stores ({0})").format(len(others))] = {
			day: sum(per_store[store].get(day, 0) for store in others) for day in days
		}
	if not lines:
		lines = {store: {} for store in stores[:1]}
	return {
		"labels": [formatdate(day, "dd-MM") for day in days],
		"datasets": [
			{"name": name, "values": [by_day.get(day, 0) for day in days]} for name, by_day in lines.items()
		],
	}


def _imported(stores: list[str], start, end) -> list:
	so = frappe.qb.DocType("Sales Order")
	day = Date(so.creation)
	return (
		frappe.qb.from_(so)
		.select(so.woocommerce_server, day, Count("*"))
		.where(so.woocommerce_server.isin(stores))
		.where(so.creation >= start)
		.where(so.creation < end)
		.groupby(so.woocommerce_server, day)
	).run()


def _failed(stores: list[str], start, end) -> list:
	"""Distinct orders with a failure row that day (product failures name an Item and are left out)."""
	log, failure = frappe.qb.DocType(SYNC_LOG), frappe.qb.DocType(SYNC_LOG_FAILURE)
	day = Date(log.started)
	return (
		frappe.qb.from_(log)
		.join(failure)
		.on(failure.parent == log.name)
		.select(log.store, day, Count(failure.woocommerce_order_id).distinct())
		.where(log.store.isin(stores))
		.where(log.started >= start)
		.where(log.started < end)
		.where(failure.parenttype == SYNC_LOG)
		.where(Criterion.any([failure.reference_doctype.isnull(), failure.reference_doctype != "Item"]))
		.groupby(log.store, day)
	).run()


def _pushed(stores: list[str], start, end) -> list:
	"""Products updated by the stock and price pushes (the minute's and the hourly full pass)."""
	log = frappe.qb.DocType(SYNC_LOG)
	day = Date(log.started)
	return (
		frappe.qb.from_(log)
		.select(log.store, day, Sum(log.updated_count))
		.where(log.store.isin(stores))
		.where(log.operation == STOCK_OPERATION)
		.where(log.started >= start)
		.where(log.started < end)
		.groupby(log.store, day)
	).run()
