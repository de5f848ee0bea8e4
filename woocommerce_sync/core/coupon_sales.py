"""The WooCommerce Coupon Sales report's arithmetic: per store, period and coupon code, how many
orders used the coupon, what it took off and what those orders sold. An order with two coupons
counts for each of them; codes are compared as WooCommerce stores them (lower case)."""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

# (store, order date, coupon code, orders, discount, discount tax, net sales), from the database
Row = tuple[str, date, str, int, object, object, object]


def group_coupon_sales(rows: Iterable[Row], period_of: Callable[[date], date]) -> list[dict]:
	"""Rows summed per (store, period, code); within a period, the biggest discount first."""
	totals: dict[tuple[str, date, str], dict] = {}
	for store, day, code, orders, discount, tax, net in rows:
		key = (store, period_of(day), (code or "").strip().lower())
		row = totals.setdefault(
			key,
			{
				"store": key[0],
				"period": key[1],
				"coupon_code": key[2],
				"orders": 0,
				"discount": Decimal(0),
				"discount_tax": Decimal(0),
				"net_sales": Decimal(0),
			},
		)
		row["orders"] += int(orders or 0)
		row["discount"] += Decimal(str(discount or 0))
		row["discount_tax"] += Decimal(str(tax or 0))
		row["net_sales"] += Decimal(str(net or 0))
	return sorted(totals.values(), key=lambda r: (r["store"], r["period"], -r["discount"], r["coupon_code"]))
