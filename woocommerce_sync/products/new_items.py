"""What every Item the app creates for a store starts with, whether it comes from an order line
(orders/line_items.py) or from a product (products/pull.py)."""

import frappe


def new_item_defaults(settings) -> dict:
	"""Item group, UOM and stock flag of every Item the app creates for a store. A store that sells
	fractional quantities has a UOM for New Items that allows them (the settings check it)."""
	return {
		"item_group": settings.item_group
		or frappe.db.get_single_value("Stock Settings", "item_group")
		or "All Item Groups",
		"stock_uom": settings.stock_uom or frappe.db.get_single_value("Stock Settings", "stock_uom") or "Nos",
		"is_stock_item": int(bool(settings.create_stock_items)),
		"include_item_in_manufacturing": 0,
	}
