"""Payment Entries for WooCommerce money: the buyer's payment of an invoice, and refunds paid back.

Made with ERPNext's own get_payment_entry, so amounts, currencies and references are ERPNext's.
The Mode of Payment and the bank or cash account come from the store's Payment Methods table
(WooCommerce `payment_method` -> Mode of Payment, account). A payment is due while the invoice
(or credit note) has an outstanding amount and no draft Payment Entry waits for it, which is
what makes a second run, or a run after a crash, pay nothing twice.

In another currency than the company's, a payment is valued at its own day's rate (Currency
Exchange records or the store's fixed rate, never a rate service), not the invoice's, so ERPNext
books the exchange gain or loss when the rate moved in between.
"""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from frappe import _
from frappe.utils import flt, getdate

from woocommerce_sync.core.currency import payment_money
from woocommerce_sync.dates import site_date_time
from woocommerce_sync.orders.currency import CurrencyRoutes
from woocommerce_sync.sales.documents import undo


def receive_payment(settings, invoice, order: dict) -> str | None:
	"""The buyer's payment of a paid order's invoice, on the day WooCommerce says it was paid."""
	if not settings.create_payment or not order.get("date_paid_gmt") or flt(invoice.outstanding_amount) <= 0:
		return None
	reference = order.get("transaction_id") or _("WooCommerce order {0}").format(
		order.get("number") or order["id"]
	)
	return _pay(settings, invoice, order, reference, site_date_time(order.get("date_paid_gmt"))[0])


def refund_payment(settings, credit_note, order: dict) -> str | None:
	"""Money paid back for a credit note that stands on its own (the invoice was already paid)."""
	if not settings.create_payment or flt(credit_note.outstanding_amount) >= 0:
		return None
	reference = _("WooCommerce refund {0} of order {1}").format(
		credit_note.woocommerce_refund_id, order.get("number") or order["id"]
	)
	return _pay(settings, credit_note, order, reference, credit_note.posting_date)


def _pay(settings, invoice, order: dict, reference: str, posting_date) -> str | None:
	if frappe.db.exists(
		"Payment Entry Reference",
		{"reference_doctype": "Sales Invoice", "reference_name": invoice.name, "docstatus": 0},
	):
		return None
	mode_of_payment, account = payment_account(settings, order)
	entry = get_payment_entry("Sales Invoice", invoice.name, bank_account=account, ignore_permissions=True)
	entry.update(
		{
			"mode_of_payment": mode_of_payment,
			"posting_date": max(getdate(posting_date), getdate(invoice.posting_date)),
			"reference_no": reference[:140],
			"reference_date": posting_date,
			"remarks": _("{0}, paid with {1} in WooCommerce store {2}").format(
				reference, order.get("payment_method_title") or order.get("payment_method"), settings.name
			),
		}
	)
	at_payment_day_rates(settings, entry, invoice, order)
	entry.insert(ignore_permissions=True)
	entry.submit()
	return entry.name


def at_payment_day_rates(settings, entry, invoice, order: dict) -> None:
	"""ERPNext's get_payment_entry values the payment at the invoice's rate; a payment in another
	currency is worth the rate of its own day, and ERPNext books the difference as exchange gain or
	loss on the company's Exchange Gain/Loss Account."""
	company_currency = frappe.get_cached_value("Company", entry.company, "default_currency")
	receive = entry.payment_type == "Receive"
	party_currency = entry.paid_from_account_currency if receive else entry.paid_to_account_currency
	bank_currency = entry.paid_to_account_currency if receive else entry.paid_from_account_currency
	if party_currency == bank_currency == company_currency:
		return
	routes = CurrencyRoutes(settings)
	party_rate = routes.rate(party_currency, entry.posting_date, order["id"])
	bank_rate = routes.rate(bank_currency, entry.posting_date, order["id"])
	party_amount = Decimal(str(entry.paid_amount if receive else entry.received_amount))
	money = payment_money(
		party_amount,
		Decimal(str(invoice.conversion_rate)),
		party_rate,
		bank_rate,
		entry.precision("received_amount" if receive else "paid_amount"),
		ROUND_HALF_UP
		if frappe.get_system_settings("rounding_method") == "Commercial Rounding"
		else ROUND_HALF_EVEN,
	)
	# Documents take floats: ERPNext's own arithmetic on them does not mix with Decimal.
	if receive:
		entry.update(
			{
				"source_exchange_rate": float(party_rate),
				"target_exchange_rate": float(bank_rate),
				"received_amount": float(money.bank_amount),
			}
		)
	else:
		entry.update(
			{
				"source_exchange_rate": float(bank_rate),
				"target_exchange_rate": float(party_rate),
				"paid_amount": float(money.bank_amount),
			}
		)
	if money.gain_loss and not frappe.get_cached_value(
		"Company", entry.company, "exchange_gain_loss_account"
	):
		frappe.throw(
			_(
				"WooCommerce store {0}, order {1}: {2} was worth {3} {4} on the invoice and {5} on the payment "
				"day, so ERPNext books an exchange gain or loss, but company {6} has no Exchange Gain/Loss "
				"Account. Set it on the Company (Accounts tab); the payment is made on the next sync."
			).format(
				settings.name,
				order["id"],
				party_currency,
				invoice.conversion_rate,
				company_currency,
				party_rate,
				entry.company,
			),
			title=_("Exchange Gain/Loss Account Missing"),
		)


def payment_account(settings, order: dict) -> tuple[str, str]:
	"""(Mode of Payment, account) for the order's payment method, or a message saying what to add."""
	method = (order.get("payment_method") or "").strip()
	row = next((r for r in settings.payment_methods if r.payment_method.strip() == method), None)
	if not row:
		frappe.throw(
			_(
				"WooCommerce store {0}, order {1}: payment method {2} ({3}) has no Mode of Payment. Add it to "
				"Payment Methods in the store's settings; the payment is made on the next sync."
			).format(
				settings.name,
				order["id"],
				frappe.bold(method or _("none")),
				order.get("payment_method_title"),
			)
		)
	account = row.account or frappe.db.get_value(
		"Mode of Payment Account",
		{"parent": row.mode_of_payment, "company": settings.company},
		"default_account",
	)
	if not account:
		frappe.throw(
			_(
				"WooCommerce store {0}: Mode of Payment {1} has no account for company {2}. Set the Account in "
				"the store's Payment Methods, or a default account on the Mode of Payment."
			).format(settings.name, row.mode_of_payment, settings.company)
		)
	return row.mode_of_payment, account


def cancel_payments(invoices: list[str]) -> list[str]:
	"""Cancel (or delete, if draft) the Payment Entries of these invoices; what cannot be, is said."""
	if not invoices:
		return []
	entries = frappe.get_all(
		"Payment Entry Reference",
		filters={
			"reference_doctype": "Sales Invoice",
			"reference_name": ("in", invoices),
			"docstatus": ("<", 2),
		},
		fields=["parent", "docstatus"],
		distinct=True,
	)
	problems = []
	for entry in entries:
		others = frappe.get_all(
			"Payment Entry Reference",
			filters={"parent": entry.parent, "reference_name": ("not in", invoices)},
			pluck="reference_name",
		)
		if others:
			problems.append(
				_(
					"Payment Entry {0} also pays {1}: take this order's invoices out of it or cancel it by hand"
				).format(entry.parent, ", ".join(others))
			)
			continue
		problem = undo("Payment Entry", entry.parent, entry.docstatus)
		if problem:
			problems.append(problem)
	return problems
