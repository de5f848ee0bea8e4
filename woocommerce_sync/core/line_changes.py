"""The line-item part of an order update, for orders WooCommerce still lets one edit.

WooCommerce deletes a line sent with quantity 0 and adds a line sent without an id; it then
recalculates the order's totals and taxes with its own tax settings. Only quantities are compared:
an ERPNext amount can differ from WooCommerce's line total by the cents the import put on its
rounding row, and resending those would rewrite every order.
"""

from dataclasses import dataclass
from decimal import Decimal

from woocommerce_sync.core.money import quantize, to_decimal_or_zero

# WC_Order::is_editable(): orders in these statuses can have their items changed.
EDITABLE_STATUSES = frozenset({"pending", "on-hold", "checkout-draft"})


@dataclass(frozen=True)
class ErpnextLine:
	line_id: int | None  # the WooCommerce line this row came from, if any
	product_id: int
	variation_id: int
	quantity: Decimal
	amount: Decimal


def line_item_changes(order_lines: list[dict], erpnext_lines: list[ErpnextLine]) -> list[dict]:
	by_id = {line["id"]: line for line in order_lines}
	changes, kept = [], set()
	for line in erpnext_lines:
		current = by_id.get(line.line_id) if line.line_id else None
		if current is not None:
			kept.add(current["id"])
			if to_decimal_or_zero(current.get("quantity")) != line.quantity:
				changes.append({"id": current["id"], **_amounts(line)})
		else:
			changes.append(
				{"product_id": line.product_id, "variation_id": line.variation_id, **_amounts(line)}
			)
	changes.extend({"id": line["id"], "quantity": 0} for line in order_lines if line["id"] not in kept)
	return changes


def _amounts(line: ErpnextLine) -> dict:
	quantity = (
		int(line.quantity) if line.quantity == line.quantity.to_integral_value() else float(line.quantity)
	)
	total = f"{quantize(line.amount, 2)}"
	return {"quantity": quantity, "subtotal": total, "total": total}
