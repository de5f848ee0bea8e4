"""Small helpers the sale workflow's modules share: finding an order's documents, undoing."""

import frappe
from frappe import _

from woocommerce_sync.orders.live_key import live_key


def live_sales_order(store: str, woocommerce_id: int | str):
	name = frappe.db.get_value("Sales Order", {"woocommerce_live_key": live_key(store, woocommerce_id)})
	return frappe.get_doc("Sales Order", name) if name else None


def order_invoice(store: str, woocommerce_id: int | str) -> str | None:
	"""The order's (not cancelled) Sales Invoice, not its credit notes."""
	return frappe.db.get_value(
		"Sales Invoice",
		{
			"woocommerce_server": store,
			"woocommerce_id": str(woocommerce_id),
			"is_return": 0,
			"docstatus": ("<", 2),
		},
	)


def undo(doctype: str, name: str, docstatus: int) -> str | None:
	"""Delete a draft or cancel a submitted document; when ERPNext refuses, change nothing and say why."""
	frappe.db.savepoint("woocommerce_undo")
	try:
		if docstatus == 0:
			frappe.delete_doc(doctype, name, ignore_permissions=True)
		else:
			frappe.get_doc(doctype, name).cancel()
	except frappe.ValidationError as exc:
		frappe.db.rollback(save_point="woocommerce_undo")
		return _("{0} {1} could not be cancelled ({2}): cancel it by hand, then what depends on it").format(
			_(doctype), name, error_message(exc)
		)
	return None


def error_message(exc: Exception) -> str:
	return frappe.utils.strip_html(str(exc.args[0] if exc.args else exc)) or type(exc).__name__
