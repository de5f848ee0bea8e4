"""Checks of the store's Products, Stock and Prices settings, run when the settings are saved."""

import frappe
from frappe import _

MATCHABLE = {"Data", "Link", "Read Only", "Barcode"}


def validate_product_settings(settings) -> None:
	store = settings.store_name
	for row in settings.get("stock_warehouses") or []:
		company, is_group = frappe.db.get_value("Warehouse", row.warehouse, ["company", "is_group"]) or (
			None,
			0,
		)
		if company != settings.company or is_group:
			frappe.throw(
				_(
					"Store {0}: Stock Warehouses row {1}: {2} must be a warehouse (not a group) of company {3}."
				).format(store, row.idx, frappe.bold(row.warehouse), settings.company)
			)
	if settings.sync_stock and not (settings.get("stock_warehouses") or settings.warehouse):
		frappe.throw(
			_(
				"Store {0}: choose the warehouses whose stock the shop sells, or untick Push Stock Levels."
			).format(store)
		)
	for field in ("regular_price_list", "sale_price_list"):
		price_list = settings.get(field)
		if price_list and not frappe.db.get_value("Price List", price_list, "selling"):
			frappe.throw(
				_("Store {0}: Price List {1} is not a selling price list.").format(
					store, frappe.bold(price_list)
				)
			)
	if settings.sale_price_list and settings.sale_price_list == settings.regular_price_list:
		frappe.throw(
			_("Store {0}: the Sale Price List must differ from the Regular Price List.").format(store)
		)
	if settings.sale_price_list and not settings.regular_price_list:
		frappe.throw(
			_("Store {0}: choose a Regular Price List too; a sale price needs a regular one.").format(store)
		)
	field = (settings.product_match_field or "item_code").strip()
	settings.product_match_field = field
	meta = frappe.get_meta("Item")
	if field not in ("item_code", "name") and (
		meta.get_field(field) is None or meta.get_field(field).fieldtype not in MATCHABLE
	):
		frappe.throw(
			_(
				"Store {0}: {1} is not a text field of Item; enter item_code or the fieldname of a Data field."
			).format(store, frappe.bold(field))
		)
