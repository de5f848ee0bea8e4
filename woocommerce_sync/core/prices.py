"""Price list rates <-> WooCommerce prices, for stores whose prices include tax or not (no I/O).

ERPNext price lists hold prices before tax (taxes are added on the document), while a
WooCommerce store set to "prices entered with tax" holds gross prices. With the store's tax
rate, a net 16.66 becomes 19.99 in such a shop and 19.99 comes back as 16.66. A store whose
prices exclude tax, or a rate of 0 (a price list that already holds gross prices), passes prices
through unchanged. Rounding is half up, as WooCommerce rounds.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from woocommerce_sync.core.money import quantize, to_decimal, to_decimal_or_zero

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PriceRules:
	prices_include_tax: bool
	tax_rate_percent: Decimal = Decimal(0)
	store_places: int = 2  # WooCommerce's "number of decimals"
	erpnext_places: int = 2  # precision of Item Price's rate

	@property
	def factor(self) -> Decimal:
		if not self.prices_include_tax:
			return Decimal(1)
		return 1 + to_decimal_or_zero(self.tax_rate_percent) / HUNDRED


def to_store_price(rate: object, rules: PriceRules) -> str:
	"""An ERPNext (net) rate as the string WooCommerce stores."""
	return str(quantize(to_decimal(rate) * rules.factor, rules.store_places))


def from_store_price(price: object, rules: PriceRules) -> Decimal | None:
	"""A WooCommerce price as an ERPNext (net) rate; None when the store has no price ("")."""
	if price is None or (isinstance(price, str) and not price.strip()):
		return None
	return quantize(to_decimal(price) / rules.factor, rules.erpnext_places)


def same_price(rate: object, store_price: object, rules: PriceRules) -> bool:
	"""Whether pushing `rate` would leave the store's price as it is (no back-and-forth drift)."""
	if store_price is None or (isinstance(store_price, str) and not store_price.strip()):
		return False
	return Decimal(to_store_price(rate, rules)) == to_decimal(store_price)


@dataclass(frozen=True)
class SalePrice:
	rate: Decimal
	valid_from: date | None = None
	valid_upto: date | None = None


def price_fields(regular: object | None, sale: SalePrice | None, rules: PriceRules) -> dict[str, str]:
	"""The product fields for a regular price and an optional sale price with its dates.

	No regular price: nothing is sent (the shop keeps its price rather than losing it). No sale
	price: sale price and dates are cleared. Sale dates are whole days in the store's time zone,
	the sale ending at the end of its last day, as WooCommerce's own product editor does.
	"""
	if regular is None:
		return {}
	fields = {"regular_price": to_store_price(regular, rules), "sale_price": ""}
	fields.update(date_on_sale_from="", date_on_sale_to="")
	if sale is not None:
		fields["sale_price"] = to_store_price(sale.rate, rules)
		if sale.valid_from:
			fields["date_on_sale_from"] = f"{sale.valid_from.isoformat()}T00:00:00"
		if sale.valid_upto:
			fields["date_on_sale_to"] = f"{sale.valid_upto.isoformat()}T23:59:59"
	return fields
