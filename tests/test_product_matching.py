"""Map Existing Products decisions: pair by SKU, report the rest on both sides, guess nothing."""

from woocommerce_sync.core.product_matching import (
	ItemCandidate,
	StoreProduct,
	plan_mapping,
	product_from_json,
)
from woocommerce_sync.testing.fake_store import load_fixture


def simple(pid, sku, type_="simple"):
	return StoreProduct(pid, 0, sku, f"P{pid}", type_)


def items(*codes, templates=()):
	return {c.casefold(): [ItemCandidate(c, c in templates)] for c in codes}


def test_pairs_by_sku_and_reports_unmatched_on_both_sides():
	plan = plan_mapping(
		[simple(1, "A"), simple(2, "B"), simple(3, "")],
		items("A", "C"),
		links={},
		candidate_items=["A", "C"],
	)
	assert [(code, p.product_id) for code, p in plan.to_link] == [("A", 1)]
	assert [(p.product_id, why) for p, why in plan.unmatched_products] == [
		(2, "no Item matches SKU B"),
		(3, "it has no SKU"),
	]
	assert plan.unmatched_items == ["C"]


def test_existing_pairs_are_kept_and_an_item_is_never_paired_twice():
	plan = plan_mapping([simple(1, "A"), simple(2, "A2")], {"a2": [ItemCandidate("A")]}, links={(1, 0): "A"})
	assert [(code, p.product_id) for code, p in plan.already_linked] == [("A", 1)]
	assert plan.to_link == []
	assert "already paired" in plan.unmatched_products[0][1]


def test_ambiguous_match_field_is_reported_not_guessed():
	plan = plan_mapping([simple(1, "Mug")], {"mug": [ItemCandidate("MUG-1"), ItemCandidate("MUG-2")]}, {})
	assert plan.to_link == []
	assert "several Items: MUG-1, MUG-2" in plan.unmatched_products[0][1]


def test_variable_product_pairs_with_a_template_and_variations_with_variants():
	parent = load_fixture("product_create_variable")["body"]
	variations = [
		product_from_json(load_fixture(n)["body"], parent)
		for n in ("variation_create_m", "variation_create_l")
	]
	plan = plan_mapping(
		[product_from_json(parent), *variations],
		items("HOODIE", "HOODIE-M", "HOODIE-L", templates=("HOODIE",)),
		links={},
	)
	assert [(code, p.key) for code, p in plan.to_link] == [
		("HOODIE", (11, 0)),
		("HOODIE-M", (11, 12)),
		("HOODIE-L", (11, 13)),
	]
	assert variations[1].name == "Hoodie - L"


def test_templates_and_plain_items_are_not_mixed_up():
	plan = plan_mapping(
		[simple(1, "T"), simple(2, "P", "variable")], items("T", "P", templates=("T",)), links={}
	)
	assert plan.to_link == []
	assert [why for _, why in plan.unmatched_products] == [
		"Item T is a template; map its variants to the variations",
		"it is a variable product but Item P is not a template",
	]


def test_matching_ignores_case_like_woocommerce_skus():
	plan = plan_mapping([simple(1, "tshirt-classic")], items("TSHIRT-CLASSIC"), links={})
	assert plan.to_link[0][0] == "TSHIRT-CLASSIC"
