"""The live WooCommerce Order view: Frappe's list arguments become one REST request per page,
WooCommerce orders become rows and documents. Nothing is stored: every read asks the store.
"""

import json
import re
from datetime import datetime, timedelta
from typing import Any, NoReturn

import frappe
from frappe import _
from frappe.utils import escape_html, get_timespan_date_range
from frappe.utils.html_utils import sanitize_html

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import ORDER, ORDER_LINE, SETTINGS
from woocommerce_sync.core.client import INTERACTIVE, WooCommerceError, WooCommerceNotFound
from woocommerce_sync.core.order_feed import format_gmt, parse_gmt
from woocommerce_sync.core.order_pages import page_window
from woocommerce_sync.dates import site_to_utc, utc_to_site
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.products.links import store_links

DEFAULT_PAGE_LENGTH = 20  # what Frappe's REST API answers when no limit is given
SORT_KEYS = {
	"date_created": "date",
	"creation": "date",
	"date_modified": "modified",
	"modified": "modified",
	"woocommerce_id": "id",
	"name": "id",
}


class OrderNotFound(frappe.ValidationError):
	"""An unknown store, an unknown order, a store the user may not read or a malformed name: one
	message naming nothing, so that nobody learns which stores exist. Not a DoesNotExistError:
	Desk's form swallows that one's message."""

	http_status_code = 404


# Names and access ------------------------------------------------------------------------------


def split_name(name: str) -> tuple[str, int]:
	""" "<store>:<order id>" -> (store, id); the store name may itself contain a colon."""
	store, _sep, order_id = str(name or "").rpartition(":")
	if not store or not order_id.isdigit():
		not_found(name)
	return store, int(order_id)


def not_found(name: str) -> NoReturn:
	frappe.throw(
		_("WooCommerce Order {0} was not found or you may not read it.").format(escape_html(str(name))),
		OrderNotFound,
	)


def check_access(name: str) -> tuple[str, int]:
	"""The role, then read permission on the store's settings (User Permissions on the store),
	before anything asks the store: it answers with the store's admin key."""
	check_role()
	store, order_id = split_name(name)
	if not may_read_store(store):
		not_found(name)
	return store, order_id


def check_role() -> None:
	if not frappe.has_permission(ORDER, "read"):
		frappe.throw(
			_("Reading WooCommerce Orders needs the System Manager or WooCommerce Manager role."),
			frappe.PermissionError,
		)


def may_read_store(store: str | None) -> bool:
	return bool(
		store and frappe.db.exists(SETTINGS, store) and frappe.has_permission(SETTINGS, "read", store)
	)


def default_store() -> str | None:
	"""The first enabled store the user may read (get_list applies their User Permissions)."""
	stores = frappe.get_list(SETTINGS, filters={"enabled": 1}, pluck="name", order_by="creation asc", limit=1)
	return stores[0] if stores else None


# Reading ---------------------------------------------------------------------------------------


def get_list(args: dict) -> list:
	"""The virtual DocType's get_list: one page of the store's orders, newest first by default."""
	store, params = readable_list_params(args)
	length = frappe.utils.cint(
		args.get("page_length") or args.get("limit_page_length") or args.get("limit") or DEFAULT_PAGE_LENGTH
	)
	window = page_window(args.get("start") or args.get("limit_start") or 0, length)
	params.update({"page": window.page, "per_page": window.per_page, **sort_params(args.get("order_by"))})
	orders = _read(store, None, lambda client: client.get("orders", params))
	rows = to_rows(store, window.cut(orders if isinstance(orders, list) else []))
	return _shape(rows, args)


def get_count(args: dict) -> int:
	"""WooCommerce's X-WP-Total of the filtered list, from a request for a single order."""
	store, params = readable_list_params(args)
	params.update({"page": 1, "per_page": 1})
	response = _read(store, None, lambda client: client.request("GET", "orders", params=params))
	return frappe.utils.cint(response.headers.get("X-WP-Total"))


def load(name: str) -> dict:
	"""One order as the document's values, its lines as child rows; the store is asked only for
	someone who may read its orders."""
	store, order_id = check_access(name)
	order = _read(store, order_id, lambda client: client.get(f"orders/{order_id}"))
	values = to_rows(store, [order])[0]
	values["lines"] = _lines(store, values["name"], order.get("line_items") or [])
	return values


def readable_list_params(args: dict) -> tuple[str, dict[str, Any]]:
	"""list_params, for a user with the role who may read the store filtered on."""
	check_role()
	store, params = list_params(args)
	if not may_read_store(store):
		frappe.throw(
			_("WooCommerce store {0} was not found or you may not read it.").format(escape_html(store)),
			OrderNotFound,
		)
	return store, params


def _read(store: str, order_id: int | None, call):
	"""Callers have checked access (check_access, readable_list_params). A person waits on the
	answer: the interactive profile (10 s in all, then "the store is slow")."""
	try:
		with get_client(store, INTERACTIVE) as client:
			return call(client)
	except WooCommerceNotFound as exc:
		if order_id is not None and exc.proves_deleted("orders"):
			not_found(live_key(store, order_id))
		_fail(store, order_id, exc)
	except WooCommerceError as exc:
		_fail(store, order_id, exc)


def _fail(store: str, order_id: int | None, exc: WooCommerceError) -> None:
	"""The call itself, with its error, is in the WooCommerce Request Log."""
	what = (
		_("Order {0} of WooCommerce store {1} could not be read.").format(order_id, store)
		if order_id is not None
		else _("The orders of WooCommerce store {0} could not be read.").format(store)
	)
	frappe.throw(f"{what} {explain(exc)}", title=_("WooCommerce Order"))


# Filters ---------------------------------------------------------------------------------------


def list_params(args: dict) -> tuple[str, dict[str, Any]]:
	"""Frappe filters -> (store, WooCommerce list parameters)."""
	if args.get("or_filters"):
		frappe.throw(_("WooCommerce Orders can only be filtered with conditions that all apply (no 'or')."))
	store, statuses, ids, search = None, [], [], None
	after = before = None
	for field, op, value in conditions(args.get("filters")):
		if field == "store" and op in ("=", "like"):
			store = str(value).strip("%")
		elif field == "status" and op in ("=", "like", "in"):
			statuses += [s.strip("%").strip() for s in _values(value) if s.strip("%").strip()]
		elif field in ("name", "woocommerce_id") and op in ("=", "like", "in"):
			for text in _values(value):
				text = str(text).strip("%").strip()
				prefix, _sep, text = text.rpartition(":")
				store = prefix or store
				if text.isdigit():
					ids.append(int(text))
				elif text and op == "like":
					search = text
				elif text:
					frappe.throw(_("An order id is a number, not {0}.").format(text))
		elif field == "date_created":
			since, until = date_range(op, value)
			after = max(filter(None, [after, since and since - timedelta(seconds=1)]), default=None)
			before = min(filter(None, [before, until and until + timedelta(seconds=1)]), default=None)
		else:
			frappe.throw(
				_(
					"WooCommerce Orders cannot be filtered by {0} {1}: filter by store, status, date created "
					"(equals, before, after, between, timespan) or order id."
				).format(field, op)
			)
	store = store or default_store()
	if not store:
		frappe.throw(_("No WooCommerce store is enabled: enable one in WooCommerce Integration Settings."))
	params: dict[str, Any] = {"status": ",".join(statuses) if statuses else "any"}
	if ids:
		params["include"] = ",".join(map(str, ids))
	if search:
		params["search"] = search
	if after or before:
		params["dates_are_gmt"] = "true"
		params["after"] = format_gmt(after) if after else None
		params["before"] = format_gmt(before) if before else None
	return store, params


def conditions(filters: Any) -> list[tuple[str, str, Any]]:
	"""Every shape Frappe passes filters in -> (field, operator, value)."""
	if isinstance(filters, str):
		filters = json.loads(filters) if filters else []
	if isinstance(filters, dict):
		filters = [
			[key, *value] if isinstance(value, list | tuple) else [key, value]
			for key, value in filters.items()
		]
	found = []
	for item in filters or []:
		item = list(item)
		if len(item) == 2:
			field, op, value = item[0], "=", item[1]
		elif len(item) == 3:
			field, op, value = item
		else:
			field, op, value = item[1], item[2], item[3]
		found.append((field, str(op).lower(), value))
	return found


def date_range(op: str, value: Any) -> tuple[datetime | None, datetime | None]:
	"""A date filter in the site's time zone -> inclusive (since, until) in UTC."""
	if op == "between":
		first, last = _values(value)[:2]
		return site_to_utc(first), site_to_utc(last, end_of_day=True)
	if op == "timespan":
		span = get_timespan_date_range(str(value))
		if not span:
			frappe.throw(_("{0} is not a timespan Desk knows.").format(value))
		return site_to_utc(span[0]), site_to_utc(span[1], end_of_day=True)
	if op == "=":
		return site_to_utc(value), site_to_utc(value, end_of_day=True)
	if op == ">=":
		return site_to_utc(value), None
	if op == ">":
		return site_to_utc(value, end_of_day=True) + timedelta(seconds=1), None
	if op == "<=":
		return None, site_to_utc(value, end_of_day=True)
	if op == "<":
		return None, site_to_utc(value) - timedelta(seconds=1)
	frappe.throw(
		_("Date Created can be filtered with =, <, <=, >, >=, between and timespan, not {0}.").format(op)
	)


def _values(value: Any) -> list:
	if isinstance(value, str):
		return [v.strip() for v in value.split(",")] if "," in value else [value]
	return list(value) if isinstance(value, list | tuple) else [value]


def sort_params(order_by: Any) -> dict[str, str]:
	"""Frappe's "`tabX`.`field` desc" -> WooCommerce's orderby/order; date, newest first, otherwise."""
	match = re.search(r"`?(\w+)`?\s*(asc|desc)?\s*$", str(order_by or "").split(",")[0], re.IGNORECASE)
	if not match or match.group(1) not in SORT_KEYS:
		return {"orderby": "date", "order": "desc"}
	return {"orderby": SORT_KEYS[match.group(1)], "order": (match.group(2) or "desc").lower()}


# Rows ------------------------------------------------------------------------------------------


def to_rows(store: str, orders: list[dict]) -> list[dict]:
	"""Orders -> the DocType's values, with each order's live Sales Order (one query)."""
	keys = [live_key(store, order["id"]) for order in orders]
	sales_orders = dict(
		frappe.get_all(
			"Sales Order",
			filters={"woocommerce_live_key": ("in", keys)},
			fields=["woocommerce_live_key", "name"],
			as_list=True,
		)
		if keys
		else []
	)
	rows = []
	for order in orders:
		billing, shipping = order.get("billing") or {}, order.get("shipping") or {}
		created, modified = _site_time(order, "date_created"), _site_time(order, "date_modified")
		rows.append(
			{
				"doctype": ORDER,
				"name": live_key(store, order["id"]),
				"store": store,
				"woocommerce_id": order["id"],
				"number": str(order.get("number") or order["id"]),
				"status": order.get("status"),
				"date_created": created,
				"date_modified": modified,
				"creation": created,
				"modified": modified,
				"docstatus": 0,
				"owner": None,  # made in the store, by no ERPNext user
				"modified_by": None,
				"customer_name": " ".join(filter(None, [billing.get("first_name"), billing.get("last_name")]))
				or billing.get("company")
				or billing.get("email"),
				"email": billing.get("email"),
				"currency": order.get("currency"),
				"total": _amount(order.get("total")),
				"total_tax": _amount(order.get("total_tax")),
				"shipping_total": _amount(order.get("shipping_total")),
				"discount_total": _amount(order.get("discount_total")),
				"payment_method_title": order.get("payment_method_title"),
				"customer_note": order.get("customer_note"),
				"billing_address": _address(billing),
				"shipping_address": _address(shipping),
				"sales_order": sales_orders.get(live_key(store, order["id"])),
			}
		)
	return [_safe(row) for row in rows]


def _lines(store: str, parent: str, items: list[dict]) -> list[dict]:
	"""Line items with the Item each product is paired with in ERPNext, if any."""
	paired = store_links(store, list({item["product_id"] for item in items if item.get("product_id")}))
	lines = [
		{
			"doctype": ORDER_LINE,
			"name": f"{parent}:{item.get('id')}",
			"parent": parent,
			"parenttype": ORDER,
			"parentfield": "lines",
			"idx": index,
			"item_name": item.get("name"),
			"sku": item.get("sku"),
			"product_id": item.get("product_id"),
			"variation_id": item.get("variation_id"),
			"item_code": paired.get((item.get("product_id") or 0, item.get("variation_id") or 0)),
			"quantity": item.get("quantity"),
			"rate": _amount(item.get("price")),
			"total": _amount(item.get("total")),
			"total_tax": _amount(item.get("total_tax")),
		}
		for index, item in enumerate(items, start=1)
	]
	return [_safe(line) for line in lines]


def _safe(values: dict) -> dict:
	"""Shop text through the sanitiser Frappe runs on every document it saves: Desk shows these
	fields as HTML, and a virtual document is never saved."""
	return {key: sanitize_html(value) if isinstance(value, str) else value for key, value in values.items()}


def _shape(rows: list[dict], args: dict) -> list:
	"""Only the fields asked for (all when none or "*"), as dicts, lists or plucked values."""
	wanted = [_fieldname(f) for f in (args.get("fields") or []) if f]
	if args.get("pluck"):
		return [row.get(args["pluck"]) for row in rows]
	if not wanted or "*" in wanted:
		wanted = [key for key in (rows[0] if rows else {}) if key != "doctype"]
	if args.get("as_list"):
		return [[row.get(field) for field in wanted] for row in rows]
	return [frappe._dict({field: row.get(field) for field in wanted}) for row in rows]


def _fieldname(field: str) -> str:
	"""`tabWooCommerce Order`.`status` as status -> status."""
	field = str(field).split(" as ")[0].strip()
	return field.rsplit(".", 1)[-1].strip("`")


def _site_time(order: dict, field: str) -> datetime | None:
	value = order.get(f"{field}_gmt") or order.get(field)
	if not value:
		return None
	return utc_to_site(parse_gmt(value))


def _amount(value: Any) -> float:
	return frappe.utils.flt(value)


def _address(address: dict) -> str | None:
	parts = [
		" ".join(filter(None, [address.get("first_name"), address.get("last_name")])),
		address.get("company"),
		address.get("address_1"),
		address.get("address_2"),
		" ".join(filter(None, [address.get("postcode"), address.get("city"), address.get("state")])),
		address.get("country"),
		address.get("phone"),
	]
	return "\n".join(p for p in parts if p) or None
