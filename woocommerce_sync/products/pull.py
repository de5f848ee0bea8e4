"""A WooCommerce product pulled in as an Item (a template with variants for a variable product),
when asked: from the settings form, `bench woocommerce pull-product`, or Map Existing Products'
*Create Items*. The Item is paired with the product and sold on the store.
"""

import frappe
from frappe import _
from frappe.utils import flt

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import MANAGER_ROLES, SELL_ON_FIELD
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError
from woocommerce_sync.core.prices import from_store_price
from woocommerce_sync.manual_access import ITEM_MAKING, check_documents, check_store
from woocommerce_sync.orders.line_items import new_item_defaults
from woocommerce_sync.products.export import DIMENSIONS
from woocommerce_sync.products.links import describe, link_item, store_links
from woocommerce_sync.products.prices import price_rules


@frappe.whitelist(methods=["POST"])
def pull_product(store: str, product_id: int) -> dict:
	"""Make an Item (or a template with its variants) from a WooCommerce product."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store)
	check_documents(store, ITEM_MAKING)
	try:
		with get_client(settings) as client:
			product = client.get(f"products/{int(product_id)}")
			item_code = ItemMaker(settings, client).make(product)
	except WooCommerceError as exc:
		frappe.throw(explain(exc))
	frappe.db.commit()
	return {"item_code": item_code}


class ItemMaker:
	"""A WooCommerce product as an Item, paired and sold on the store; a no-op if already paired."""

	def __init__(self, settings, client: WooCommerceClient):
		self.settings = settings
		self.store = settings.name
		self.client = client
		self.links = store_links(self.store)

	def make(self, product: dict) -> str:
		key = (int(product["id"]), 0)
		if key in self.links:
			return self.links[key]
		if product.get("type") == "variable":
			return self.make_template(product)
		return self.make_item(product, self.code(product), key)

	def code(self, product: dict, parent: dict | None = None) -> str:
		if product.get("sku"):
			return str(product["sku"]).strip()
		if parent:
			return f"WC-{self.store}-{parent['id']}-{product['id']}"
		return f"WC-{self.store}-{product['id']}"

	def base(self, product: dict, name: str) -> dict:
		dimensions = product.get("dimensions") or {}
		return {
			"doctype": "Item",
			**new_item_defaults(self.settings),
			"item_name": name[:140],
			"description": product.get("description") or name,
			"weight_per_unit": flt(product.get("weight")),
			**{f"woocommerce_{d}": flt(dimensions.get(d)) for d in DIMENSIONS},
		}

	def make_item(self, product: dict, item_code: str, key: tuple[int, int], **extra) -> str:
		if frappe.db.exists("Item", item_code):
			frappe.throw(
				_(
					"Store {0}: an Item {1} already exists for {2}; pair them with Map Existing Products."
				).format(self.store, frappe.bold(item_code), describe(*key))
			)
		item = frappe.get_doc(
			{**self.base(product, str(product.get("name") or item_code)), "item_code": item_code, **extra}
		)
		item.append(SELL_ON_FIELD, {"woocommerce_server": self.store})
		item.flags.from_woocommerce = True
		item.insert(ignore_permissions=True)
		link_item(item.name, self.store, *key, sell=False)
		self.set_price(item.name, product)
		return item.name

	def make_template(self, product: dict) -> str:
		variations = list(self.client.iter_all(f"products/{product['id']}/variations"))
		attributes = [a for a in product.get("attributes") or [] if a.get("variation")]
		for attribute in attributes:
			ensure_attribute(attribute["name"], attribute.get("options") or [])
		template = self.make_item(
			product,
			self.code(product),
			(int(product["id"]), 0),
			has_variants=1,
			attributes=[{"attribute": a["name"]} for a in attributes],
		)
		from erpnext.controllers.item_variant import create_variant

		for variation in variations:
			chosen = {a["name"]: a["option"] for a in variation.get("attributes") or []}
			variant = create_variant(template, {a["name"]: chosen.get(a["name"]) for a in attributes})
			variant.item_code = self.code(variation, product)
			variant.update(
				{
					k: v
					for k, v in self.base(variation, variant.item_name).items()
					if k.startswith(("weight", "woocommerce_"))
				}
			)
			variant.flags.from_woocommerce = True
			variant.insert(ignore_permissions=True)
			link_item(variant.name, self.store, int(product["id"]), int(variation["id"]), sell=False)
			self.set_price(variant.name, variation)
		return template

	def set_price(self, item_code: str, product: dict) -> None:
		"""The shop's regular price into the Regular Price List, when the store has one."""
		rate = from_store_price(product.get("regular_price"), price_rules(self.settings))
		if not self.settings.regular_price_list or rate is None:
			return
		frappe.get_doc(
			{
				"doctype": "Item Price",
				"price_list": self.settings.regular_price_list,
				"item_code": item_code,
				"price_list_rate": rate,
			}
		).insert(ignore_permissions=True)


def ensure_attribute(name: str, values: list[str]) -> None:
	"""An Item Attribute with these values (WooCommerce's custom attributes have no ERPNext twin)."""
	attribute = (
		frappe.get_doc("Item Attribute", name)
		if frappe.db.exists("Item Attribute", name)
		else frappe.get_doc({"doctype": "Item Attribute", "attribute_name": name})
	)
	known = {row.attribute_value for row in attribute.item_attribute_values}
	abbrs = {row.abbr for row in attribute.item_attribute_values}
	for value in values:
		if value in known:
			continue
		abbr = value.upper().replace(" ", "")[:10]
		while abbr in abbrs:
			abbr = f"{abbr[:8]}{len(abbrs)}"
		abbrs.add(abbr)
		attribute.append("item_attribute_values", {"attribute_value": value, "abbr": abbr})
	attribute.save(ignore_permissions=True)
