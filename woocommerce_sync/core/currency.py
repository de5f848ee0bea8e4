"""Orders in another currency than the company's: which exchange rate, which receivable account, without I/O.

Three decisions live here, where plain pytest checks them; the glue (orders/currency.py) only
reads the records they need and writes what they decide.

- **The rate** of an order or payment on its date. A fixed rate the store's Currencies table
  gives wins (the shop converts at its own rate, as WPML/WCML's manual rates do); else the newest
  ERPNext Currency Exchange record for selling on or before that date (not older than Accounts
  Settings' stale days when stale rates are not allowed). Never a rate service: a sync job must
  not depend on a third party's uptime, and a missing rate is a clear error naming the pair, the
  date and what to add.
- **The receivable account** (ERPNext's party account) of the order's customer. ERPNext keeps one
  receivable account per customer and company, and refuses an invoice whose receivable is in
  another currency than the invoice. So a customer takes the store's receivable account for the
  order's currency when it has none yet; a customer whose receivable or ledger is already in
  another currency is a conflict with two ways out (see `PartyAccountDecision`).
- **The money of a payment** at a rate that moved since the invoice: what the company receives
  in its own currency and the exchange gain or loss ERPNext books for the difference.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

from woocommerce_sync.core.money import unit


class ExchangeRateMissing(Exception):
	"""No rate for the pair on that date: the message says which record to add."""


@dataclass(frozen=True)
class RateRecord:
	"""One ERPNext Currency Exchange record (from -> company currency, for selling)."""

	on: date
	rate: Decimal


def choose_rate(
	currency: str,
	company_currency: str,
	on: date,
	*,
	store: str,
	fixed_rate: Decimal | None = None,
	records: list[RateRecord] | tuple[RateRecord, ...] = (),
	stale_days: int | None = None,
) -> Decimal:
	"""1 unit of `currency` in `company_currency` on `on`; raise ExchangeRateMissing with the fix."""
	if currency == company_currency:
		return Decimal(1)
	if fixed_rate is not None and fixed_rate > 0:
		return fixed_rate
	oldest = on - timedelta(days=stale_days) if stale_days is not None else None
	usable = [
		record
		for record in records
		if record.rate > 0 and record.on <= on and (oldest is None or record.on > oldest)
	]
	if usable:
		return max(usable, key=lambda record: record.on).rate
	too_old = (
		f" (the newest one older than {stale_days} days is stale under Accounts Settings)"
		if oldest is not None and any(r.on <= oldest for r in records)
		else ""
	)
	raise ExchangeRateMissing(
		f"WooCommerce store {store}: no exchange rate from {currency} to {company_currency} on or before "
		f"{on.isoformat()}{too_old}. Add a Currency Exchange record ({currency} -> {company_currency}, "
		f"For Selling, dated on or before {on.isoformat()}), or a fixed rate for {currency} in the "
		"store's Currencies table; the order is imported on the next sync."
	)


PartyAction = Literal["keep", "set", "separate", "conflict", "no_account"]


@dataclass(frozen=True)
class PartyAccountDecision:
	"""What to do with the customer's receivable for an order in `currency`.

	- keep: the customer's receivable is already in that currency (or ERPNext is told to book
	  other currencies in it: Accounts Settings' multi-currency option);
	- set: give the customer `account`, the store's receivable for the currency;
	- separate: the customer is booked in `customer_currency`; use its "<name> - <currency>" twin;
	- conflict: the same, but the store does not make twins: the order fails with the two ways out;
	- no_account: the store names no receivable account for the currency.
	"""

	action: PartyAction
	currency: str
	customer_currency: str | None = None
	account: str | None = None


def party_account_decision(
	currency: str,
	company_currency: str,
	*,
	own_account_currency: str | None,
	default_account_currency: str,
	ledger_currency: str | None,
	receivable_accounts: dict[str, str],
	one_customer_per_currency: bool = False,
	multi_currency_allowed: bool = False,
) -> PartyAccountDecision:
	"""Decide from the customer's own Party Account (its currency), the receivable it would get
	without one (customer group's, else the company's default), and the currency of its ledger."""
	booked_in = own_account_currency or ledger_currency
	if booked_in is None:
		if default_account_currency == currency:
			return PartyAccountDecision("keep", currency)
		account = receivable_accounts.get(currency)
		if account:
			return PartyAccountDecision("set", currency, account=account)
		if multi_currency_allowed:
			return PartyAccountDecision("keep", currency, customer_currency=default_account_currency)
		return PartyAccountDecision("no_account", currency, customer_currency=default_account_currency)
	if booked_in == currency:
		return PartyAccountDecision("keep", currency)
	if multi_currency_allowed:
		return PartyAccountDecision("keep", currency, customer_currency=booked_in)
	action: PartyAction = "separate" if one_customer_per_currency else "conflict"
	return PartyAccountDecision(action, currency, customer_currency=booked_in)


def currency_customer_name(customer_name: str, currency: str) -> str:
	"""The name of a customer's twin for another currency: "Ana Ruiz - EUR"."""
	return f"{customer_name[: 140 - len(currency) - 3]} - {currency}"


@dataclass(frozen=True)
class PaymentMoney:
	"""A payment of `party_amount` in the invoice's currency, on a bank or cash account."""

	bank_amount: Decimal  # in the bank account's currency, at the payment day's rates
	gain_loss: Decimal  # in the company's currency: the payment's value less the invoice's


def payment_money(
	party_amount: Decimal,
	invoice_rate: Decimal,
	party_rate: Decimal,
	bank_rate: Decimal = Decimal(1),
	places: int = 2,
	rounding: str = ROUND_HALF_EVEN,
) -> PaymentMoney:
	"""ERPNext books the invoice at its rate and the payment at the payment day's; the difference of
	the two company-currency amounts, each rounded as ERPNext rounds them (the site's rounding
	method: banker's unless System Settings say commercial), is the exchange gain (or loss,
	negative). Rates are 1 unit of the currency in the company's currency."""

	def rounded(value: Decimal) -> Decimal:
		return value.quantize(unit(places), rounding=rounding)

	return PaymentMoney(
		bank_amount=rounded(party_amount * party_rate / bank_rate),
		gain_loss=rounded(party_amount * party_rate) - rounded(party_amount * invoice_rate),
	)
