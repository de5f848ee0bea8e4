"""Line changes for an editable WooCommerce order: quantities, new lines, removed lines."""

from decimal import Decimal

from woocommerce_sync.core.line_changes import ErpnextLine, line_item_changes

ORDER_LINES = [
	{"id": 7, "product_id": 10, "variation_id": 0, "quantity": 2, "total": "18.00"},
	{"id": 8, "product_id": 11, "variation_id": 12, "quantity": 1, "total": "9.99"},
]


def line(line_id, product, qty, amount, variation=0):
	return ErpnextLine(line_id, product, variation, Decimal(qty), Decimal(amount))


def test_same_quantities_send_nothing_even_if_amounts_differ_by_rounding_cents():
	same = [line(7, 10, "2", "17.99"), line(8, 11, "1", "9.99", 12)]
	assert line_item_changes(ORDER_LINES, same) == []


def test_changed_quantity_new_line_and_removed_line():
	erpnext = [line(7, 10, "3", "27"), line(None, 30, "1.5", "4.5")]
	assert line_item_changes(ORDER_LINES, erpnext) == [
		{"id": 7, "quantity": 3, "subtotal": "27.00", "total": "27.00"},
		{"product_id": 30, "variation_id": 0, "quantity": 1.5, "subtotal": "4.50", "total": "4.50"},
		{"id": 8, "quantity": 0},
	]
