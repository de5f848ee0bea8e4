"""Refund -> Credit Note lines and charges, against the refunds recorded on a real store and the fake's."""

import copy
from decimal import Decimal

import pytest

from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.order_mapping import MappingConfig
from woocommerce_sync.core.refund_mapping import RefundMappingError, map_refund, refund_ids
from woocommerce_sync.testing.fake_store import load_fixture


def config(**overrides) -> MappingConfig:
	values = {
		"store": "main-shop",
		"company_currency": "USD",
		"tax_accounts": {1: "State Tax - WP", 2: "County Tax - WP"},
		"rounding_account": "Round Off - WP",
	}
	return MappingConfig(**{**values, **overrides})


def test_recorded_line_refund_is_exact_with_a_rounding_cent():
	refund = load_fixture("refund_create_line")["body"]
	draft = map_refund(refund, 16, config())
	[line] = draft.returned_lines
	assert (line.woocommerce_line_id, line.qty, line.rate, line.amount) == (
		1,
		1,
		Decimal("17.99"),
		Decimal("17.99"),
	)
	assert draft.tax_total() == Decimal("1.49")
	assert [(c.account, c.amount) for c in draft.charges if c.kind == "tax"] == [
		("State Tax - WP", Decimal("1.30")),
		("County Tax - WP", Decimal("0.19")),
	]
	# WooCommerce filled 19.49 from the unrounded taxes (17.99 + 1.304275 + 0.192943).
	assert [c.amount for c in draft.charges if c.kind == "rounding"] == [Decimal("0.01")]
	assert draft.erpnext_total(2) == draft.amount == Decimal("19.49")
	assert draft.refunded_money == []


def test_recorded_amount_only_refund_is_one_row_without_tax():
	draft = map_refund(load_fixture("refund_create_amount")["body"], 18, config())
	assert draft.returned_lines == [] and draft.charges == []
	assert [(m.kind, m.amount) for m in draft.refunded_money] == [("unassigned", Decimal("1.00"))]
	assert draft.reason == "goodwill"


def test_fake_store_refund_of_shipping_and_a_line_amount(fake_store):
	order = fake_store.generate_orders(1)[0]
	item, shipping = order["line_items"][0], order["shipping_lines"][0]
	body = {
		"amount": "12.00",
		"line_items": [
			{"id": item["id"], "quantity": 0, "refund_total": "2.00", "refund_tax": []},
			{
				"id": shipping["id"],
				"refund_total": shipping["total"],
				"refund_tax": [{"id": 1, "refund_total": shipping["taxes"][0]["total"]}],
			},
		],
	}
	with WooCommerceClient(fake_store.url, fake_store.consumer_key, fake_store.consumer_secret) as client:
		refund = client.post(f"orders/{order['id']}/refunds", body)
		listed = client.get(f"orders/{order['id']}")
	assert refund_ids(listed) == [refund["id"]]
	draft = map_refund(refund, order["id"], config())
	assert [(m.kind, m.amount) for m in draft.refunded_money] == [
		("line", Decimal("2.00")),
		("shipping", Decimal("7.95")),
		("unassigned", Decimal("1.47")),
	]
	assert draft.tax_total() == Decimal("0.58")
	assert draft.erpnext_total(2) == Decimal("12.00")


def test_a_full_refund_marks_the_order_refunded(fake_store):
	order = fake_store.generate_orders(1, with_shipping=False, with_coupon=False)[0]
	lines = [
		{
			"id": line["id"],
			"quantity": line["quantity"],
			"refund_total": line["total"],
			"refund_tax": [{"id": t["id"], "refund_total": t["total"]} for t in line["taxes"]],
		}
		for line in order["line_items"]
	]
	with WooCommerceClient(fake_store.url, fake_store.consumer_key, fake_store.consumer_secret) as client:
		refund = client.post(f"orders/{order['id']}/refunds", {"amount": order["total"], "line_items": lines})
		assert client.get(f"orders/{order['id']}")["status"] == "refunded"
	draft = map_refund(refund, order["id"], config())
	assert draft.tax_total() == Decimal(order["total_tax"])
	assert sum(line.qty for line in draft.returned_lines) == sum(li["quantity"] for li in order["line_items"])
	assert draft.erpnext_total(2) == Decimal(order["total"])


@pytest.mark.parametrize(
	("change", "message"),
	[
		(lambda r: r.update(amount="0.00"), "only refunds above zero"),
		(lambda r: r.update(amount="abc"), "not an amount"),
		(lambda r: r["line_items"][0].update(meta_data=[]), "_refunded_item_id"),
		(lambda r: r["tax_lines"][0].update(rate_id=99), "Tax Rate Accounts"),
		(lambda r: r.update(amount="5.00"), "more than the refunded 5.00"),
	],
)
def test_refusals_name_store_order_and_refund(change, message):
	refund = copy.deepcopy(load_fixture("refund_create_line")["body"])
	change(refund)
	with pytest.raises(RefundMappingError, match=message) as error:
		map_refund(refund, 16, config())
	assert "WooCommerce store main-shop, order 16, refund 19" in str(error.value)
