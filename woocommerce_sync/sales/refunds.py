"""WooCommerce refunds -> Credit Notes (return Sales Invoices) against the order's invoice.

Each refund is credited once: its id is kept on the Credit Note (`woocommerce_refund_id`), and
only refunds the order lists without a Credit Note are fetched (GET orders/<id>/refunds), before
the sale step's transaction opens. The Credit Note is ERPNext's own return of the invoice
(make_sales_return), cut down to exactly what the refund gives back (core/refund_mapping.py):
returned quantities of the invoice's lines, money without quantity as rows without an item,
WooCommerce's tax per rate, and a rounding row if needed.
"""

from contextlib import nullcontext

import frappe
from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return
from frappe import _
from frappe.utils import flt, get_datetime

from woocommerce_sync.connection import get_client
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.refund_mapping import CreditNoteDraft, map_refund, refund_ids
from woocommerce_sync.dates import site_date_time
from woocommerce_sync.orders.mapping_config import mapping_config
from woocommerce_sync.runs import SyncRun
from woocommerce_sync.sales.payments import refund_payment


def fetch_refunds(settings, order: dict, client: WooCommerceClient | None = None) -> dict[int, dict]:
	"""Refund id -> refund, for the refunds the order lists without a Credit Note: read before the
	sale step's transaction opens, so no HTTP call waits inside it holding locks."""
	credited = credit_notes(settings.name, order["id"])
	missing = [refund_id for refund_id in refund_ids(order) if str(refund_id) not in credited]
	if not missing:
		return {}
	with nullcontext(client) if client else get_client(settings) as store:
		return {
			refund["id"]: refund
			for refund in store.iter_all(f"orders/{order['id']}/refunds")
			if refund.get("id") in missing
		}


def sync_refunds(settings, invoice, order: dict, run: SyncRun, refunds: dict[int, dict]) -> list[str]:
	"""Credit every refund of the order not yet credited, and pay back what stands on its own.
	`refunds`: what fetch_refunds read."""
	credited = credit_notes(settings.name, order["id"])
	missing = [refund_id for refund_id in refund_ids(order) if str(refund_id) not in credited]
	made = []
	if missing:
		config = mapping_config(settings)
		for refund_id in missing:
			if refund_id not in refunds:
				run.note(
					_("WooCommerce order {0} lists refund {1}, but the store no longer has it.").format(
						order["id"], refund_id
					)
				)
				continue
			draft = map_refund(refunds[refund_id], order["id"], config)
			credited[str(refund_id)] = credit_note(settings, invoice, order, draft)
			made.append(credited[str(refund_id)])
	for name in credited.values():
		docstatus, outstanding = frappe.db.get_value(
			"Sales Invoice", name, ["docstatus", "outstanding_amount"]
		)
		if docstatus == 1 and flt(outstanding) < 0:
			made.append(refund_payment(settings, frappe.get_doc("Sales Invoice", name), order))
	return [name for name in made if name]


def credit_notes(store: str, woocommerce_id: int | str) -> dict[str, str]:
	"""Refund id -> its (not cancelled) Credit Note, for one order."""
	return dict(
		frappe.get_all(
			"Sales Invoice",
			filters={
				"woocommerce_server": store,
				"woocommerce_id": str(woocommerce_id),
				"is_return": 1,
				"docstatus": ("<", 2),
				"woocommerce_refund_id": ("is", "set"),
			},
			fields=["woocommerce_refund_id", "name"],
			as_list=True,
		)
	)


def credit_note(settings, invoice, order: dict, draft: CreditNoteDraft) -> str:
	note = make_sales_return(invoice.name)
	lines = {row.woocommerce_line_id: row for row in note.items if row.woocommerce_line_id}
	template = note.items[0]
	rows = []
	for line in draft.returned_lines:
		row = lines.get(line.woocommerce_line_id)
		if not row:
			frappe.throw(
				_(
					"WooCommerce store {0}, order {1}, refund {2}: Sales Invoice {3} has no line for WooCommerce "
					"line {4} ({5}); make this Credit Note by hand."
				).format(
					settings.name,
					order["id"],
					draft.refund_id,
					invoice.name,
					line.woocommerce_line_id,
					line.name,
				)
			)
		row.update({"qty": -line.qty, "rate": line.rate, "discount_percentage": 0, "discount_amount": 0})
		rows.append(row)
	accounts = {"shipping": settings.shipping_account, "fee": settings.fee_account}
	for money in draft.refunded_money:
		source = lines.get(money.woocommerce_line_id) if money.kind == "line" else None
		rows.append(
			{
				"item_name": (money.description or _("Refund"))[:140],
				"description": money.description or _("Refund"),
				"qty": -1,
				"rate": money.amount,
				"uom": template.uom,
				"conversion_factor": 1,
				"income_account": accounts.get(money.kind) or (source or template).income_account,
				"cost_center": (source or template).cost_center,
			}
		)
	note.set("items", rows)
	cost_center = settings.cost_center or frappe.get_cached_value("Company", settings.company, "cost_center")
	note.set(
		"taxes",
		[
			{
				"charge_type": "Actual",
				"account_head": charge.account,
				"description": charge.description,
				"tax_amount": -charge.amount,
				"cost_center": cost_center,
			}
			for charge in draft.charges
		],
	)
	if not draft.charges:
		# No tax rows: ERPNext would otherwise fill them from the invoice's template, at its rates.
		note.taxes_and_charges = None
	posting_date, posting_time = site_date_time(draft.date_created_gmt)
	invoice_posted = get_datetime(f"{invoice.posting_date} {invoice.posting_time}")
	if get_datetime(f"{posting_date} {posting_time}") < invoice_posted:
		posting_date, posting_time = invoice_posted.date(), invoice_posted.time()
	note.update(
		{
			"woocommerce_server": settings.name,
			"woocommerce_id": str(order["id"]),
			"woocommerce_refund_id": str(draft.refund_id),
			"set_posting_time": 1,
			"posting_date": posting_date,
			"posting_time": posting_time,
			"remarks": _("WooCommerce refund {0}: {1}").format(
				draft.refund_id, draft.reason or _("no reason given")
			),
			"payment_schedule": [],
			# Money still owed on the invoice is reduced; money already paid is paid back.
			"update_outstanding_for_self": int(flt(invoice.outstanding_amount) < draft.amount),
		}
	)
	note.flags.from_woocommerce = True
	note.insert(ignore_permissions=True)
	if settings.submit_invoice:
		note.submit()
	return note.name
