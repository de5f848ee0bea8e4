"""Items for WooCommerce order lines: by the stored product/variation link, then SKU, else created.

A page of orders is looked up with two queries (links, then item codes); every Item found by
SKU or created gets a WooCommerce Item Link row, whose unique index keeps one Item per product
even when two imports race (the loser rolls back and finds the winner's link). With the store's
*Items paired by orders are sold on this store*, each Item paired or created is also sold there,
so its stock and prices are pushed without anyone opening it.

A variation of a variable product that no template pairs, none of whose Items exist yet, is made
from the product (products/pull.py's ItemMaker): a template with the product's attributes and a
variant per variation, all paired. An existing Item with the variation's SKU is paired as it is
(a standalone Item); turning such Items into variants changes what they are, so that is Map
Existing Products' explicit *Build templates from variation Items*.
"""

from collections.abc import Callable, Iterable

import frappe

from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import ITEM_LINK
from woocommerce_sync.core.client import WooCommerceNotFound
from woocommerce_sync.core.order_mapping import ItemLineDraft
from woocommerce_sync.core.product_matching import ProductKey
from woocommerce_sync.products.links import link_item, mark_sold, store_links
from woocommerce_sync.products.new_items import new_item_defaults
from woocommerce_sync.products.pull import ItemMaker


class ItemResolver:
	def __init__(self, settings, note: Callable[[str], None] | None = None):
		self.settings = settings
		self.note = note  # the run's, for what the field mapping of Items made from products says
		self.store = settings.name
		self.by_product: dict[ProductKey, str] = {}
		self.existing_codes: set[str] = set()
		self.created: set[str] = set()  # Items this run made, so a message can tell new from old

	def prefetch(self, lines: Iterable[ItemLineDraft]) -> None:
		"""Read-only: links and SKUs of a page in two queries; linking happens per order."""
		lines = [line for line in lines if (line.product_id, line.variation_id) not in self.by_product]
		if not lines:
			return
		self.by_product.update(store_links(self.store, list({line.product_id for line in lines})))
		hints = list({line.item_code_hint for line in lines})
		self.existing_codes.update(frappe.get_all("Item", filters={"name": ("in", hints)}, pluck="name"))

	def forget(self) -> None:
		"""After a rollback: what this run linked or created may not exist any more."""
		self.by_product.clear()
		self.existing_codes.clear()
		self.created.clear()

	def item_code(self, line: ItemLineDraft) -> str:
		key = (line.product_id, line.variation_id)
		if key not in self.by_product:
			linked = frappe.db.get_value(
				ITEM_LINK,
				{
					"parenttype": "Item",
					"woocommerce_server": self.store,
					"woocommerce_product_id": line.product_id,
					"woocommerce_variation_id": line.variation_id,
				},
				"parent",
			)
			if linked:
				self.by_product[key] = linked
			elif line.item_code_hint in self.existing_codes or frappe.db.exists("Item", line.item_code_hint):
				self.link(line.item_code_hint, line)
			elif not (line.variation_id and self.make_from_product(line)):
				self.create(line)
		return self.by_product[key]

	@property
	def sell(self) -> bool:
		return bool(self.settings.get("sell_items_paired_by_orders"))

	def link(self, item_code: str, line: ItemLineDraft) -> None:
		link_item(item_code, self.store, line.product_id, line.variation_id, sell=self.sell)
		self.by_product[(line.product_id, line.variation_id)] = item_code

	def make_from_product(self, line: ItemLineDraft) -> bool:
		"""A variation of a variable product: its template's variant, the template made if need be.
		A product or variation deleted from the shop since (WooCommerce's own invalid-id answer)
		leaves the line a standalone Item, as before; any other store error fails the order, to be
		retried."""
		try:
			with get_client(self.settings) as client:
				product = client.get(f"products/{line.product_id}")
				if product.get("type") != "variable":
					return False
				item_code = ItemMaker(self.settings, client, sell=self.sell, note=self.note).make_variation(
					product, line.variation_id
				)
		except WooCommerceNotFound as exc:
			if exc.proves_deleted("products") or exc.proves_deleted("variations"):
				return False
			raise
		if item_code:
			self.by_product.update(store_links(self.store, [line.product_id]))
			self.created.add(item_code)
		return bool(item_code)

	def create(self, line: ItemLineDraft) -> None:
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": line.item_code_hint,
				"item_name": (line.parent_name or line.name)[:140] if line.variation_id else line.name[:140],
				"description": line.description,
				**new_item_defaults(self.settings),
				"woocommerce_links": [
					{
						"woocommerce_server": self.store,
						"woocommerce_product_id": line.product_id,
						"woocommerce_variation_id": line.variation_id,
					}
				],
			}
		)
		item.flags.from_woocommerce = True  # the product is the shop's already: nothing to export
		item.insert(ignore_permissions=True)
		if self.sell:
			mark_sold(self.store, [item.name])
		self.by_product[(line.product_id, line.variation_id)] = line.item_code_hint
		self.created.add(line.item_code_hint)
