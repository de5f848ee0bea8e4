"""Orders in another currency than the company's: the exchange rate and the customer's receivable.

The decisions are core/currency.py's; this module reads what they need (the store's Currencies
table, Currency Exchange records, the customer's Party Account and ledger currency) and writes
what they decide (the customer's Party Account, a "<name> - <currency>" twin customer). Rates
come only from ERPNext's records and the store's table: no sync job calls a rate service.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

import frappe
from erpnext.accounts.party import get_party_account, get_party_gle_currency
from frappe import _
from frappe.query_builder.functions import Min
from frappe.utils import cint, getdate

from woocommerce_sync.constants import CURRENCY_KEY_FIELD
from woocommerce_sync.core.currency import (
	ExchangeRateMissing,
	PartyAccountDecision,
	RateRecord,
	choose_rate,
	currency_customer_name,
	party_account_decision,
)


class CurrencyRoutes:
	"""A store's currencies for one run: rates by (currency, date), receivables by currency."""

	def __init__(self, settings, note: Callable[[str], None] | None = None):
		self.settings = settings
		self.store = settings.name
		self.company = settings.company
		self.company_currency = frappe.get_cached_value("Company", settings.company, "default_currency")
		self.rows = {row.currency: row for row in settings.get("currencies") or []}
		self.receivable_accounts = {
			c: row.receivable_account for c, row in self.rows.items() if row.receivable_account
		}
		accounts = frappe.get_cached_doc("Accounts Settings")
		self.stale_days = None if cint(accounts.allow_stale) else cint(accounts.stale_days) or 1
		self.multi_currency_allowed = bool(
			cint(accounts.get("allow_multi_currency_invoices_against_single_party_account"))
		)
		self.note = note
		self.rates: dict[tuple[str, date], Decimal] = {}
		# Customer Group -> its receivable, read once a run
		self.group_receivables: dict[str | None, str | None] = {}
		self.known: dict[str, frappe._dict] = {}  # the page's known customers' receivable facts

	# Exchange rates ------------------------------------------------------------------------------

	def rate(self, currency: str, on: date | str, order_id: object = None) -> Decimal:
		"""1 `currency` in the company's currency on that day, or a message saying what to add."""
		on = getdate(on)
		key = (currency, on)
		if key not in self.rates:
			row = self.rows.get(currency)
			fixed = Decimal(str(row.exchange_rate)) if row and row.exchange_rate else None
			try:
				self.rates[key] = choose_rate(
					currency,
					self.company_currency,
					on,
					store=self.store,
					fixed_rate=fixed,
					records=self._records(currency, on),
					stale_days=self.stale_days,
				)
			except ExchangeRateMissing as exc:
				where = _("order {0}: ").format(order_id) if order_id is not None else ""
				frappe.throw(where + str(exc), title=_("Exchange Rate Missing"))
		return self.rates[key]

	def _records(self, currency: str, on: date) -> list[RateRecord]:
		"""The newest Currency Exchange record for selling on or before the day (ERPNext's own rule)."""
		rows = frappe.get_all(
			"Currency Exchange",
			filters={
				"from_currency": currency,
				"to_currency": self.company_currency,
				"for_selling": 1,
				"date": ("<=", on),
			},
			fields=["date", "exchange_rate"],
			order_by="date desc",
			limit=1,
		)
		return [RateRecord(getdate(row.date), Decimal(str(row.exchange_rate))) for row in rows]

	# The customer's receivable --------------------------------------------------------------------

	def customer_for(self, customer: str, currency: str, order_id: object, new: bool = False) -> str:
		"""The customer to book an order in `currency`: this one, with the store's receivable for the
		currency set when it has none; its "<name> - <currency>" twin when it is booked in another
		currency and the store makes one customer per currency; else a message with the two ways out.
		`new`: the customer was made by this order, so it has no receivable and no ledger yet."""
		decision = self.decide(customer, currency, new)
		if decision.action == "keep":
			return customer
		if decision.action == "set":
			set_party_account(customer, self.company, decision.account)
			return customer
		if decision.action == "separate":
			twin = self.twin(customer, decision)
			if twin:
				return twin
			message = _(
				"WooCommerce store {0}, order {1}: customer {2} is booked in {3}, so its orders in {4} go to a "
				"separate customer, which needs a receivable account in {4}. Add {4} with a Receivable account "
				"to the store's Currencies table; the order is imported on the next sync."
			).format(self.store, order_id, customer, decision.customer_currency, decision.currency)
		elif decision.action == "no_account":
			message = self.no_account_message(customer, decision, order_id)
		else:
			message = self.conflict_message(customer, decision, order_id)
		if self.settings.create_invoice:
			frappe.throw(message, title=_("Receivable for {0}").format(currency))
		# Without invoices the Sales Order imports as it always did; an invoice made by hand needs
		# the way out first, so the Sync Log says it.
		if self.note:
			self.note(message)
		return customer

	def prefetch(self, customers: Iterable[str]) -> None:
		"""What deciding needs of a page's known customers, in two queries: their own receivable in
		the company with their group, and the currency of their ledger. Each customer's facts serve
		its first order of the page; a later order reads them again, as the first may change them."""
		self.known.clear()
		names = sorted(set(customers))
		if not names:
			return
		customer, party_account = frappe.qb.DocType("Customer"), frappe.qb.DocType("Party Account")
		for row in (
			frappe.qb.from_(customer)
			.left_join(party_account)
			.on(
				(party_account.parent == customer.name)
				& (party_account.parenttype == "Customer")
				& (party_account.company == self.company)
			)
			.select(customer.name, customer.customer_group.as_("group"), party_account.account)
			.where(customer.name.isin(names))
			.run(as_dict=True)
		):
			self.known.setdefault(row.name, frappe._dict(row, ledger=None))
		gl = frappe.qb.DocType("GL Entry")
		for party, ledger in (
			frappe.qb.from_(gl)
			.select(gl.party, Min(gl.account_currency))
			.where(
				(gl.docstatus == 1)
				& (gl.company == self.company)
				& (gl.party_type == "Customer")
				& gl.party.isin(list(self.known))
				& (gl.is_cancelled == 0)
			)
			.groupby(gl.party)
			.run()
		):
			self.known[party].ledger = ledger

	def decide(self, customer: str, currency: str, new: bool = False) -> PartyAccountDecision:
		facts = self.known.pop(customer, None)
		if new:
			# what get_party_account answers for a customer without Party Account rows and ledger
			own, ledger = None, None
			# one column, not the cached document: a Customer made a moment ago is not cached yet
			default = (
				self.group_receivable(frappe.db.get_value("Customer", customer, "customer_group"))
				or self.company_receivable()
			)
		elif facts:
			own, ledger = facts.account, facts.ledger
			default = own or self.group_receivable(facts.group) or self.company_receivable()
			if not own and ledger and _account_currency(default) != ledger:
				default = get_party_account("Customer", customer, self.company)  # its ledger's account
		else:
			own = frappe.db.get_value(
				"Party Account",
				{"parenttype": "Customer", "parent": customer, "company": self.company},
				"account",
			)
			default = get_party_account("Customer", customer, self.company) if not own else own
			ledger = get_party_gle_currency("Customer", customer, self.company)
		return party_account_decision(
			currency,
			self.company_currency,
			own_account_currency=_account_currency(own) if own else None,
			default_account_currency=_account_currency(default) or self.company_currency,
			ledger_currency=ledger,
			receivable_accounts=self.receivable_accounts,
			one_customer_per_currency=bool(self.settings.get("one_customer_per_currency")),
			multi_currency_allowed=self.multi_currency_allowed,
		)

	def company_receivable(self) -> str | None:
		return frappe.get_cached_value("Company", self.company, "default_receivable_account")

	def group_receivable(self, group: str | None) -> str | None:
		"""The Customer Group's receivable in the company (its Party Account row), if it names one."""
		if group not in self.group_receivables:
			self.group_receivables[group] = frappe.db.get_value(
				"Party Account",
				{"parenttype": "Customer Group", "parent": group, "company": self.company},
				"account",
			)
		return self.group_receivables[group]

	def twin(self, customer: str, decision: PartyAccountDecision) -> str | None:
		"""The customer's twin for the currency, made once (a unique key guards two racing imports);
		None when the store names no receivable for the currency."""
		key = f"{customer}:{decision.currency}"
		found = frappe.db.get_value("Customer", {CURRENCY_KEY_FIELD: key})
		if found:
			return found
		account = self.receivable_accounts.get(decision.currency)
		if not account and decision.currency != self.company_currency:
			return None
		account = account or self.company_receivable()
		source = frappe.get_doc("Customer", customer)
		twin = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": currency_customer_name(source.customer_name, decision.currency),
				"customer_type": source.customer_type,
				"customer_group": source.customer_group,
				"territory": source.territory,
				"default_currency": decision.currency,
				CURRENCY_KEY_FIELD: key,
				"accounts": [{"company": self.company, "account": account}],
			}
		).insert(ignore_permissions=True)
		return twin.name

	def conflict_message(self, customer: str, decision: PartyAccountDecision, order_id: object) -> str:
		return _(
			"WooCommerce store {0}, order {1}: customer {2} is booked in {3} in company {4}, and ERPNext keeps "
			"one receivable currency per customer, so an order in {5} cannot be invoiced to it. Either tick "
			'One Customer per Currency in the store\'s settings (the order goes to customer "{6}"), or tick '
			"Allow multi-currency invoices against single party account in Accounts Settings to book {5} "
			"invoices in the customer's {3} receivable. The order is imported on the next sync."
		).format(
			self.store,
			order_id,
			customer,
			decision.customer_currency,
			self.company,
			decision.currency,
			currency_customer_name(
				frappe.db.get_value("Customer", customer, "customer_name") or customer, decision.currency
			),
		)

	def no_account_message(self, customer: str, decision: PartyAccountDecision, order_id: object) -> str:
		return _(
			"WooCommerce store {0}, order {1}: the order is in {2}, but customer {3}'s receivable is in {4} and "
			"the store names no receivable account in {2}. Add {2} with a Receivable account in {2} of company "
			"{5} to the store's Currencies table; the order is imported on the next sync."
		).format(self.store, order_id, decision.currency, customer, decision.customer_currency, self.company)


def set_party_account(customer: str, company: str, account: str) -> None:
	"""Give the customer this receivable for the company (ERPNext's Party Account row), and its
	currency as the customer's billing currency, which ERPNext requires of a foreign receivable."""
	doc = frappe.get_doc("Customer", customer)
	doc.append("accounts", {"company": company, "account": account})
	doc.default_currency = frappe.get_cached_value("Account", account, "account_currency")
	doc.flags.ignore_permissions = True
	doc.save()


def check_invoice_customer(settings, so) -> None:
	"""Before an invoice: the Sales Order's customer must take invoices in the order's currency (a
	Sales Order made before the store had a receivable for the currency gets it now). A customer
	booked in another currency cannot change on a submitted Sales Order, so that is said plainly
	instead of ERPNext's "Party Account ... currency" error."""
	routes = CurrencyRoutes(settings)
	decision = routes.decide(so.customer, so.currency)
	if decision.action == "keep":
		return
	if decision.action == "set":
		set_party_account(so.customer, settings.company, decision.account)
		return
	if decision.action == "no_account":
		frappe.throw(routes.no_account_message(so.customer, decision, so.woocommerce_id))
	frappe.throw(
		_(
			"WooCommerce store {0}, order {1}: Sales Order {2} is for customer {3}, which is booked in {4}, "
			"not in the order's {5}. Cancel and amend the Sales Order for a customer in {5} (One Customer per "
			"Currency in the store's settings makes one), or tick Allow multi-currency invoices against single "
			"party account in Accounts Settings."
		).format(
			settings.name, so.woocommerce_id, so.name, so.customer, decision.customer_currency, so.currency
		),
		title=_("Customer Booked in Another Currency"),
	)


def _account_currency(account: str | None) -> str | None:
	return frappe.get_cached_value("Account", account, "account_currency") if account else None


# The store's settings --------------------------------------------------------------------------


def validate_currency_settings(settings) -> None:
	"""Each currency once; its receivable account a Receivable ledger of the store's company in that
	currency; each tax template the company's and enabled."""
	seen = set()
	for row in settings.get("currencies") or []:
		if row.currency in seen:
			frappe.throw(
				_("Store {0}: currency {1} is listed twice in Currencies.").format(
					settings.store_name, row.currency
				)
			)
		seen.add(row.currency)
		if not row.receivable_account:
			continue
		account = frappe.db.get_value(
			"Account",
			row.receivable_account,
			["company", "account_type", "account_currency", "is_group"],
			as_dict=True,
		)
		problem = None
		if not account or account.company != settings.company:
			problem = _("does not belong to company {0}").format(settings.company)
		elif account.is_group or account.account_type != "Receivable":
			problem = _("is not a Receivable ledger account")
		elif account.account_currency != row.currency:
			problem = _("is in {0}, not in {1}").format(account.account_currency, row.currency)
		if problem:
			frappe.throw(
				_(
					"Store {0}: Currencies row {1}: account {2} {3}. Choose a Receivable account of {4} in {5} "
					"(create one under Accounts Receivable with Account Currency {5} if there is none)."
				).format(
					settings.store_name,
					row.idx,
					frappe.bold(row.receivable_account),
					problem,
					settings.company,
					row.currency,
				),
				title=_("Invalid Receivable Account"),
			)
	for row in settings.get("tax_accounts") or []:
		template = row.get("tax_template")
		if not template:
			continue
		company, disabled = frappe.db.get_value(
			"Sales Taxes and Charges Template", template, ["company", "disabled"]
		) or (None, 0)
		if company != settings.company or disabled:
			frappe.throw(
				_(
					"Store {0}: Tax Rate Accounts row {1}: Sales Taxes and Charges Template {2} is {3}. Choose an "
					"enabled template of {4}."
				).format(
					settings.store_name,
					row.idx,
					frappe.bold(template),
					_("disabled") if company == settings.company else _("not {0}'s").format(settings.company),
					settings.company,
				)
			)


def store_currency_warnings(settings, currency: str | None) -> list[str]:
	"""What the store's own currency (from Test Connection) still needs when it is not the company's:
	a receivable account in it and a rate. Warnings, not errors: a store may not sell yet."""
	company_currency = frappe.get_cached_value("Company", settings.company, "default_currency")
	if not currency or currency == company_currency:
		return []
	routes = CurrencyRoutes(settings)
	warnings = []
	if not routes.receivable_accounts.get(currency) and not routes.multi_currency_allowed:
		warnings.append(
			_(
				"the store sells in {0} and company {1} books in {2}, but no receivable account in {0} is set: "
				"add {0} with a Receivable account in {0} to the Currencies table, or invoices of its orders "
				"are refused"
			).format(currency, settings.company, company_currency)
		)
	row = routes.rows.get(currency)
	if not (row and row.exchange_rate) and not frappe.db.exists(
		"Currency Exchange", {"from_currency": currency, "to_currency": company_currency, "for_selling": 1}
	):
		warnings.append(
			_(
				"there is no exchange rate from {0} to {1}: add Currency Exchange records (For Selling) or a "
				"fixed rate in the Currencies table, or its orders wait"
			).format(currency, company_currency)
		)
	return warnings
