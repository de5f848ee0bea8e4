"""Product and variation updates grouped into WooCommerce batch calls of at most 100 (no I/O).

WooCommerce has one batch endpoint for products (`products/batch`) and one per variable product
for its variations (`products/<id>/variations/batch`). Updates for the same product or variation
are merged into one object (stock and price changes of one minute travel together), so a
Delivery Note of 20 simple products is one request, whatever else changed in that minute.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from woocommerce_sync.core.client import MAX_BATCH
from woocommerce_sync.core.product_matching import ProductKey


@dataclass
class ProductUpdate:
	"""Fields to set on one product or variation, and the ERPNext item it came from."""

	product_id: int
	variation_id: int
	item_code: str
	fields: dict[str, Any] = field(default_factory=dict)

	@property
	def key(self) -> ProductKey:
		return (self.product_id, self.variation_id)

	@property
	def endpoint(self) -> str:
		if self.variation_id:
			return f"products/{self.product_id}/variations"
		return "products"

	def payload(self) -> dict[str, Any]:
		return {"id": self.variation_id or self.product_id, **self.fields}


@dataclass
class Batch:
	endpoint: str
	updates: list[ProductUpdate]

	def payload(self) -> dict[str, list[dict]]:
		return {"update": [update.payload() for update in self.updates]}


def merge(updates: Iterable[ProductUpdate]) -> list[ProductUpdate]:
	"""One update per product/variation; later fields win, first-seen order is kept."""
	merged: dict[ProductKey, ProductUpdate] = {}
	for update in updates:
		if not update.fields:
			continue
		if update.key in merged:
			merged[update.key].fields.update(update.fields)
		else:
			merged[update.key] = ProductUpdate(
				update.product_id, update.variation_id, update.item_code, dict(update.fields)
			)
	return list(merged.values())


def plan_batches(updates: Iterable[ProductUpdate], size: int = MAX_BATCH) -> list[Batch]:
	"""Merged updates split per endpoint into batches of at most `size` objects."""
	if not 1 <= size <= MAX_BATCH:
		raise ValueError(f"a WooCommerce batch holds 1 to {MAX_BATCH} objects, not {size}")
	by_endpoint: dict[str, list[ProductUpdate]] = {}
	for update in merge(updates):
		by_endpoint.setdefault(update.endpoint, []).append(update)
	return [
		Batch(endpoint, chunk[start : start + size])
		for endpoint, chunk in by_endpoint.items()
		for start in range(0, len(chunk), size)
	]


def chunks(values: list, size: int = MAX_BATCH) -> Iterable[list]:
	"""Consecutive slices of at most `size`: item codes read per query, ids per request."""
	for start in range(0, len(values), size):
		yield values[start : start + size]
