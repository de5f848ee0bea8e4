"""A Sales Order born in ERPNext becomes one new WooCommerce order, never two.

The order carries the Sales Order's name in its meta (`_erpnext_sales_order`). A create whose
answer was lost (the store wrote the order, then timed out) must not be sent again blindly, and
WooCommerce's orders list cannot filter by meta. So the time of the first attempt is committed on
the Sales Order before the request; every later attempt first lists the orders created since then,
less a margin for the two clocks (`after=`, 100 a page, oldest first) and checks their meta here,
and links the order it finds instead of creating another. The search costs one request per 100
orders the shop took since the first attempt, and nothing for an export that works the first time.
"""

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from woocommerce_sync.constants import EXPORT_ATTEMPTED_FIELD, SETTINGS
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.order_feed import format_gmt, parse_gmt
from woocommerce_sync.dates import naive_utc, stored_utc
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.orders.sync_state import address_values, mark_synced
from woocommerce_sync.products.links import products_of

META_KEY = "_erpnext_sales_order"
# The store's clock against this server's: NTP keeps them within seconds; a misconfigured host
# within minutes. Only orders created after (first attempt - margin) are read.
CLOCK_MARGIN = timedelta(minutes=30)
SEARCH_FIELDS = "id,status,date_created_gmt,date_modified_gmt,meta_data"


def paired_products(so: Document) -> dict:
	"""Item code -> (product id, variation id) in the store, for every Item of the Sales Order.
	Refuses, from this site's data only, a Sales Order with an Item not paired with the store."""
	links = products_of(so.woocommerce_server, [row.item_code for row in so.items])
	missing = sorted({row.item_code for row in so.items if row.item_code not in links})
	if missing:
		frappe.throw(
			_(
				"Sales Order {0} cannot be sent to WooCommerce store {1}: these Items are not paired with "
				"a product there: {2}. Pair them (settings: Products > Map Existing Products) or create "
				"them (Item: Actions > Sync to WooCommerce), then submit again."
			).format(so.name, so.woocommerce_server, ", ".join(missing))
		)
	return links


def export(client: WooCommerceClient, so: Document, note: Callable[[str], None]) -> int:
	"""Create the WooCommerce order of a Sales Order born in ERPNext, or find the one an earlier
	attempt made, and link the two. Commits the first attempt's time before asking the store.
	`note` gets what the store's field mapping could not send."""
	payload = export_payload(so, note)
	order = None
	attempted = so.get(EXPORT_ATTEMPTED_FIELD)
	if attempted:
		order = find_exported(client, so.name, stored_utc(attempted) - CLOCK_MARGIN)
	else:
		now = naive_utc(datetime.now(timezone.utc))
		frappe.db.set_value("Sales Order", so.name, EXPORT_ATTEMPTED_FIELD, now, update_modified=False)
		frappe.db.commit()
	if order is None:
		order = client.post("orders", payload, reference=("Sales Order", so.name))
	so.db_set(
		{
			"woocommerce_id": str(order["id"]),
			"woocommerce_live_key": live_key(so.woocommerce_server, order["id"]),
			"woocommerce_status": order.get("status"),
		}
	)
	mark_synced(so.name, parse_gmt(order["date_modified_gmt"]))
	return order["id"]


def find_exported(client: WooCommerceClient, sales_order: str, since: datetime) -> dict | None:
	"""The store order created after `since` whose meta names this Sales Order, if any."""
	params = {
		"after": format_gmt(since),
		"dates_are_gmt": "true",
		"orderby": "date",
		"order": "asc",
		"_fields": SEARCH_FIELDS,
	}
	for page in client.iter_pages("orders", params):
		for order in page:
			if any(_names(meta, sales_order) for meta in order.get("meta_data") or []):
				return order
	return None


def cancel_lost_export(client: WooCommerceClient, so: frappe._dict) -> str:
	"""A Sales Order cancelled before its export was confirmed: the order an attempt made, if
	any, is cancelled in the store too and remembered on the Sales Order."""
	if not so.get(EXPORT_ATTEMPTED_FIELD):
		return _("Sales Order {0} was never sent to WooCommerce: nothing to cancel.").format(so.name)
	order = find_exported(client, so.name, stored_utc(so.get(EXPORT_ATTEMPTED_FIELD)) - CLOCK_MARGIN)
	if order is None:
		return _("WooCommerce store {0} holds no order of Sales Order {1}: nothing to cancel.").format(
			so.woocommerce_server, so.name
		)
	order = client.put(f"orders/{order['id']}", {"status": "cancelled"}, reference=("Sales Order", so.name))
	frappe.db.set_value(
		"Sales Order",
		so.name,
		{"woocommerce_id": str(order["id"]), "woocommerce_status": order.get("status")},
		update_modified=False,
	)
	mark_synced(so.name, parse_gmt(order["date_modified_gmt"]))
	return _("WooCommerce order {0}, made for Sales Order {1}, cancelled.").format(order["id"], so.name)


def export_payload(so: Document, note: Callable[[str], None]) -> dict:
	"""The new order: products from the Items' links, addresses, ERPNext's line amounts, and what
	the store's field mapping exports (after the app's own fields: a rule wins)."""
	links = paired_products(so)
	billing = {**address_values(so.customer_address, with_contact=True), **_person(so.customer_name)}
	shipping = {**address_values(so.shipping_address_name), **_person(so.customer_name)}
	if so.contact_email:
		billing["email"] = so.contact_email
	customer_id = frappe.db.get_value("Customer", so.customer, "woocommerce_customer_key") or ""
	store_prefix = f"{so.woocommerce_server}:"
	payload = {
		"status": so.woocommerce_status or "processing",
		"currency": so.currency,
		"customer_id": cint(customer_id.removeprefix(store_prefix))
		if customer_id.startswith(store_prefix)
		else 0,
		"customer_note": so.woocommerce_customer_note or "",
		"billing": billing,
		"shipping": shipping,
		"line_items": [
			{
				"product_id": links[row.item_code][0],
				"variation_id": links[row.item_code][1],
				"quantity": flt(row.qty),
				"subtotal": f"{flt(row.amount, 2):.2f}",
				"total": f"{flt(row.amount, 2):.2f}",
			}
			for row in so.items
		],
		"meta_data": [{"key": META_KEY, "value": so.name}],
		"set_paid": False,
	}
	rules = FieldRules(frappe.get_cached_doc(SETTINGS, so.woocommerce_server), note)
	subject = _("Sales Order {0}").format(so.name)
	sources = {"Sales Order": so, "Customer": so.customer, "Address": so.customer_address}
	rules.export("Order", sources, payload, subject)
	for row, line in zip(so.items, payload["line_items"], strict=True):
		rules.export("Order Line", {"Sales Order Item": row}, line, _("{0} row {1}").format(subject, row.idx))
	meta = payload["meta_data"]  # a rule cannot take the app's own key, which finds the order again
	meta[:] = [m for m in meta if m["key"] != META_KEY] + [{"key": META_KEY, "value": so.name}]
	return payload


def _names(meta: object, sales_order: str) -> bool:
	return isinstance(meta, dict) and meta.get("key") == META_KEY and str(meta.get("value")) == sales_order


def _person(customer_name: str | None) -> dict:
	first, _space, last = (customer_name or "").partition(" ")
	return {"first_name": first, "last_name": last}
