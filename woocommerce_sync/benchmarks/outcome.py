"""What a benchmark's run left behind: the live Sales Orders of its store, checked against the
orders the fake store holds (none missing, none doubled, WooCommerce's totals)."""

from decimal import Decimal

import frappe

# woocommerce_id -> [(Sales Order name, grand total)]
LiveOrders = dict[str, list[tuple[str, Decimal]]]


def live_sales_orders(store: str) -> LiveOrders:
	"""woocommerce_id -> [(Sales Order, grand_total)] of the store's draft and submitted Sales Orders."""
	made: LiveOrders = {}
	for row in frappe.get_all(
		"Sales Order",
		filters={"woocommerce_server": store, "docstatus": ("<", 2)},
		fields=["name", "woocommerce_id", "grand_total"],
	):
		made.setdefault(row.woocommerce_id, []).append((row.name, Decimal(str(row.grand_total))))
	return made


def compare(expected_totals: dict[int, str], made: LiveOrders) -> dict[str, int]:
	"""Orders without a Sales Order, with more than one, and with another grand total than the store's."""
	missing = [order_id for order_id in expected_totals if str(order_id) not in made]
	doubled = [order_id for order_id in expected_totals if len(made.get(str(order_id), [])) > 1]
	differing = [
		order_id
		for order_id, total in expected_totals.items()
		if str(order_id) in made and made[str(order_id)][0][1].quantize(Decimal("0.01")) != Decimal(total)
	]
	return {"missing": len(missing), "doubled": len(doubled), "totals_differing": len(differing)}
