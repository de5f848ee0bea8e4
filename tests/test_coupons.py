"""Coupon Code + Pricing Rule -> WooCommerce coupon: what is expressed, and what is refused."""

from datetime import date
from decimal import Decimal

import pytest

from woocommerce_sync.core.coupons import CouponNotExpressible, CouponSource, coupon_payload, same_code

TODAY = date(2026, 12, 3)


def source(**values) -> CouponSource:
	return CouponSource(
		**{"coupon_code": "Winter Sale", "code": "WINTER10", "pricing_rule": "PRLE-0001", **values}
	)


def test_a_percent_off_the_order():
	payload = coupon_payload(source(discount_percentage=10), TODAY)
	assert payload["discount_type"] == "percent"
	assert payload["amount"] == "10.00"
	assert payload["product_ids"] == []
	assert payload["status"] == "publish"
	assert payload["code"] == "WINTER10"
	assert payload["usage_limit"] is None
	assert payload["date_expires"] is None


def test_an_amount_off_the_order_is_fixed_cart():
	payload = coupon_payload(source(rate_or_discount="Discount Amount", discount_amount="5"), TODAY)
	assert (payload["discount_type"], payload["amount"]) == ("fixed_cart", "5.00")


def test_an_amount_off_items_is_fixed_product_for_their_products():
	payload = coupon_payload(
		source(
			apply_on="Item Code",
			rate_or_discount="Discount Amount",
			discount_amount=2.5,
			product_ids=[93, 90, 93],
		),
		TODAY,
	)
	assert (payload["discount_type"], payload["amount"], payload["product_ids"]) == (
		"fixed_product",
		"2.50",
		[90, 93],
	)


def test_a_percent_off_an_item_group_with_paired_products():
	payload = coupon_payload(source(apply_on="Item Group", discount_percentage=15, product_ids=[90]), TODAY)
	assert (payload["discount_type"], payload["product_ids"]) == ("percent", [90])


def test_limits_amounts_and_expiry():
	payload = coupon_payload(
		source(
			discount_percentage=10,
			maximum_use=50,
			min_amt=100,
			max_amt="500",
			valid_upto=date(2026, 12, 31),
			rule_valid_upto=date(2027, 1, 15),
			description=" Ten off in winter ",
		),
		TODAY,
	)
	assert payload["usage_limit"] == 50
	assert (payload["minimum_amount"], payload["maximum_amount"]) == ("100.00", "500.00")
	assert payload["date_expires"] == "2027-01-01T00:00:00"  # the 31st is still a valid day
	assert payload["description"] == "Ten off in winter"


def test_a_gift_card_is_single_use_for_its_customer():
	payload = coupon_payload(
		source(
			coupon_type="Gift Card", customer_email="ann@example.com", maximum_use=5, discount_percentage=100
		),
		TODAY,
	)
	assert payload["usage_limit"] == 1
	assert payload["email_restrictions"] == ["ann@example.com"]


def test_not_yet_valid_or_disabled_is_a_draft():
	assert (
		coupon_payload(source(discount_percentage=10, valid_from=date(2026, 12, 24)), TODAY)["status"]
		== "draft"
	)
	assert (
		coupon_payload(source(discount_percentage=10, rule_valid_from=date(2026, 12, 4)), TODAY)["status"]
		== "draft"
	)
	assert coupon_payload(source(discount_percentage=10, valid_from=TODAY), TODAY)["status"] == "publish"
	assert coupon_payload(source(discount_percentage=10, disabled=True), TODAY)["status"] == "draft"


@pytest.mark.parametrize(
	("values", "reason"),
	[
		({"apply_on": "Item Group", "discount_percentage": 10}, "none of whose Items is paired"),
		({"rate_or_discount": "Rate", "discount_percentage": 10}, "sets a rate"),
		({"price_or_product_discount": "Product"}, "free items"),
		({"selling": False, "discount_percentage": 10}, "not a selling rule"),
		({"discount_percentage": 0}, "gives no discount"),
		({"discount_percentage": 10, "min_qty": 3}, "a quantity range"),
		({"discount_percentage": 10, "mixed_conditions": True}, "mixed conditions"),
		({"discount_percentage": 10, "apply_rule_on_other": "Item Code"}, "other items"),
		({"discount_percentage": 10, "condition": "doc.total > 5"}, "a Python condition"),
		({"discount_percentage": 10, "applicable_for": "Territory"}, "Applicable For Territory"),
		({"discount_percentage": 10, "applicable_for": "Customer"}, "no e-mail"),
		({"discount_percentage": 10, "code": " "}, "no coupon code"),
		(
			{
				"rate_or_discount": "Discount Amount",
				"discount_amount": 5,
				"currency": "EUR",
				"store_currency": "USD",
			},
			"in EUR off, but the store sells in USD",
		),
	],
)
def test_what_woocommerce_cannot_express_is_refused_naming_the_coupon_code(values, reason):
	with pytest.raises(CouponNotExpressible) as refused:
		coupon_payload(source(**values), TODAY)
	assert str(refused.value).startswith("Coupon Code Winter Sale cannot be a WooCommerce coupon: ")
	assert reason in str(refused.value)


def test_codes_compare_as_woocommerce_stores_them():
	assert same_code("WINTER10", "winter10 ")
	assert not same_code("WINTER10", "winter11")


def test_coupon_sales_are_summed_per_store_period_and_code():
	from woocommerce_sync.core.coupon_sales import group_coupon_sales

	month = lambda day: day.replace(day=1)  # noqa: E731
	rows = [
		("shop", date(2026, 11, 2), "save10", 2, 3.5, 0.25, 40),
		("shop", date(2026, 11, 20), "SAVE10", 1, "1.50", "0.10", "20.00"),
		("shop", date(2026, 11, 21), "big", 1, 9, 0, 90),
		("other", date(2026, 11, 3), "save10", 1, 1, 0, 10),
		("shop", date(2026, 12, 1), "save10", 1, 1, 0, 10),
	]
	grouped = group_coupon_sales(rows, month)
	assert [(r["store"], r["period"], r["coupon_code"], r["orders"]) for r in grouped] == [
		("other", date(2026, 11, 1), "save10", 1),
		("shop", date(2026, 11, 1), "big", 1),
		("shop", date(2026, 11, 1), "save10", 3),
		("shop", date(2026, 12, 1), "save10", 1),
	]
	save10 = grouped[2]
	assert (save10["discount"], save10["discount_tax"], save10["net_sales"]) == (
		Decimal("5.00"),
		Decimal("0.35"),
		Decimal("60.00"),
	)
