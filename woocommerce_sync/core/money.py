"""Decimal helpers for WooCommerce amounts and quantities.

WooCommerce sends money as strings with the store's decimals ("88.46"), per-rate taxes with six
("0.385886"), and some prices and quantities as JSON numbers. Everything goes through
`to_decimal`, so a float never reaches a total and garbage fails loudly instead of becoming 0.
Rounding is ROUND_HALF_UP, which is what PHP's round() does for WooCommerce.
"""

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)

# Plain ASCII decimal notation only: Decimal() alone would also take "1_000", "NaN", "Infinity"
# and non-ASCII digits, none of which is a WooCommerce amount.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def to_decimal(value: object) -> Decimal:
	"""Parse a money or quantity value strictly; raise ValueError for anything but a finite number."""
	if isinstance(value, bool) or value is None:
		raise ValueError(f"{value!r} is not a number")
	if isinstance(value, Decimal):
		result = value
	elif isinstance(value, int):
		result = Decimal(value)
	elif isinstance(value, float):
		# repr() is the shortest text that round-trips, so 17.99 stays 17.99, not 17.989999...
		result = Decimal(repr(value))
	elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
		result = Decimal(value.strip())
	else:
		raise ValueError(f"{value!r} is not a number")
	if not result.is_finite():
		raise ValueError(f"{value!r} is not a finite number")
	# Far beyond any order (ERPNext stores 21 digits, 9 of them decimals), and it would overflow
	# Decimal's 28-digit context when rounded.
	if result.adjusted() >= 15:
		raise ValueError(f"{value!r} is too large for an amount")
	return result


def to_decimal_or_zero(value: object) -> Decimal:
	"""Like to_decimal, but None and "" mean 0: WooCommerce leaves unused amounts empty."""
	if value is None or (isinstance(value, str) and not value.strip()):
		return ZERO
	return to_decimal(value)


def unit(places: int) -> Decimal:
	"""The smallest step at `places` decimals: 0.01 for 2."""
	return Decimal(1).scaleb(-places)


def quantize(value: Decimal, places: int) -> Decimal:
	"""Round half away from zero to `places` decimals, as WooCommerce and PHP do."""
	return value.quantize(unit(places), rounding=ROUND_HALF_UP)


def is_half_way(value: Decimal, places: int) -> bool:
	"""Whether `value` lies exactly half way between two steps at `places` decimals.

	Only there do rounding methods disagree (half up, half even), so only there can a
	prediction of another system's rounding be wrong.
	"""
	return abs(value.scaleb(places) % 1) == Decimal("0.5")


def places_of(value: Decimal) -> int:
	"""How many decimals a parsed value was written with: "88.46" -> 2, "1000" -> 0."""
	exponent = value.as_tuple().exponent
	return max(0, -exponent) if isinstance(exponent, int) else 0


def dsum(values: Iterable[Decimal]) -> Decimal:
	"""Sum Decimals, with Decimal 0 (not int 0) for an empty iterable."""
	return sum(values, ZERO)
