"""Items as WooCommerce products: created when missing, kept up to date.

An Item sold on a store (its *Sell on WooCommerce Stores*) and not yet paired is first looked up
by SKU in the shop (an existing product is paired, not duplicated), else created with its name,
SKU (the store's match field), description, price, weight, dimensions, stock and the store's
status for new products. Later changes of the Item are pushed with the fields the store chose.
A template Item becomes a variable product and its variants the variations. The other way
round is products/pull.py.

An export never sends the stock or prices of a product that exists: it may run in a worker
while a movement commits and the minute push sends the newer quantity, and its older reading
would then win. It notes the Item for the minute push instead (the one writer, push.py), which
sends what ERPNext has after the export commits.
"""

import frappe
from frappe import _
from frappe.utils import flt

from woocommerce_sync import jobs
from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import EXPORT_JOB, ITEM_ROLES, SELL_ON_FIELD, SETTINGS
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError
from woocommerce_sync.manual_access import check_store
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.products.categories import product_categories
from woocommerce_sync.products.image_push import ImagePush, pushes_images
from woocommerce_sync.products.links import (
	describe,
	link_item,
	note_for_push,
	store_links,
	stores_selling,
)
from woocommerce_sync.products.prices import price_updates
from woocommerce_sync.products.stock import stock_updates
from woocommerce_sync.runs import SyncRun, sync_run

DIMENSIONS = ("length", "width", "height")
WATCHED_FIELDS = (
	"item_name",
	"image",
	"description",
	"weight_per_unit",
	*(f"woocommerce_{d}" for d in DIMENSIONS),
)


# Entry points ----------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def sync_item(item_code: str) -> list[dict]:
	"""The Item's Sync to WooCommerce: create or update it in every store it is sold on, now."""
	frappe.only_for(ITEM_ROLES)
	frappe.get_doc("Item", item_code).check_permission("write")
	stores = stores_selling(item_code)
	if not stores:
		frappe.throw(
			_(
				"Item {0} is not sold on any WooCommerce store: choose stores in its Sell on WooCommerce Stores."
			).format(frappe.bold(item_code))
		)
	for store in stores:
		check_store(store)
	results = []
	for store in stores:
		run = export_item(item_code, store, "Manual")
		results.append(
			{
				"store": store,
				"sync_log": run.name,
				"counts": run.counts,
				"failures": run.failures,
				"notes": run.notes,
			}
		)
	return results


def on_item_update(doc, method=None) -> None:
	"""Queue the export of an Item sold on a store when it is new or a pushed field changed."""
	if doc.flags.from_woocommerce or not (doc.get(SELL_ON_FIELD) or doc.variant_of):
		return  # made from the shop's product, or sold on no store
	template = doc.variant_of or doc.name
	stores = stores_selling(doc.name)
	if not stores or not _changed(doc):
		return
	for store in stores:
		jobs.enqueue(
			"woocommerce_sync.products.export.export_item",
			jobs.job_id(EXPORT_JOB, store, template),
			item_code=template,
			store=store,
			trigger="Scheduler",
		)


def _changed(doc) -> bool:
	before = doc.get_doc_before_save()
	if before is None:
		return True
	return _stores(before) != _stores(doc) or any(before.get(f) != doc.get(f) for f in WATCHED_FIELDS)


def _stores(item) -> set[str]:
	return {row.woocommerce_server for row in item.get(SELL_ON_FIELD) or []}


def export_item(item_code: str, store: str, trigger: str = "Manual") -> SyncRun:
	"""Create or update one Item (a variant: its template and all its variants) in one store."""
	settings = frappe.get_doc(SETTINGS, store)
	item = frappe.get_doc("Item", item_code)
	if item.variant_of:
		item = frappe.get_doc("Item", item.variant_of)
	with sync_run(store, trigger, f"export of Item {item.name}") as run:
		run.note(_("Export of Item {0}.").format(item.name))
		try:
			with get_client(settings) as client:
				Exporter(settings, client, run).export(item)
		except Exception as exc:
			# The Item failed, not the run: the Sync Log lists it like a refused product of a batch.
			frappe.db.rollback()
			run.fail(
				item.name,
				explain(exc)
				if isinstance(exc, WooCommerceError)
				else _("Store {0}, Item {1}: {2}").format(store, item.name, exc),
				reference=("Item", item.name),
			)
	return run


# ERPNext -> WooCommerce ------------------------------------------------------------------------


class Exporter:
	def __init__(self, settings, client: WooCommerceClient, run: SyncRun):
		self.settings = settings
		self.store = settings.name
		self.client = client
		self.run = run
		self.rules = FieldRules(settings, run.note)
		self.links = store_links(self.store)
		self.by_item = {code: key for key, code in self.links.items()}
		self.images = ImagePush(self.store, run) if pushes_images(settings) else None

	def export(self, item) -> None:
		if item.has_variants:
			self.export_template(item)
		else:
			self.export_simple(item)
		note_for_push(self.store, [item.name])
		self.run.note(_("Stock and prices follow with the minute push."))
		frappe.db.commit()

	def sku(self, item) -> str:
		return str(item.get(self.settings.product_match_field or "item_code") or item.name)

	def export_simple(self, item) -> None:
		key = self.by_item.get(item.name)
		if key is None:
			found = self.client.get("products", {"sku": self.sku(item)})
			if found:
				key = _key(found[0])
				link_item(item.name, self.store, *key)
				self.run.note(
					_("Item {0} paired with the shop's {1} by SKU.").format(item.name, describe(*key))
				)
			else:
				created = self.send(self.client.post, "products", self.new_product(item, "simple"), item.name)
				link_item(item.name, self.store, int(created["id"]), 0)
				self.run.count("created")
				return
		endpoint = f"products/{key[0]}/variations/{key[1]}" if key[1] else f"products/{key[0]}"
		self.send(self.client.put, endpoint, self.details(item, variation=bool(key[1])), item.name)
		self.run.count("updated")

	def send(self, call, endpoint: str, fields: dict, item_code: str) -> dict:
		"""Create or update one product; when the store refuses its images (a src it cannot
		download), the rest is sent again without them and the Item's failure says why."""
		try:
			answer = call(endpoint, fields)
		except WooCommerceError as exc:
			if not (
				self.images and {"images", "image"} & set(fields) and self.images.refused(item_code, exc)
			):
				raise
			answer = call(endpoint, {k: v for k, v in fields.items() if k not in ("images", "image")})
		if self.images:
			self.images.remember(item_code, answer)
		return answer

	def export_template(self, template) -> None:
		variants = frappe.get_all(
			"Item", filters={"variant_of": template.name, "disabled": 0}, pluck="name", order_by="name"
		)
		options = variant_options(variants)
		attributes = [
			{
				"name": row.attribute,
				"options": options.get(row.attribute, []),
				"variation": True,
				"visible": True,
			}
			for row in template.attributes
		]
		key = self.by_item.get(template.name)
		if key is None:
			found = self.client.get("products", {"sku": self.sku(template)})
			if found:
				key = (int(found[0]["id"]), 0)
				self.send(
					self.client.put,
					f"products/{key[0]}",
					{**self.details(template), "attributes": attributes},
					template.name,
				)
				self.run.count("updated")
			else:
				created = self.send(
					self.client.post,
					"products",
					{**self.new_product(template, "variable"), "attributes": attributes},
					template.name,
				)
				key = (int(created["id"]), 0)
				self.run.count("created")
			link_item(template.name, self.store, *key)
		else:
			self.send(
				self.client.put,
				f"products/{key[0]}",
				{**self.details(template), "attributes": attributes},
				template.name,
			)
			self.run.count("updated")
		self.export_variants(key[0], [frappe.get_doc("Item", code) for code in variants])

	def export_variants(self, product_id: int, variants: list) -> None:
		existing = {
			str(v.get("sku") or "").casefold(): int(v["id"])
			for v in self.client.iter_all(f"products/{product_id}/variations")
		}
		create, update, created_for, updated_for = [], [], [], {}
		for variant in variants:
			key = self.by_item.get(variant.name)
			if key is None and self.sku(variant).casefold() in existing:
				key = (product_id, existing[self.sku(variant).casefold()])
				link_item(variant.name, self.store, *key)
			if key is None:
				create.append(
					{
						**self.new_product(variant, None),
						"attributes": [
							{"name": row.attribute, "option": row.attribute_value}
							for row in variant.attributes
						],
					}
				)
				created_for.append(variant.name)
			else:
				update.append({"id": key[1], **self.details(variant, variation=True)})
				updated_for[key[1]] = variant.name
		update = [fields for fields in update if len(fields) > 1]  # nothing but the id: nothing to send
		if not create and not update:
			return
		answer = self.client.batch(f"products/{product_id}/variations", create=create, update=update)
		for item_code, made in zip(created_for, answer.get("create", []), strict=False):
			if made.get("error") and self.images and self.images.refused(item_code, made["error"]):
				continue
			if made.get("error"):
				self.run.fail(
					item_code,
					_("Store {0}, Item {1}: {2}").format(self.store, item_code, made["error"].get("message")),
					reference=("Item", item_code),
				)
				continue
			link_item(item_code, self.store, product_id, int(made["id"]))
			if self.images:
				self.images.remember(item_code, made)
			self.run.count("created")
		for made in answer.get("update", []):
			item_code = updated_for.get(int(made.get("id") or 0), "")
			if made.get("error") and self.images and self.images.refused(item_code, made["error"]):
				continue
			if made.get("error"):
				self.run.fail(describe(product_id, made.get("id")), str(made["error"].get("message")))
			else:
				if self.images:
					self.images.remember(item_code, made)
				self.run.count("updated")

	def new_product(self, item, product_type: str | None) -> dict:
		"""A product (or, without a type, a variation) as WooCommerce should first see it."""
		fields = {**self.details(item, variation=product_type is None, creating=True), "sku": self.sku(item)}
		if product_type:
			fields.update(type=product_type, status=self.settings.new_product_status or "draft")
		if product_type != "variable":
			if self.settings.sync_stock and item.is_stock_item:
				fields["manage_stock"] = True
			fields.update(self.live_fields(item, (0, 0)))
		return fields

	def details(self, item, variation: bool = False, creating: bool = False) -> dict:
		"""Name, description, weight and dimensions, as far as the store pushes them; the category;
		what the store's field mapping exports (last: a rule wins)."""
		settings, fields = self.settings, {}
		if not variation and (creating or settings.push_product_name):
			fields["name"] = item.item_name
		categories = None if variation else product_categories(settings, item.item_group)
		if categories:
			fields["categories"] = categories  # the Item's group's category, where ERPNext is the master
		if creating or settings.push_description:
			fields["description"] = item.description or ""
		if creating or settings.push_weight_and_dimensions:
			fields["weight"] = _number(item.weight_per_unit)
			fields["dimensions"] = {d: _number(item.get(f"woocommerce_{d}")) for d in DIMENSIONS}
		if self.images:
			fields.update(self.images.fields(item.name, variation))  # only what changed since last sent
		source = "Variation" if variation else "Product"
		self.rules.export(source, {"Item": item}, fields, _("Item {0}").format(item.name))
		return fields

	def live_fields(self, item, key: tuple[int, int]) -> dict:
		"""Stock and prices of a product being created, computed exactly as the minute push does
		(a creation overwrites no newer reading: the push finds the product only once it exists)."""
		row = frappe._dict(
			item_code=item.name,
			product_id=key[0],
			variation_id=key[1],
			is_stock_item=item.is_stock_item,
			has_variants=item.has_variants,
			stock_uom=item.stock_uom,
		)
		fields: dict = {}
		updates = stock_updates(self.settings, [row]) if self.settings.sync_stock else []
		for update in updates + price_updates(self.settings, [row]):
			fields.update(update.fields)
		return fields


def variant_options(variants: list[str]) -> dict[str, list[str]]:
	"""Attribute -> the values the variants use, in the attribute's order."""
	options: dict[str, list[str]] = {}
	for row in frappe.get_all(
		"Item Variant Attribute",
		filters={"parenttype": "Item", "parent": ("in", variants or [""])},
		fields=["attribute", "attribute_value"],
		order_by="idx",
	):
		values = options.setdefault(row.attribute, [])
		if row.attribute_value not in values:
			values.append(row.attribute_value)
	for attribute, values in options.items():
		# Every variant has its own row 1, so the order is the attribute's own (S, M, L).
		order = frappe.get_all(
			"Item Attribute Value", filters={"parent": attribute}, order_by="idx", pluck="attribute_value"
		)
		position = {value: n for n, value in enumerate(order)}
		values.sort(key=lambda value: position.get(value, len(position)))
	return options


def _key(product: dict) -> tuple[int, int]:
	"""A SKU look-up answers variations too (WooCommerce searches both): pair those as such."""
	if product.get("type") == "variation" or product.get("parent_id"):
		return (int(product["parent_id"]), int(product["id"]))
	return (int(product["id"]), 0)


def _number(value) -> str:
	return f"{flt(value):g}" if flt(value) else ""
