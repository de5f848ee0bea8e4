"""Items for WooCommerce order lines: by the stored product/variation link, then SKU, else created.

A page of orders is looked up with two queries (links, then item codes); every Item found by
SKU or created gets a WooCommerce Item Link row, whose unique index keeps one Item per product
even when two imports race (the loser rolls back and finds the winner's link).
"""

from collections.abc import Iterable

import frappe

from woocommerce_sync.constants import ITEM_LINK
from woocommerce_sync.core.order_mapping import ItemLineDraft
from woocommerce_sync.core.product_matching import ProductKey
from woocommerce_sync.products.links import store_links


class ItemResolver:
	def __init__(self, settings):
		self.settings = settings
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
			else:
				self.create(line)
		return self.by_product[key]

	def link(self, item_code: str, line: ItemLineDraft) -> None:
		item = frappe.get_doc("Item", item_code)
		item.append(
			"woocommerce_links",
			{
				"woocommerce_server": self.store,
				"woocommerce_product_id": line.product_id,
				"woocommerce_variation_id": line.variation_id,
			},
		)
		item.save(ignore_permissions=True)
		self.by_product[(line.product_id, line.variation_id)] = item_code

	def create(self, line: ItemLineDraft) -> None:
		frappe.get_doc(
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
		).insert(ignore_permissions=True)
		self.by_product[(line.product_id, line.variation_id)] = line.item_code_hint
		self.created.add(line.item_code_hint)


def new_item_defaults(settings) -> dict:
	"""Item group, UOM and stock flag of every Item the app creates for a store. A store that sells
	fractional quantities has a UOM for New Items that allows them (the settings check it)."""
	return {
		"item_group": settings.item_group
		or frappe.db.get_single_value("Stock Settings", "item_group")
		or "All Item Groups",
		"stock_uom": settings.stock_uom or frappe.db.get_single_value("Stock Settings", "stock_uom") or "Nos",
		"is_stock_item": int(bool(settings.create_stock_items)),
		"include_item_in_manufacturing": 0,
	}
