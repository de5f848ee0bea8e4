"""An ERPNext Coupon Code with its Pricing Rule as a WooCommerce coupon, decided without frappe.

What WooCommerce can express, and how:
- Discount Percentage -> `percent`; on the whole order (Apply On: Transaction) for every
  product, else only for the products of the rule's Items, Item Groups or Brands.
- Discount Amount -> `fixed_cart` on the whole order, `fixed_product` (per unit) on Items, Item
  Groups or Brands; both ERPNext and WooCommerce take the amount off each unit of those Items.
- Min Amt / Max Amt -> minimum_amount / maximum_amount (the cart's subtotal).
- Maximum Use -> usage_limit (a Gift Card: 1, and only its customer's e-mail may use it).
- Valid Upto (the earlier of coupon and rule) -> date_expires: the coupon stops at the start of
  the day after, in the shop's time zone, so the last day ERPNext allows is the last one.
- WooCommerce coupons have no start date: before Valid From, or while the rule is disabled, the
  coupon is a draft, which WooCommerce does not accept at checkout.

Refused (CouponNotExpressible, naming the Coupon Code): rules that set a rate instead of a
discount, give free items, are for buying, carry conditions WooCommerce has no field for
(quantities, mixed or other-item conditions, a Python condition, customer groups, territories,
campaigns, partners), amounts in another currency than the store's, and item, group or brand rules none of whose Items is sold in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from woocommerce_sync.core.money import to_decimal_or_zero

CART = "Transaction"


class CouponNotExpressible(Exception):
	"""The Coupon Code's rule has something a WooCommerce coupon cannot do; the message says what."""


@dataclass
class CouponSource:
	"""The fields of a Coupon Code and its Pricing Rule that decide the coupon."""

	coupon_code: str
	code: str
	coupon_type: str = "Promotional"
	description: str = ""
	maximum_use: int = 0
	valid_from: date | None = None
	valid_upto: date | None = None
	customer_email: str = ""  # a Gift Card's or a Customer-only rule's customer
	pricing_rule: str = ""
	disabled: bool = False
	selling: bool = True
	price_or_product_discount: str = "Price"
	apply_on: str = CART
	rate_or_discount: str = "Discount Percentage"
	discount_percentage: object = 0
	discount_amount: object = 0
	min_amt: object = 0
	max_amt: object = 0
	min_qty: object = 0
	max_qty: object = 0
	applicable_for: str = ""
	mixed_conditions: bool = False
	apply_rule_on_other: str = ""
	condition: str = ""
	rule_valid_from: date | None = None
	rule_valid_upto: date | None = None
	currency: str = ""  # the rule's
	store_currency: str = ""
	product_ids: list[int] = field(default_factory=list)  # WooCommerce ids of the rule's sold Items


def coupon_payload(source: CouponSource, today: date) -> dict:
	"""The coupon's fields for POST/PUT coupons; raises CouponNotExpressible."""
	refuse = _refuser(source)
	if not source.code.strip():
		refuse("it has no coupon code")
	if not source.selling:
		refuse("its Pricing Rule {rule} is not a selling rule")
	if source.price_or_product_discount != "Price":
		refuse("its Pricing Rule {rule} gives free items, which WooCommerce coupons cannot")
	for present, what in (
		(to_decimal_or_zero(source.min_qty) or to_decimal_or_zero(source.max_qty), "a quantity range"),
		(source.mixed_conditions, "mixed conditions"),
		(source.apply_rule_on_other, "a condition on other items"),
		((source.condition or "").strip(), "a Python condition"),
		(source.applicable_for not in ("", None, "Customer"), f"Applicable For {source.applicable_for}"),
	):
		if present:
			refuse("its Pricing Rule {rule} has " + what + ", which WooCommerce coupons have no field for")
	if source.applicable_for == "Customer" and not source.customer_email:
		refuse("its Pricing Rule {rule} is for one customer, who has no e-mail to restrict the coupon to")
	if source.rate_or_discount == "Discount Percentage":
		amount = to_decimal_or_zero(source.discount_percentage)
		discount_type = "percent"
	elif source.rate_or_discount == "Discount Amount":
		amount = to_decimal_or_zero(source.discount_amount)
		discount_type = "fixed_cart" if source.apply_on == CART else "fixed_product"
	else:
		refuse(
			"its Pricing Rule {rule} sets a rate, not a discount; WooCommerce coupons only take a "
			"percentage or an amount off"
		)
	if amount <= 0:
		refuse("its Pricing Rule {rule} gives no discount")
	if (
		source.rate_or_discount == "Discount Amount"
		and source.currency
		and source.store_currency
		and source.currency != source.store_currency
	):
		refuse(
			"its Pricing Rule {rule} takes an amount in "
			+ source.currency
			+ " off, but the store sells in "
			+ source.store_currency
		)
	if source.apply_on != CART and not source.product_ids:
		refuse(
			"its Pricing Rule {rule} applies to "
			+ source.apply_on
			+ " records none of whose Items is paired with a product of the store; pair them, or "
			"make the rule apply to the whole order (Transaction)"
		)
	starts = max(filter(None, (source.valid_from, source.rule_valid_from)), default=None)
	ends = min(filter(None, (source.valid_upto, source.rule_valid_upto)), default=None)
	gift_card = source.coupon_type == "Gift Card"
	usage_limit = 1 if gift_card else (int(source.maximum_use or 0) or None)
	return {
		"code": source.code.strip(),
		"status": "draft" if source.disabled or (starts and starts > today) else "publish",
		"discount_type": discount_type,
		"amount": _money(amount),
		"description": source.description.strip(),
		"product_ids": sorted(set(source.product_ids)) if source.apply_on != CART else [],
		"minimum_amount": _money(to_decimal_or_zero(source.min_amt)),
		"maximum_amount": _money(to_decimal_or_zero(source.max_amt)),
		"usage_limit": usage_limit,
		"date_expires": f"{ends + timedelta(days=1)}T00:00:00" if ends else None,
		"email_restrictions": [source.customer_email] if source.customer_email else [],
	}


def same_code(a: str, b: str) -> bool:
	"""WooCommerce stores coupon codes in lower case (wc_format_coupon_code)."""
	return a.strip().casefold() == b.strip().casefold()


def _refuser(source: CouponSource):
	def refuse(reason: str):
		raise CouponNotExpressible(
			f"Coupon Code {source.coupon_code} cannot be a WooCommerce coupon: "
			+ reason.replace("{rule}", source.pricing_rule or "")
			+ "."
		)

	return refuse


def _money(value: Decimal) -> str:
	return f"{value.quantize(Decimal('0.01'))}"
