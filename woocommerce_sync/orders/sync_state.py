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


ADDRESS_FIELDS = [
	"address_line1",
	"address_line2",
	"city",
	"state",
	"pincode",
	"country",
	"email_id",
	"phone",
]


def mark_synced(sales_order: str, woocommerce_modified: datetime | None, erpnext: dict | None = None) -> None:
	"""`erpnext`: ERPNext's snapshot when the caller has read it already and changed nothing since."""
	if erpnext is None:
		so, billing, shipping = _with_addresses(sales_order)
		erpnext = snapshot(
			so.woocommerce_status,
			so.woocommerce_customer_note,
			_woocommerce_address(billing, with_contact=True),
			_woocommerce_address(shipping),
		)
		modified = so.modified
	else:
		modified = frappe.db.get_value("Sales Order", sales_order, "modified")
	values = {"woocommerce_sync_hash": fingerprint(erpnext), "woocommerce_last_synced": modified}
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
	return _woocommerce_address(
		frappe.db.get_value("Address", name, ADDRESS_FIELDS, as_dict=True), with_contact
	)


def _with_addresses(sales_order: str) -> tuple[frappe._dict, frappe._dict | None, frappe._dict | None]:
	"""The Sales Order's synced fields and its two Addresses, in one query (every import ends here)."""
	so = frappe.qb.DocType("Sales Order")
	billing = frappe.qb.DocType("Address").as_("billing")
	shipping = frappe.qb.DocType("Address").as_("shipping")
	row = (
		frappe.qb.from_(so)
		.left_join(billing)
		.on(billing.name == so.customer_address)
		.left_join(shipping)
		.on(shipping.name == so.shipping_address_name)
		.select(
			so.woocommerce_status,
			so.woocommerce_customer_note,
			so.modified,
			billing.name.as_("billing_name"),
			*(billing[field].as_(f"billing_{field}") for field in ADDRESS_FIELDS),
			shipping.name.as_("shipping_name"),
			*(shipping[field].as_(f"shipping_{field}") for field in ADDRESS_FIELDS),
		)
		.where(so.name == sales_order)
		.run(as_dict=True)
	)[0]
	addresses = [
		frappe._dict({field: row[f"{prefix}_{field}"] for field in ADDRESS_FIELDS})
		if row[f"{prefix}_name"]
		else None
		for prefix in ("billing", "shipping")
	]
	return row, *addresses


def _woocommerce_address(address: dict | None, with_contact: bool = False) -> dict:
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
