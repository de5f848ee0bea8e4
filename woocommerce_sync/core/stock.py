"""What WooCommerce's `stock_quantity` should be, from ERPNext's bins (no I/O, no frappe).

Available to sell = actual - reserved (ordered on Sales Orders, not yet delivered), summed over
the store's chosen warehouses, never below zero: a shop must not show -3 in stock. A store that
cannot take decimal quantities (WooCommerce casts stock to an integer unless a plugin allows
decimals) gets the whole units that are really there, rounded down, never up, so the shop never
promises a unit it does not have.
"""

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal

from woocommerce_sync.core.money import ZERO, to_decimal_or_zero

# ERPNext keeps quantities to 9 decimals at most; WooCommerce's decimal-quantity plugins to fewer.
DECIMAL_PLACES = 3


def available_quantity(bins: Iterable[tuple[object, object]], allow_decimals: bool = False) -> int | Decimal:
	"""Sum (actual_qty, reserved_qty) pairs of one item's bins into the quantity to publish."""
	quantity = sum(
		(to_decimal_or_zero(actual) - to_decimal_or_zero(reserved) for actual, reserved in bins), ZERO
	)
	return publishable(quantity, allow_decimals)


def publishable(quantity: Decimal, allow_decimals: bool) -> int | Decimal:
	"""Never negative; whole units rounded down unless the store allows decimals."""
	if quantity <= 0:
		return 0
	if not allow_decimals:
		return int(quantity.to_integral_value(rounding=ROUND_FLOOR))
	rounded = quantity.quantize(Decimal(1).scaleb(-DECIMAL_PLACES), rounding=ROUND_FLOOR)
	return int(rounded) if rounded == rounded.to_integral_value() else rounded.normalize()


def differs(store_quantity: object, wanted: int | Decimal) -> bool:
	"""Whether the store shows another quantity than the one we would push (None counts as 0)."""
	try:
		return to_decimal_or_zero(store_quantity) != Decimal(wanted)
	except ValueError:
		return True
