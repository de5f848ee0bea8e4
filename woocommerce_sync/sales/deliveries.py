"""Delivery Notes for completed WooCommerce orders, and undoing them when the order is cancelled."""

import frappe
from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note
from frappe import _

from woocommerce_sync.dates import site_date_time
from woocommerce_sync.runs import SyncRun
from woocommerce_sync.sales.documents import error_message


def deliver(so, order: dict, run: SyncRun) -> str | None:
	"""Deliver what is left to deliver; without stock the Delivery Note stays draft and is reported."""
	if so.per_delivered >= 100:
		return None
	draft = frappe.db.get_value(
		"Delivery Note Item", {"against_sales_order": so.name, "docstatus": 0}, "parent"
	)
	if draft:
		note = frappe.get_doc("Delivery Note", draft)
	else:
		note = make_delivery_note(so.name)
		note.set_posting_time = 1
		note.posting_date, note.posting_time = site_date_time(
			order.get("date_completed_gmt") or order.get("date_modified_gmt")
		)
		note.insert(ignore_permissions=True)
	frappe.db.savepoint("woocommerce_delivery")
	try:
		note.submit()
	except frappe.ValidationError as exc:
		frappe.db.rollback(save_point="woocommerce_delivery")
		run.note(
			_(
				"WooCommerce order {0} is completed, but Delivery Note {1} could not be submitted ({2}). "
				"Fix that (usually: receive the stock), then submit the draft Delivery Note."
			).format(order["id"], note.name, error_message(exc))
		)
	return note.name


def undo_deliveries(sales_order: str) -> list[str]:
	"""Delete draft Delivery Notes of a cancelled order; a submitted one is left for a person (the
	goods have left the warehouse), and what to do is returned."""
	problems = []
	for name, docstatus in frappe.get_all(
		"Delivery Note Item",
		filters={"against_sales_order": sales_order, "docstatus": ("<", 2)},
		fields=["parent", "docstatus"],
		distinct=True,
		as_list=True,
	):
		if docstatus == 0:
			frappe.delete_doc("Delivery Note", name, ignore_permissions=True)
		else:
			problems.append(
				_(
					"Delivery Note {0} is submitted: the goods have left the warehouse. If they come back, "
					"make a Sales Return from it; if they never left, cancel it. Then cancel Sales Order {1}"
				).format(name, sales_order)
			)
	return problems
