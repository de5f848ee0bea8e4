"""A WooCommerce product pulled in as an Item (a template with variants for a variable product),
when asked: from the settings form, `bench woocommerce pull-product`, Map Existing Products'
*Create Items*, or by the order import meeting a variation of a product no template pairs. The
Item is paired with the product and sold on the store (the import: as the store's *Items paired
by orders are sold on this store* says). A template paired earlier only gets the variants of
variations it lacks.
"""

from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import flt

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import MANAGER_ROLES
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError
from woocommerce_sync.core.prices import from_store_price
from woocommerce_sync.manual_access import ITEM_MAKING, check_documents, check_store
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.products.export import DIMENSIONS
from woocommerce_sync.products.links import describe, link_item, mark_sold, store_links
from woocommerce_sync.products.new_items import new_item_defaults
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
	"""A WooCommerce product as an Item, paired (and, with `sell`, sold) on the store; a no-op for
	a product already paired, except that a paired template gets the variants it lacks. The
	store's field mapping fills each new Item; `note` gets what it could not (default: shown to
	the user)."""

	def __init__(
		self,
		settings,
		client: WooCommerceClient,
		sell: bool = True,
		note: Callable[[str], None] | None = None,
	):
		self.settings = settings
		self.store = settings.name
		self.client = client
		self.sell = sell
		self.links = store_links(self.store)
		self.rules = FieldRules(settings, note or frappe.msgprint)

	def make(self, product: dict) -> str:
		if product.get("type") == "variable":
			return self.make_template(product)
		key = (int(product["id"]), 0)
		if key in self.links:
			return self.links[key]
		return self.make_item(product, self.code(product), key, sell=self.sell)

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

	def make_item(
		self, product: dict, item_code: str, key: tuple[int, int], sell: bool = False, **extra
	) -> str:
		refuse_existing(self.store, item_code, key)
		item = frappe.get_doc(
			{**self.base(product, str(product.get("name") or item_code)), "item_code": item_code, **extra}
		)
		self.rules.apply("Product", product, {"Item": item}, _("product {0}").format(key[0]))
		item.flags.from_woocommerce = True
		item.insert(ignore_permissions=True)
		link_item(item.name, self.store, *key, sell=sell)
		self.set_price(item.name, product)
		return item.name

	def make_template(self, product: dict, variations: list[dict] | None = None) -> str:
		"""The template (unless paired already) with the product's variation attributes, and a
		variant for each variation no Item pairs; sold once its variants exist, so that their
		stock and prices are noted for the push."""
		key = (int(product["id"]), 0)
		if variations is None:
			variations = list(self.client.iter_all(f"products/{product['id']}/variations"))
		attributes = variation_attributes(product)
		for attribute in attributes:
			ensure_attribute(attribute["name"], attribute.get("options") or [])
		template = self.links.get(key) or self.make_item(
			product,
			self.code(product),
			key,
			has_variants=1,
			attributes=[{"attribute": a["name"]} for a in attributes],
		)
		for variation in variations:
			if (key[0], int(variation["id"])) not in self.links:
				self.make_variant(template, product, variation)
		if self.sell:
			mark_sold(self.store, [template])
		return template

	def make_variation(self, product: dict, variation_id: int) -> str | None:
		"""The Item of one variation of a variable product (the order import's case): a variant
		of the template paired with the product, or the whole template made first. None when
		Items with the template's or its variants' codes exist already: making the template
		would clash with them, and turning them into variants is an explicit action."""
		key = (int(product["id"]), 0)
		if key in self.links:
			variation = self.client.get(f"products/{key[0]}/variations/{int(variation_id)}")
			return self.make_variant(self.links[key], product, variation)
		variations = list(self.client.iter_all(f"products/{key[0]}/variations"))
		codes = [self.code(product), *(self.code(v, product) for v in variations)]
		if frappe.get_all("Item", filters={"name": ("in", codes)}, limit=1):
			return None
		self.make_template(product, variations)
		return self.links.get((key[0], int(variation_id)))

	def make_variant(self, template: str, product: dict, variation: dict) -> str:
		from erpnext.controllers.item_variant import create_variant

		key = (int(product["id"]), int(variation["id"]))
		chosen = {a["name"]: a["option"] for a in variation.get("attributes") or []}
		for name, value in chosen.items():
			ensure_attribute(name, [value])  # an option added in the shop after the template
		variant = create_variant(
			template, {a["name"]: chosen.get(a["name"]) for a in variation_attributes(product)}
		)
		variant.item_code = self.code(variation, product)
		refuse_existing(self.store, variant.item_code, key)
		variant.update(
			{
				k: v
				for k, v in self.base(variation, variant.item_name).items()
				if k.startswith(("weight", "woocommerce_"))
			}
		)
		subject = _("variation {0} of product {1}").format(key[1], key[0])
		self.rules.apply("Variation", variation, {"Item": variant}, subject)
		variant.flags.from_woocommerce = True
		variant.insert(ignore_permissions=True)
		link_item(variant.name, self.store, *key, sell=False)
		self.links[key] = variant.name
		self.set_price(variant.name, variation)
		return variant.name

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


def variation_attributes(product: dict) -> list[dict]:
	"""The attributes a variable product's variations differ by (others only describe it)."""
	return [a for a in product.get("attributes") or [] if a.get("variation")]


def refuse_existing(store: str, item_code: str, key: tuple[int, int]) -> None:
	if frappe.db.exists("Item", item_code):
		frappe.throw(
			_("Store {0}: an Item {1} already exists for {2}; pair them with Map Existing Products.").format(
				store, frappe.bold(item_code), describe(*key)
			)
		)


def ensure_attribute(name: str, values: list[str]) -> None:
	"""An Item Attribute with these values (WooCommerce's custom attributes have no ERPNext twin)."""
	attribute = (
		frappe.get_doc("Item Attribute", name)
		if frappe.db.exists("Item Attribute", name)
		else frappe.get_doc({"doctype": "Item Attribute", "attribute_name": name})
	)
	known = {row.attribute_value for row in attribute.item_attribute_values}
	abbrs = {row.abbr for row in attribute.item_attribute_values}
	missing = [value for value in dict.fromkeys(values) if value not in known]
	if not missing and not attribute.is_new():
		return
	for value in missing:
		abbr = value.upper().replace(" ", "")[:10]
		while abbr in abbrs:
			abbr = f"{abbr[:8]}{len(abbrs)}"
		abbrs.add(abbr)
		attribute.append("item_attribute_values", {"attribute_value": value, "abbr": abbr})
	attribute.save(ignore_permissions=True)
