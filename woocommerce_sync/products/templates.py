"""Map Existing Products' *Build templates from variation Items*: standalone Items paired with
(or matching) the variations of a variable product become variants of a new template.

An earlier order import made WS-TEE-S, WS-TEE-M and WS-TEE-L as three unrelated Items; the store's
WS-TEE has no template in ERPNext. This builds the template WS-TEE with the product's variation
attributes (Item Attribute and values), turns each of those Items into its variant with the
variation's attribute values, makes variants for variations no Item has, and pairs them all.
It only runs when asked, and its dry run lists what would change.

Item codes keep their meaning: WS-TEE-S stays WS-TEE-S, with its stock, ledger and orders; it
only gains *Variant Of* WS-TEE and its Size. ERPNext refuses to change *Variant Of* by a save
once an Item has stock transactions (its guard against templates holding stock); a variant may
hold stock, so the variant's fields are written directly, after the checks ERPNext's variant
validation makes (one stock UOM for template and variants, values of the template's attributes).
"""

import frappe
from frappe import _

from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.product_matching import ProductKey, StoreProduct
from woocommerce_sync.products.links import link_item, store_links
from woocommerce_sync.products.pull import ItemMaker, ensure_attribute, variation_attributes
from woocommerce_sync.runs import SyncRun


def build_templates(
	run: SyncRun,
	settings,
	client: WooCommerceClient,
	catalogue: list[tuple[StoreProduct, dict]],
	paired: dict[ProductKey, str],
	dry_run: bool,
) -> set[int]:
	"""For each variable product no template pairs: plan, then (unless a dry run) build.
	Returns the ids of the products it reported on (built, would build, or could not)."""
	store = settings.name
	variations: dict[int, list[tuple[StoreProduct, dict]]] = {}
	for product, data in catalogue:
		if product.variation_id:
			variations.setdefault(product.product_id, []).append((product, data))
	maker = ItemMaker(settings, client, note=run.note)
	handled: set[int] = set()
	for product, data in catalogue:
		if product.type != "variable" or product.key in paired:
			continue
		rows = [(v, d, paired.get(v.key)) for v, d in variations.get(product.product_id, [])]
		if not any(code for _v, _d, code in rows):
			continue  # nothing to build from; Create Items makes the whole template
		handled.add(product.product_id)
		template_code = maker.code(data)
		reason = refusal(data, template_code, rows)
		if reason:
			run.fail(
				product.label,
				_("Store {0}: no template was built for {1}: {2}.").format(store, product.label, reason),
			)
			continue
		summary = ", ".join(f"{code or _('new')} ({values_text(d)})" for _v, d, code in rows)
		if dry_run:
			run.count("created")
			run.note(
				_("Would build template {0} for {1}, with variants {2}; item codes stay.").format(
					template_code, product.label, summary
				)
			)
			continue
		try:
			full = client.get(f"products/{product.product_id}")
			listed = {int(v["id"]): v for v in client.iter_all(f"products/{product.product_id}/variations")}
			build(maker, full, template_code, [(v, listed.get(v.variation_id, d), c) for v, d, c in rows])
			frappe.db.commit()
		except Exception as exc:
			frappe.db.rollback()
			maker.links = store_links(store)
			run.fail(
				product.label,
				_("Store {0}: the template for {1} could not be built: {2}").format(
					store, product.label, exc
				),
			)
			continue
		run.count("created")
		run.note(
			_("Template {0} built for {1}, with variants {2}.").format(template_code, product.label, summary)
		)
	return handled


def refusal(product: dict, template_code: str, rows: list) -> str | None:
	"""Why the template cannot be built from these Items, or None."""
	if frappe.db.exists("Item", template_code):
		return _("an Item {0} exists already and is not a template paired with it").format(template_code)
	codes = [code for _v, _d, code in rows if code]
	items = frappe.get_all(
		"Item", filters={"name": ("in", codes)}, fields=["name", "variant_of", "has_variants", "stock_uom"]
	)
	for item in items:
		if item.variant_of or item.has_variants:
			return _("Item {0} is a template or a variant already").format(item.name)
	if len({item.stock_uom for item in items}) > 1:
		return _("Items {0} have different stock UOMs; a template's variants share one").format(
			", ".join(codes)
		)
	names = [a["name"] for a in variation_attributes(product)]
	if not names:
		return _("the product has no attribute used for variations")
	for _v, data, _code in rows:
		chosen = dict(variation_values(data))
		if any(not chosen.get(name) for name in names):
			return _("variation {0} has no value for {1}").format(data.get("id"), ", ".join(names))
	return None


def build(maker: ItemMaker, product: dict, template_code: str, rows: list) -> str:
	"""Template first (with the Items' stock UOM), then the existing Items as its variants, then
	ItemMaker's own variants for the rest; ItemMaker pairs and marks the template sold."""
	key = (int(product["id"]), 0)
	attributes = variation_attributes(product)
	for attribute in attributes:
		ensure_attribute(attribute["name"], attribute.get("options") or [])
	existing = [code for _v, _d, code in rows if code]
	uom = frappe.db.get_value("Item", existing[0], "stock_uom")
	template = maker.make_item(
		product,
		template_code,
		key,
		has_variants=1,
		attributes=[{"attribute": a["name"]} for a in attributes],
		stock_uom=uom,
	)
	maker.links[key] = template
	names = [a["name"] for a in attributes]
	for variation, data, code in rows:
		if not code:
			continue
		chosen = dict(variation_values(data))
		for name in names:
			ensure_attribute(name, [chosen[name]])
		make_variant_of(code, template, [(name, chosen[name]) for name in names])
		if variation.key not in store_links(maker.store, [variation.product_id]):
			link_item(code, maker.store, *variation.key)
		maker.links[variation.key] = code
	return maker.make_template(product, [data for _v, data, _code in rows])


def make_variant_of(item_code: str, template: str, values: list[tuple[str, str]]) -> None:
	"""Variant Of and the attribute rows, written as ERPNext's variant has them."""
	frappe.db.delete("Item Variant Attribute", {"parenttype": "Item", "parent": item_code})
	for idx, (attribute, value) in enumerate(values, 1):
		frappe.get_doc(
			{
				"doctype": "Item Variant Attribute",
				"parent": item_code,
				"parenttype": "Item",
				"parentfield": "attributes",
				"idx": idx,
				"attribute": attribute,
				"attribute_value": value,
				"variant_of": template,
			}
		).db_insert()
	frappe.db.set_value("Item", item_code, {"variant_of": template, "variant_based_on": "Item Attribute"})
	frappe.clear_document_cache("Item", item_code)


def variation_values(variation: dict) -> list[tuple[str, str]]:
	return [(str(a.get("name")), str(a.get("option") or "")) for a in variation.get("attributes") or []]


def values_text(variation: dict) -> str:
	return ", ".join(f"{name} {value}" for name, value in variation_values(variation))
