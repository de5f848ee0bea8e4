"""What a linked Sales Order and its WooCommerce order last agreed on, as the two-way rule reads it.

Both the import and the push end by recording it: a fingerprint of ERPNext's side of the synced
fields (core/conflict.py), WooCommerce's modified time, and the Sales Order's own modified time
as *Last Synced*, so that a Sales Order modified after it counts as changed in ERPNext.
"""

from datetime import datetime

import frappe

from woocommerce_sync.core.conflict import fingerprint, snapshot
from woocommerce_sync.dates import naive_utc

SO_FIELDS = [
	"name",
	"docstatus",
	"modified",
	"woocommerce_server",
	"woocommerce_id",
	"woocommerce_status",
	"woocommerce_customer_note",
	"woocommerce_sync_hash",
	"customer_address",
	"shipping_address_name",
]


def mark_synced(sales_order: str, woocommerce_modified: datetime | None, erpnext: dict | None = None) -> None:
	"""`erpnext`: ERPNext's snapshot when the caller has read it already and changed nothing since."""
	so = frappe.db.get_value("Sales Order", sales_order, SO_FIELDS, as_dict=True)
	erpnext = erpnext_snapshot(so) if erpnext is None else erpnext
	values = {"woocommerce_sync_hash": fingerprint(erpnext), "woocommerce_last_synced": so.modified}
	if woocommerce_modified:
		values["woocommerce_modified"] = naive_utc(woocommerce_modified)
	frappe.db.set_value("Sales Order", sales_order, values, update_modified=False)


def erpnext_snapshot(so) -> dict:
	return snapshot(
		so.woocommerce_status,
		so.woocommerce_customer_note,
		address_values(so.customer_address, with_contact=True),
		address_values(so.shipping_address_name),
	)


def address_values(name: str | None, with_contact: bool = False) -> dict:
	"""An ERPNext Address in WooCommerce's address fields."""
	if not name:
		return {}
	address = frappe.db.get_value(
		"Address",
		name,
		["address_line1", "address_line2", "city", "state", "pincode", "country", "email_id", "phone"],
		as_dict=True,
	)
	if not address:
		return {}
	values = {
		"address_1": address.address_line1,
		"address_2": address.address_line2,
		"city": address.city,
		"state": address.state,
		"postcode": address.pincode,
		"country": (frappe.get_cached_value("Country", address.country, "code") or "").upper()
		if address.country
		else "",
	}
	if with_contact:
		values.update(email=address.email_id, phone=address.phone)
	return values
