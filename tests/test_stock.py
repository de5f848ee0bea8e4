"""Available quantity arithmetic and batch planning for the stock push (no frappe)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from woocommerce_sync.core.client import WooCommerceClient, WooCommerceNotFound, WooCommerceRequestError
from woocommerce_sync.core.product_batch import ProductUpdate, chunks, merge, plan_batches
from woocommerce_sync.core.stock import available_quantity, differs, publishable


def test_actual_minus_reserved_over_all_chosen_warehouses():
	assert available_quantity([(10, 3), (5, 0)]) == 12


def test_never_negative_when_reserved_exceeds_actual():
	assert available_quantity([(2, 5)]) == 0
	assert available_quantity([(-4, 0), (1, 0)]) == 0
	assert available_quantity([]) == 0


def test_reserved_in_one_warehouse_counts_against_the_others():
	assert available_quantity([(10, 0), (0, 4)]) == 6


def test_whole_units_rounded_down_unless_decimals_are_allowed():
	assert available_quantity([(Decimal("7.9"), 0)]) == 7
	assert available_quantity([(Decimal("7.9"), Decimal("0.25"))], allow_decimals=True) == Decimal("7.65")
	assert available_quantity([(Decimal("7.0"), 0)], allow_decimals=True) == 7
	assert isinstance(available_quantity([(Decimal("7.0"), 0)], allow_decimals=True), int)


def test_bin_floats_from_the_database_are_taken_exactly():
	assert available_quantity([(0.1, 0), (0.2, 0)], allow_decimals=True) == Decimal("0.3")


@given(
	st.lists(
		st.tuples(
			st.decimals(min_value=-1000, max_value=1000, places=3),
			st.decimals(min_value=0, max_value=1000, places=3),
		),
		max_size=6,
	),
	st.booleans(),
)
def test_published_quantity_is_never_negative_nor_more_than_is_there(bins, decimals):
	quantity = available_quantity(bins, allow_decimals=decimals)
	truth = sum((a - r for a, r in bins), Decimal(0))
	assert quantity >= 0
	assert Decimal(quantity) <= max(truth, Decimal(0))
	assert Decimal(quantity) > truth - 1


def test_differs_treats_an_empty_store_quantity_as_zero():
	assert not differs(None, 0)
	assert differs(None, 3)
	assert not differs(48, 48)
	assert differs("garbage", 1)
	assert not publishable(Decimal("-0.5"), True)


def test_updates_for_one_product_are_merged_into_one_object():
	merged = merge(
		[
			ProductUpdate(10, 0, "A", {"stock_quantity": 3}),
			ProductUpdate(10, 0, "A", {"regular_price": "9.99"}),
			ProductUpdate(11, 13, "B", {}),
		]
	)
	assert [(u.key, u.fields) for u in merged] == [((10, 0), {"stock_quantity": 3, "regular_price": "9.99"})]


def test_batches_hold_at_most_100_and_variations_go_to_their_parent():
	updates = [ProductUpdate(i, 0, f"I{i}", {"stock_quantity": i}) for i in range(1, 251)]
	updates += [ProductUpdate(11, v, f"V{v}", {"stock_quantity": 1}) for v in (12, 13)]
	batches = plan_batches(updates)
	assert [(b.endpoint, len(b.updates)) for b in batches] == [
		("products", 100),
		("products", 100),
		("products", 50),
		("products/11/variations", 2),
	]
	assert batches[3].payload() == {
		"update": [{"id": 12, "stock_quantity": 1}, {"id": 13, "stock_quantity": 1}]
	}
	with pytest.raises(ValueError):
		plan_batches(updates, size=101)


def test_chunks():
	assert list(chunks(list(range(5)), 2)) == [[0, 1], [2, 3], [4]]


def client_for(store):
	return WooCommerceClient(store.url, store.consumer_key, store.consumer_secret, store_name="fake")


def test_store_ignores_stock_of_products_that_do_not_manage_stock(fake_store):
	batch = plan_batches(
		[
			ProductUpdate(10, 0, "TSHIRT-CLASSIC", {"stock_quantity": 7}),
			ProductUpdate(14, 0, "S", {"stock_quantity": 7}),
		]
	)[0]
	with client_for(fake_store) as client:
		answer = client.batch(batch.endpoint, update=batch.payload()["update"])
	by_id = {p["id"]: p for p in answer["update"]}
	assert (by_id[10]["manage_stock"], by_id[10]["stock_quantity"]) == (True, 7)
	assert (by_id[14]["manage_stock"], by_id[14]["stock_quantity"]) == (False, None)


def test_store_casts_stock_to_whole_units_unless_it_allows_decimals(fake_store):
	with client_for(fake_store) as client:
		client.put("products/10", {"stock_quantity": 2.5})
		assert fake_store.products[10]["stock_quantity"] == 2
		fake_store.decimal_stock = True
		client.put("products/10", {"stock_quantity": 2.5})
		assert fake_store.products[10]["stock_quantity"] == 2.5
		client.put("products/10", {"stock_quantity": 0})
		assert fake_store.products[10]["stock_status"] == "outofstock"


def test_variation_batch_and_the_413_above_100(fake_store):
	with client_for(fake_store) as client:
		client.batch("products/11/variations", update=[{"id": 12, "manage_stock": True, "stock_quantity": 4}])
		assert fake_store.variations[12]["stock_quantity"] == 4
		with pytest.raises(WooCommerceRequestError) as refused:
			client.request("POST", "products/batch", json_body={"update": [{"id": 10}] * 101})
	assert refused.value.status_code == 413


def test_sku_look_up_finds_variations_and_products_refuse_variation_ids(fake_store):
	with client_for(fake_store) as client:
		found = client.get("products", {"sku": "HOODIE-L"})
		assert [(p["id"], p["parent_id"]) for p in found] == [(13, 11)]
		with pytest.raises(WooCommerceNotFound) as refused:
			client.put("products/13", {"stock_quantity": 1})
		answer = client.batch("products", update=[{"id": 13, "stock_quantity": 1}])
	assert refused.value.code == "woocommerce_rest_invalid_product_id"
	assert answer["update"][0]["error"]["code"] == "woocommerce_rest_invalid_product_id"


def test_lists_answer_only_the_fields_asked_for(fake_store):
	with client_for(fake_store) as client:
		page = client.get("products", {"_fields": "id,sku,manage_stock"})
	assert {tuple(sorted(p)) for p in page} == {("id", "manage_stock", "sku")}
