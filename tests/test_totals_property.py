"""Property: for any order WooCommerce could compute, ERPNext's totals equal WooCommerce's.

The generator follows WooCommerce's arithmetic (abstract-wc-order.php, calculate_totals and
update_taxes): line taxes per rate kept with six decimals, each rounded per line before the
per-rate tax lines add them up, compound rates on top of the regular ones, coupons inside the line
totals, negative fees capped so the order cannot go below zero, and the order total as the sum of
the stored, rounded parts (plus, sometimes, the cent WooCommerce gains by adding unrounded ones).
"""

import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from itertools import count

from hypothesis import event, given, settings
from hypothesis import strategies as st

from woocommerce_sync.core.money import dsum, is_half_way, quantize, unit
from woocommerce_sync.core.order_mapping import MappingConfig, map_order, parse_order

CENT = Decimal("0.01")


@dataclass
class Rate:
	id: int
	percent: Decimal
	compound: bool
	shipping: bool


def exclusive_taxes(base: Decimal, rates: list[Rate]) -> dict[int, Decimal]:
	"""Taxes on a price without tax: regular rates on the price, compound ones on price + taxes so far."""
	taxes = {rate.id: base * rate.percent / 100 for rate in rates if not rate.compound}
	running = base + sum(taxes.values(), Decimal(0))
	for rate in rates:
		if rate.compound:
			taxes[rate.id] = running * rate.percent / 100
			running += taxes[rate.id]
	return taxes


def inclusive_taxes(gross: Decimal, rates: list[Rate]) -> dict[int, Decimal]:
	"""Taxes inside a price with tax, as WC_Tax::calc_inclusive_tax takes them out."""
	compound_rate = 1 + sum((rate.percent / 100 for rate in rates if rate.compound), Decimal(0))
	regular_rate = 1 + sum((rate.percent / 100 for rate in rates if not rate.compound), Decimal(0))
	taxes = {}
	for rate in rates:
		if rate.compound:
			taxes[rate.id] = gross * (rate.percent / 100) / compound_rate
		else:
			taxes[rate.id] = gross / compound_rate * (rate.percent / 100) / regular_rate
	return taxes


def stored(taxes: dict[int, Decimal]) -> dict[int, Decimal]:
	return {rate_id: quantize(value, 6) for rate_id, value in taxes.items()}


def money(value: Decimal) -> str:
	return f"{quantize(value, 2):.2f}"


def tax_list(taxes: dict[int, Decimal]) -> list[dict]:
	return [{"id": rate_id, "total": str(value), "subtotal": ""} for rate_id, value in taxes.items()]


def line_tax_total(taxes: dict[int, Decimal]) -> Decimal:
	return dsum(quantize(value, 2) for value in taxes.values())


prices = st.decimals(min_value=0, max_value=500, places=2)
quantities = st.one_of(
	st.integers(min_value=1, max_value=12).map(Decimal),
	st.decimals(min_value=Decimal("0.001"), max_value=20, places=3),
)


@st.composite
def woocommerce_orders(draw) -> tuple[dict, Decimal]:
	"""A WooCommerce order as the REST API shows it, and the drift its total carries."""
	ids = count(1)
	inclusive = draw(st.booleans())
	rates = [
		Rate(
			id=index + 1,
			percent=draw(st.decimals(min_value=0, max_value=30, places=4)),
			compound=draw(st.booleans()),
			shipping=draw(st.booleans()),
		)
		for index in range(draw(st.integers(0, 3)))
	]

	lines = []
	for _ in range(draw(st.integers(1, 8))):
		qty = draw(quantities)
		price = draw(prices)
		lines.append({"qty": qty, "subtotal": quantize(price * qty, 2)})
	for line in lines:
		line["total"] = line["subtotal"]

	for _ in range(draw(st.integers(0, 2))):
		if draw(st.booleans()):
			percent = draw(
				st.sampled_from([Decimal(100), Decimal(10), Decimal("12.5")]) | st.decimals(1, 100, places=0)
			)
			for line in lines:
				line["total"] -= min(line["total"], quantize(line["subtotal"] * percent / 100, 2))
		else:
			amount = draw(st.decimals(min_value=Decimal("0.01"), max_value=300, places=2))
			remaining = dsum(line["total"] for line in lines)
			if amount >= remaining:
				for line in lines:
					line["total"] = Decimal("0.00")
			elif remaining:
				shares = [
					(amount * line["total"] / remaining).quantize(CENT, rounding=ROUND_DOWN) for line in lines
				]
				leftover = amount - dsum(shares)
				for line, share in zip(lines, shares, strict=True):
					extra = min(leftover, line["total"] - share)
					line["total"] -= share + extra
					leftover -= extra

	line_items = []
	for line in lines:
		if inclusive:
			subtotal_taxes = stored(inclusive_taxes(line["subtotal"], rates))
			total_taxes = stored(inclusive_taxes(line["total"], rates))
			subtotal = line["subtotal"] - line_tax_total(subtotal_taxes)
			total = line["total"] - line_tax_total(total_taxes)
		else:
			subtotal_taxes = stored(exclusive_taxes(line["subtotal"], rates))
			total_taxes = stored(exclusive_taxes(line["total"], rates))
			subtotal, total = line["subtotal"], line["total"]
		line_items.append(
			{
				"id": next(ids),
				"name": "Product",
				"product_id": 10,
				"variation_id": draw(st.sampled_from([0, 12])),
				"quantity": int(line["qty"])
				if line["qty"] == int(line["qty"])
				# a decimal-quantity plugin writes a JSON number or a string
				else draw(st.sampled_from([str, float]))(line["qty"]),
				"subtotal": money(subtotal),
				"subtotal_tax": money(line_tax_total(subtotal_taxes)),
				"total": money(total),
				"total_tax": money(line_tax_total(total_taxes)),
				"taxes": [
					{
						"id": rate_id,
						"total": str(total_taxes[rate_id]),
						"subtotal": str(subtotal_taxes[rate_id]),
					}
					for rate_id in total_taxes
				],
				"meta_data": [],
				"sku": draw(st.sampled_from(["", "SKU-1"])),
				"parent_name": None,
			}
		)
	cart_total = dsum(Decimal(line["total"]) for line in line_items)

	shipping_lines = []
	for _ in range(draw(st.integers(0, 2))):
		cost = draw(st.decimals(min_value=0, max_value=50, places=2))
		taxes = stored(exclusive_taxes(cost, [rate for rate in rates if rate.shipping]))
		shipping_lines.append(
			{
				"id": next(ids),
				"method_title": "Flat rate",
				"total": money(cost),
				"total_tax": money(line_tax_total(taxes)),
				"taxes": tax_list(taxes),
			}
		)
	shipping_total = dsum(Decimal(line["total"]) for line in shipping_lines)

	fee_lines = []
	fees_total = Decimal(0)
	item_taxes = {
		rate.id: dsum(Decimal(t["total"]) for line in line_items for t in line["taxes"] if t["id"] == rate.id)
		for rate in rates
	}
	for _ in range(draw(st.integers(0, 3))):
		kind = draw(st.sampled_from(["taxable", "untaxed", "negative", "negative-taxed"]))
		amount = draw(st.decimals(min_value=0, max_value=20, places=2))
		if kind.startswith("negative"):
			# WooCommerce caps a negative fee at what the order is worth so far.
			amount = max(-amount, -(cart_total + fees_total + shipping_total))
		if kind == "taxable":
			taxes = stored(exclusive_taxes(amount, rates))
		elif kind == "negative-taxed" and cart_total:
			# Negative fees take tax off in proportion to the items' taxes, whatever their tax_status.
			taxes = stored({rate_id: amount * tax / cart_total for rate_id, tax in item_taxes.items()})
		else:
			taxes = {}
		fees_total += amount
		fee_lines.append(
			{
				"id": next(ids),
				"name": kind.title(),
				"tax_status": "taxable" if kind == "taxable" else "none",
				"total": money(amount),
				"total_tax": money(line_tax_total(taxes)),
				"taxes": tax_list(taxes),
			}
		)

	tax_lines = []
	for rate in rates:
		cart_tax = [
			quantize(Decimal(t["total"]), 2)
			for line in line_items + fee_lines
			for t in line["taxes"]
			if t["id"] == rate.id
		]
		shipping_tax = [
			quantize(Decimal(t["total"]), 2)
			for line in shipping_lines
			for t in line["taxes"]
			if t["id"] == rate.id
		]
		if cart_tax or shipping_tax:
			tax_lines.append(
				{
					"id": next(ids),
					"rate_id": rate.id,
					"label": f"Rate {rate.id}",
					"compound": rate.compound,
					"tax_total": money(dsum(cart_tax)),
					"shipping_tax_total": money(dsum(shipping_tax)),
					"rate_percent": str(rate.percent),
				}
			)

	total_tax = dsum(Decimal(line["tax_total"]) + Decimal(line["shipping_tax_total"]) for line in tax_lines)
	parts = cart_total + shipping_total + fees_total + total_tax
	drift = draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(0), CENT, -CENT]))
	if parts + drift < 0:
		drift = Decimal(0)
	event("zero total" if not parts else "positive total")
	order = {
		"id": 1000,
		"number": "1000",
		"status": "processing",
		"currency": "EUR",
		"prices_include_tax": inclusive,
		"date_created_gmt": "2026-11-23T04:27:08",
		"date_modified_gmt": "2026-11-23T04:27:08",
		"discount_total": money(dsum(line["subtotal"] - line["total"] for line in lines)),
		"total": money(parts + drift),
		"total_tax": money(total_tax),
		"customer_id": draw(st.sampled_from([0, 7])),
		"billing": {
			"first_name": "Ana",
			"last_name": "Ruiz",
			"email": "ana@example.com",
			"country": "ES",
			"city": "Madrid",
		},
		"shipping": {},
		"line_items": line_items,
		"tax_lines": tax_lines,
		"shipping_lines": shipping_lines,
		"fee_lines": fee_lines,
		"coupon_lines": [],
	}
	return order, drift


def all_decimal(draft) -> bool:
	amounts = [draft.grand_total, draft.total_taxes, draft.discount_total, draft.erpnext_grand_total()]
	for item in draft.items:
		amounts += [
			item.qty,
			item.price_list_rate,
			item.rate,
			item.amount,
			item.discount,
			*item.tax_detail.values(),
		]
	for charge in draft.charges:
		amounts += [charge.amount, *charge.item_wise_tax_detail.values(), *charge.charge_tax_detail.values()]
	return all(type(amount) is Decimal for amount in amounts)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
	generated=woocommerce_orders(),
	precision=st.sampled_from([2, 3, 4]),
	company_currency=st.sampled_from(["EUR", "USD"]),
)
def test_erpnext_totals_equal_woocommerce_totals(generated, precision, company_currency):
	"""Also for orders in a second currency (EUR orders in a USD company): the document keeps the
	order's currency and amounts, and the rate is left to the glue (orders/currency.py)."""
	order, drift = generated
	config = MappingConfig(
		store="prop",
		company_currency=company_currency,
		tax_accounts={1: "Tax 1", 2: "Tax 2", 3: "Tax 3"},
		shipping_account="Shipping",
		fee_account="Fees",
		rounding_account="Round Off",
		rate_precision=precision,
	)
	draft = map_order(parse_order(json.dumps(order)), config)
	# The same order as requests parses it (JSON numbers as floats) maps to the same exact quantities.
	as_floats = map_order(json.loads(json.dumps(order)), config)
	assert [item.qty for item in as_floats.items] == [item.qty for item in draft.items]
	assert [item.qty for item in draft.items] == [
		Decimal(str(line["quantity"])) for line in order["line_items"]
	]
	assert as_floats.erpnext_grand_total() == draft.erpnext_grand_total()

	assert draft.erpnext_grand_total() == draft.grand_total == Decimal(order["total"])
	assert draft.currency == "EUR"
	assert draft.conversion_rate == (Decimal(1) if company_currency == "EUR" else None)
	assert draft.tax_rows_total() == draft.total_taxes == Decimal(order["total_tax"])
	assert all_decimal(draft)
	for charge in draft.charges:
		if charge.kind == "tax":
			assert (
				dsum(charge.item_wise_tax_detail.values()) + dsum(charge.charge_tax_detail.values())
				== charge.amount
			)

	step = unit(precision)
	line_differences = []
	for item in draft.items:
		computed = quantize(item.rate * item.qty, precision)
		difference = item.amount - computed
		line_differences.append(difference)
		assert not is_half_way(item.rate * item.qty, precision)
		# No rate at this precision lands closer, except one whose amount ERPNext may round either way.
		for other in (item.rate - step, item.rate + step):
			if not is_half_way(other * item.qty, precision):
				assert abs(difference) <= abs(item.amount - quantize(other * item.qty, precision))
		nudged = item.rate != quantize(item.amount / item.qty, precision)
		assert abs(difference) <= (3 if nudged else 1) * step * item.qty / 2 + step / 2

	rounding = [charge for charge in draft.charges if charge.kind == "rounding"]
	assert len(rounding) <= 1 and all(charge is draft.charges[-1] for charge in rounding)
	row = rounding[0].amount if rounding else Decimal(0)
	assert row == drift + dsum(line_differences)
	if rounding:
		assert rounding[0].amount != 0
	# A cent per line holds wherever a line's rounding cannot exceed a cent: whole quantities
	# with quantity x step <= 0.02 (3 units at precision 2, 20 at precision 3).
	if all(item.qty == int(item.qty) and item.qty * step <= 2 * CENT for item in draft.items):
		assert abs(row) <= CENT * len(draft.items) + CENT
