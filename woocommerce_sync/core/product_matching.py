"""Map Existing Products: which store product or variation is which Item, decided without I/O.

A product or variation is paired with the Item whose match field (the item code unless the store
says otherwise) equals its SKU. Nothing is guessed: no SKU, no Item, two Items with the same
value, or an Item already paired with another product of the store are reported, not linked.
A variable product pairs with a template Item (one with variants) and its variations with Items;
a simple product or a variation never pairs with a template, which cannot be sold itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

# A product or variation of a store: (product id, variation id), variation 0 for a product.
ProductKey = tuple[int, int]


@dataclass(frozen=True)
class StoreProduct:
	product_id: int
	variation_id: int
	sku: str
	name: str
	type: str  # simple, variable, variation, grouped, external

	@property
	def key(self) -> ProductKey:
		return (self.product_id, self.variation_id)

	@property
	def label(self) -> str:
		if self.variation_id:
			return f"variation {self.variation_id} of product {self.product_id} ({self.name})"
		return f"product {self.product_id} ({self.name})"


@dataclass(frozen=True)
class ItemCandidate:
	item_code: str
	has_variants: bool = False


@dataclass
class MappingPlan:
	to_link: list[tuple[str, StoreProduct]] = field(default_factory=list)
	already_linked: list[tuple[str, StoreProduct]] = field(default_factory=list)
	unmatched_products: list[tuple[StoreProduct, str]] = field(default_factory=list)
	unmatched_items: list[str] = field(default_factory=list)


def product_from_json(product: dict, parent: dict | None = None) -> StoreProduct:
	"""A product or variation as WooCommerce lists it (a variation with its parent product)."""
	if parent is not None:
		attributes = ", ".join(str(a.get("option")) for a in product.get("attributes") or [])
		return StoreProduct(
			product_id=int(parent["id"]),
			variation_id=int(product["id"]),
			sku=(product.get("sku") or "").strip(),
			name=f"{parent.get('name')} - {attributes or product.get('name')}",
			type="variation",
		)
	return StoreProduct(
		product_id=int(product["id"]),
		variation_id=0,
		sku=(product.get("sku") or "").strip(),
		name=str(product.get("name") or ""),
		type=str(product.get("type") or "simple"),
	)


def plan_mapping(
	products: Iterable[StoreProduct],
	items_by_value: dict[str, list[ItemCandidate]],
	links: dict[ProductKey, str],
	candidate_items: Iterable[str] = (),
) -> MappingPlan:
	"""Decide every pairing. `links` are the store's existing pairs; `candidate_items` are the
	Items that should be in the shop (to report those left without a product)."""
	plan = MappingPlan()
	linked_items = set(links.values())
	taken: set[str] = set()
	for product in products:
		if product.key in links:
			plan.already_linked.append((links[product.key], product))
			continue
		if product.type == "grouped":
			plan.unmatched_products.append((product, "grouped products hold no stock of their own"))
			continue
		if not product.sku:
			plan.unmatched_products.append((product, "it has no SKU"))
			continue
		candidates = items_by_value.get(product.sku.casefold(), [])
		if not candidates:
			plan.unmatched_products.append((product, f"no Item matches SKU {product.sku}"))
			continue
		if len(candidates) > 1:
			codes = ", ".join(sorted(c.item_code for c in candidates))
			plan.unmatched_products.append((product, f"SKU {product.sku} matches several Items: {codes}"))
			continue
		item = candidates[0]
		if product.type == "variable" and not item.has_variants:
			plan.unmatched_products.append(
				(product, f"it is a variable product but Item {item.item_code} is not a template")
			)
			continue
		if product.type != "variable" and item.has_variants:
			plan.unmatched_products.append(
				(product, f"Item {item.item_code} is a template; map its variants to the variations")
			)
			continue
		if item.item_code in linked_items or item.item_code in taken:
			plan.unmatched_products.append(
				(product, f"Item {item.item_code} is already paired with another product of this store")
			)
			continue
		taken.add(item.item_code)
		plan.to_link.append((item.item_code, product))
	paired = linked_items | taken
	plan.unmatched_items = sorted(code for code in set(candidate_items) if code not in paired)
	return plan
