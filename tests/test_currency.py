"""Orders in another currency: the rate, the receivable account and the payment's money (core/currency.py)."""

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woocommerce_sync.core.currency import (
	ExchangeRateMissing,
	RateRecord,
	choose_rate,
	currency_customer_name,
	party_account_decision,
	payment_money,
)
from woocommerce_sync.core.order_mapping import MappingConfig, map_order, order_tax_template
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore

DAY = date(2026, 11, 23)
RECORDS = [
	RateRecord(date(2026, 1, 1), Decimal("1.08")),
	RateRecord(date(2026, 11, 20), Decimal("1.10")),
	RateRecord(date(2026, 11, 24), Decimal("1.20")),  # after the order: never used for it
]


# The rate ---------------------------------------------------------------------------------------


def test_same_currency_is_one():
	assert choose_rate("USD", "USD", DAY, store="s") == 1


def test_the_newest_record_on_or_before_the_day():
	assert choose_rate("EUR", "USD", DAY, store="s", records=RECORDS) == Decimal("1.10")
	assert choose_rate("EUR", "USD", date(2026, 11, 24), store="s", records=RECORDS) == Decimal("1.20")
	assert choose_rate("EUR", "USD", date(2026, 6, 1), store="s", records=RECORDS) == Decimal("1.08")


def test_a_fixed_rate_of_the_store_wins():
	assert choose_rate("EUR", "USD", DAY, store="s", fixed_rate=Decimal("1.05"), records=RECORDS) == Decimal(
		"1.05"
	)


def test_a_missing_rate_names_the_pair_the_date_and_what_to_add():
	with pytest.raises(ExchangeRateMissing) as caught:
		choose_rate("GBP", "USD", DAY, store="shop-1", records=[])
	message = str(caught.value)
	for part in ("shop-1", "GBP to USD", "2026-11-23", "Currency Exchange", "Currencies table"):
		assert part in message


def test_stale_records_are_refused_when_accounts_settings_say_so():
	records = [RateRecord(date(2026, 11, 1), Decimal("1.10"))]
	assert choose_rate("EUR", "USD", DAY, store="s", records=records, stale_days=30) == Decimal("1.10")
	with pytest.raises(ExchangeRateMissing, match="stale"):
		choose_rate("EUR", "USD", DAY, store="s", records=records, stale_days=7)


# The receivable account -------------------------------------------------------------------------

ACCOUNTS = {"EUR": "Debtors EUR - WP", "GBP": "Debtors GBP - WP"}


def decide(currency, own=None, default="USD", ledger=None, **kwargs):
	return party_account_decision(
		currency,
		"USD",
		own_account_currency=own,
		default_account_currency=default,
		ledger_currency=ledger,
		receivable_accounts=ACCOUNTS,
		**kwargs,
	)


def test_a_new_customer_takes_the_stores_receivable_for_the_orders_currency():
	decision = decide("EUR")
	assert (decision.action, decision.account) == ("set", "Debtors EUR - WP")


def test_the_company_currency_needs_no_account():
	assert decide("USD").action == "keep"


def test_a_customer_already_in_the_currency_is_kept():
	assert decide("EUR", own="EUR").action == "keep"
	assert decide("EUR", ledger="EUR").action == "keep"


def test_no_receivable_for_the_currency():
	decision = decide("JPY")
	assert (decision.action, decision.customer_currency) == ("no_account", "USD")
	assert decide("JPY", multi_currency_allowed=True).action == "keep"


def test_a_customer_booked_in_another_currency_is_a_conflict_or_a_twin():
	for booked in ({"ledger": "USD"}, {"own": "GBP"}, {"own": "EUR", "ledger": "EUR"}):
		currency = "GBP" if booked.get("own") == "EUR" else "EUR"
		conflict = decide(currency, **booked)
		assert (conflict.action, conflict.currency) == ("conflict", currency)
		assert conflict.customer_currency in ("USD", "GBP", "EUR")
		assert decide(currency, one_customer_per_currency=True, **booked).action == "separate"
		assert decide(currency, multi_currency_allowed=True, **booked).action == "keep"


def test_back_to_the_company_currency_after_a_foreign_account():
	assert decide("USD", own="EUR").action == "conflict"


def test_twin_names_fit_erpnexts_140_characters():
	assert currency_customer_name("Ana Ruiz", "EUR") == "Ana Ruiz - EUR"
	assert len(currency_customer_name("x" * 200, "EUR")) == 140


# The payment ------------------------------------------------------------------------------------


def test_a_payment_at_a_higher_rate_is_a_gain():
	money = payment_money(Decimal("100.00"), Decimal("1.08"), Decimal("1.10"))
	assert (money.bank_amount, money.gain_loss) == (Decimal("110.00"), Decimal("2.00"))


def test_half_cents_round_as_the_site_rounds():
	assert payment_money(Decimal("10.10"), Decimal(1), Decimal("1.15")).bank_amount == Decimal("11.62")
	commercial = payment_money(Decimal("10.10"), Decimal(1), Decimal("1.15"), rounding=ROUND_HALF_UP)
	assert commercial.bank_amount == Decimal("11.62")
	assert payment_money(Decimal("0.50"), Decimal(1), Decimal("0.05")).bank_amount == Decimal("0.02")
	assert payment_money(
		Decimal("0.50"), Decimal(1), Decimal("0.05"), rounding=ROUND_HALF_UP
	).bank_amount == Decimal("0.03")


def test_a_bank_account_in_the_orders_currency_takes_the_amount_as_is():
	money = payment_money(Decimal("99.99"), Decimal("1.08"), Decimal("1.10"), bank_rate=Decimal("1.10"))
	assert money.bank_amount == Decimal("99.99")


rates = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("200"), places=6)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
	amount=st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2),
	invoice_rate=rates,
	payment_rate=rates,
)
def test_received_is_invoiced_plus_gain_loss_to_the_cent(amount, invoice_rate, payment_rate):
	"""The ledger balances: what the bank gets is the receivable at the invoice's rate plus gain/loss."""
	money = payment_money(amount, invoice_rate, payment_rate)
	assert (
		money.bank_amount
		== (amount * invoice_rate).quantize(Decimal("0.01"), ROUND_HALF_EVEN) + money.gain_loss
	)
	assert (money.gain_loss > 0) <= (payment_rate > invoice_rate)
	if payment_rate == invoice_rate:
		assert money.gain_loss == 0


# Tax templates ----------------------------------------------------------------------------------


def test_one_template_for_all_the_orders_rates():
	assert order_tax_template([1, 2], {1: "US Tax", 2: "US Tax"}) == ("US Tax", None)


def test_no_template_when_none_is_mapped_or_the_order_has_no_tax():
	assert order_tax_template([1, 2], {}) == (None, None)
	assert order_tax_template([], {1: "US Tax"}) == (None, None)


def test_rates_split_between_templates_name_none_and_say_so():
	template, note = order_tax_template([1, 2], {1: "US Tax", 2: "Reduced"})
	assert template is None and "1 -> US Tax, 2 -> Reduced" in note
	template, note = order_tax_template([1, 2], {1: "US Tax"})
	assert template is None and "2 -> none" in note


def test_a_template_changes_the_name_not_the_money():
	order = FakeWooCommerceStore().generate_orders(1)[0]
	plain = MappingConfig(
		store="s",
		company_currency="USD",
		tax_accounts={1: "Tax", 2: "Tax"},
		shipping_account="Ship",
		rounding_account="Round",
	)
	templated = MappingConfig(
		store="s",
		company_currency="USD",
		tax_accounts={1: "Tax", 2: "Tax"},
		tax_templates={1: "US Tax", 2: "US Tax"},
		shipping_account="Ship",
		rounding_account="Round",
	)
	without, with_template = map_order(order, plain), map_order(order, templated)
	assert (without.tax_template, with_template.tax_template) == (None, "US Tax")
	assert [(c.kind, c.account, c.amount) for c in with_template.charges] == [
		(c.kind, c.account, c.amount) for c in without.charges
	]
	assert with_template.erpnext_grand_total() == Decimal(order["total"])
