"""Fractional quantities (1.5 m of fabric): refused with the fix before ERPNext refuses them.

ERPNext refuses a line whose UOM (the row's, or the Item's stock UOM) has Must be Whole Number
ticked with "Quantity (1.5) cannot be a fraction", which names neither the order nor what to do.
This check runs while the Sales Order is filled, before it is validated, and says which Item,
which UOM and which setting to change.
"""

import frappe
from frappe import _

from woocommerce_sync.core.order_mapping import SalesOrderDraft


def check_fractions(draft: SalesOrderDraft, item_codes: dict[int, str], created: set[str]) -> None:
	"""Throw for the first line with a fraction whose Item ERPNext would refuse to sell in fractions.
	`created`: Items this run made for the store (their UOM is the store's UOM for New Items)."""
	for line in draft.items:
		if line.qty == line.qty.to_integral_value():
			continue
		item_code = item_codes[line.woocommerce_line_id]
		stock_uom, sales_uom = frappe.get_cached_value("Item", item_code, ["stock_uom", "sales_uom"])
		for uom in dict.fromkeys(filter(None, (sales_uom, stock_uom))):
			if frappe.get_cached_value("UOM", uom, "must_be_whole_number"):
				frappe.throw(_message(line, item_code, uom, item_code in created))


def _message(line, item_code: str, uom: str, new: bool) -> str:
	"""The importer puts the store and the order in front."""
	sold = _("line {0} sells {1} of Item {2}, whose UOM {3} must be a whole number.").format(
		line.woocommerce_line_id, f"{line.qty.normalize():f}", item_code, uom
	)
	if new:
		fix = _(
			"Tick Sells Fractional Quantities in the store's settings and choose a UOM for New Items that "
			"allows fractions (Must be Whole Number unticked), then sync again."
		)
	else:
		fix = _(
			"Untick Must be Whole Number on UOM {0}, or give Item {1} a unit that allows fractions (its "
			"Default Unit of Measure can change while it has no stock transactions), then sync again."
		).format(uom, item_code)
	return f"{sold} {fix}"
