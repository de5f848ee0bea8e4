"""Price list rates to WooCommerce prices and back, for tax-inclusive and tax-exclusive stores."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from woocommerce_sync.core.prices import (
	PriceRules,
	SalePrice,
	from_store_price,
	price_fields,
	same_price,
	to_store_price,
)

EXCLUSIVE = PriceRules(prices_include_tax=False, tax_rate_percent=Decimal(20))
INCLUSIVE = PriceRules(prices_include_tax=True, tax_rate_percent=Decimal(20))


def test_exclusive_store_takes_the_rate_as_it_is():
	assert to_store_price(Decimal("16.66"), EXCLUSIVE) == "16.66"
	assert from_store_price("16.66", EXCLUSIVE) == Decimal("16.66")


def test_inclusive_store_gets_gross_and_gives_back_net():
	assert to_store_price(Decimal("16.66"), INCLUSIVE) == "19.99"
	assert from_store_price("19.99", INCLUSIVE) == Decimal("16.66")
	assert to_store_price(Decimal("10"), PriceRules(True, Decimal("7.25"))) == "10.73"


def test_zero_rate_means_the_price_list_already_holds_gross_prices():
	assert to_store_price(Decimal("19.99"), PriceRules(True, Decimal(0))) == "19.99"


def test_empty_store_price_is_no_price():
	assert from_store_price("", INCLUSIVE) is None
	assert from_store_price(None, INCLUSIVE) is None
	assert not same_price(Decimal(1), "", INCLUSIVE)


@given(st.decimals(min_value=0, max_value=100000, places=2), st.sampled_from([0, 5, 7.25, 19, 20, 21, 25]))
def test_a_net_rate_survives_the_round_trip_through_an_inclusive_store(net, rate):
	rules = PriceRules(True, Decimal(str(rate)))
	gross = to_store_price(net, rules)
	assert same_price(net, gross, rules)
	back = from_store_price(gross, rules)
	assert to_store_price(back, rules) == gross


def test_price_fields_with_a_dated_sale():
	fields = price_fields(
		Decimal("16.66"), SalePrice(Decimal("12.50"), date(2026, 12, 1), date(2026, 12, 24)), INCLUSIVE
	)
	assert fields == {
		"regular_price": "19.99",
		"sale_price": "15.00",
		"date_on_sale_from": "2026-12-01T00:00:00",
		"date_on_sale_to": "2026-12-24T23:59:59",
	}


def test_no_sale_clears_sale_price_and_dates_and_no_regular_price_sends_nothing():
	assert price_fields(Decimal(5), None, EXCLUSIVE) == {
		"regular_price": "5.00",
		"sale_price": "",
		"date_on_sale_from": "",
		"date_on_sale_to": "",
	}
	assert price_fields(None, SalePrice(Decimal(1)), EXCLUSIVE) == {}
