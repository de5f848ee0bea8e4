"""Map Existing Products: pair every product and variation of a store with an Item by SKU.

Reads the whole catalogue (100 products per request, plus the variations of each variable
product), looks the SKUs up in the store's match field (one query per 500 SKUs), and pairs what
`core.product_matching` decides; paired Items are marked sold on the store. Store products left
unpaired are listed with the reason in the Sync Log's failures, ERPNext sales Items left
unpaired in its notes. Nothing is created unless asked (`create_items`: an Item for each store
product no Item matches). A dry run pairs nothing and says what it would do.

Two more things only when asked, because they change Items an owner already has:
`mark_sold` (*Mark every paired Item sold*) adds the store to the Sell on WooCommerce Stores of
every Item paired earlier but not sold there (the order import's pairs before the store's *Items
paired by orders are sold on this store*); the dry run counts them. `build_templates` (*Build
templates from variation Items*) makes the template of a variable product from the standalone
Items of its variations (products/templates.py); the dry run lists what would change.
"""

from collections.abc import Iterator

import frappe
from frappe import _

from woocommerce_sync import jobs
from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import MANAGER_ROLES, MAP_PRODUCTS_JOB, SETTINGS
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError
from woocommerce_sync.core.product_batch import chunks
from woocommerce_sync.core.product_matching import (
	ItemCandidate,
	StoreProduct,
	plan_mapping,
	product_from_json,
)
from woocommerce_sync.manual_access import ITEM_MAKING, check_documents, check_store
from woocommerce_sync.products.links import link_item, mark_sold, sold_links, store_links
from woocommerce_sync.products.pull import ItemMaker
from woocommerce_sync.products.templates import build_templates as build_templates_from_items
from woocommerce_sync.runs import SyncRun, sync_run

FIELDS = "id,type,sku,name,attributes,variations,parent_id"
LISTED_ITEMS = 100
NOT_FOUND_PREFIXES = ("no Item matches SKU", "it has no SKU")


@frappe.whitelist(methods=["POST"])
def map_existing_products(
	store: str,
	create_items: bool = False,
	dry_run: bool = False,
	mark_sold: bool = False,
	build_templates: bool = False,
) -> dict:
	"""The settings form's Map Existing Products, queued on the long queue."""
	frappe.only_for(MANAGER_ROLES)
	check_store(store)
	making = frappe.utils.sbool(create_items) or frappe.utils.sbool(build_templates)
	if not frappe.utils.sbool(dry_run):
		check_documents(store, ITEM_MAKING if making else [("Item", "write")])
	queued = jobs.enqueue(
		"woocommerce_sync.products.mapping.map_products",
		jobs.job_id(MAP_PRODUCTS_JOB, store),
		timeout=jobs.HOUR,
		store=store,
		trigger="Manual",
		create_items=frappe.utils.sbool(create_items),
		dry_run=frappe.utils.sbool(dry_run),
		mark_sold=frappe.utils.sbool(mark_sold),
		build_templates=frappe.utils.sbool(build_templates),
	)
	return {"queued": queued}


def map_products(
	store: str,
	trigger: str = "Manual",
	create_items: bool = False,
	dry_run: bool = False,
	mark_sold: bool = False,
	build_templates: bool = False,
) -> SyncRun:
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, "product mapping", dry_run=dry_run) as run:
		run.note(
			_("Map Existing Products by Item field {0}.").format(settings.product_match_field or "item_code")
		)
		with get_client(settings) as client:
			catalogue = list(iter_store_products(client))
			products = [product for product, _json in catalogue]
			plan = plan_mapping(
				products,
				items_by_value(
					settings.product_match_field or "item_code", [p.sku for p in products if p.sku]
				),
				store_links(store),
				frappe.get_all("Item", filters={"disabled": 0, "is_sales_item": 1}, pluck="name"),
			)
			run.counts["skipped"] = len(plan.already_linked)
			for item_code, product in plan.to_link:
				pair(run, store, item_code, product, dry_run)
			templates_from_items = set()
			if build_templates:
				paired = {**store_links(store), **{p.key: code for code, p in plan.to_link}}
				templates_from_items = build_templates_from_items(
					run, settings, client, catalogue, paired, dry_run
				)
			for product, reason in plan.unmatched_products:
				if product.product_id in templates_from_items:
					continue  # Build templates made it and its variants, or said why not
				if (
					create_items
					and not dry_run
					and reason.startswith(NOT_FOUND_PREFIXES)
					and not product.variation_id
				):
					make_item(run, settings, client, product)
				else:
					run.fail(
						product.label,
						_("Store {0}: {1} was not paired: {2}.").format(store, product.label, reason),
					)
		report_unmatched_items(run, plan.unmatched_items)
		paired_earlier = [item_code for item_code, _product in plan.already_linked]
		if mark_sold:
			mark_paired_sold(run, store, paired_earlier, dry_run)
		else:
			report_not_sold(run, store, paired_earlier)
	return run


def iter_store_products(client: WooCommerceClient) -> Iterator[tuple[StoreProduct, dict]]:
	"""Every product, and after each variable product its variations."""
	for page in client.iter_pages("products", {"_fields": FIELDS}):
		for product in page:
			yield product_from_json(product), product
			if product.get("type") == "variable" and product.get("variations"):
				for variation in client.iter_all(f"products/{product['id']}/variations", {"_fields": FIELDS}):
					yield product_from_json(variation, product), variation


def items_by_value(field: str, skus: list[str]) -> dict[str, list[ItemCandidate]]:
	"""Items whose match field equals one of the SKUs (case-insensitively, as SKUs are unique)."""
	found: dict[str, list[ItemCandidate]] = {}
	for batch in chunks(sorted(set(skus)), 500):
		for row in frappe.get_all(
			"Item",
			filters={field: ("in", batch), "disabled": 0},
			fields=["name", field, "has_variants"],
		):
			found.setdefault(str(row.get(field)).casefold(), []).append(
				ItemCandidate(row.name, bool(row.has_variants))
			)
	return found


def pair(run: SyncRun, store: str, item_code: str, product: StoreProduct, dry_run: bool) -> None:
	if dry_run:
		run.count("created")
		return
	try:
		link_item(item_code, store, product.product_id, product.variation_id)
		frappe.db.commit()
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		frappe.db.rollback()
		run.fail(
			product.label,
			_("Store {0}: {1} was paired with another Item meanwhile (an order import?).").format(
				store, product.label
			),
			reference=("Item", item_code),
		)
		return
	run.count("created")


def make_item(run: SyncRun, settings, client: WooCommerceClient, product: StoreProduct) -> None:
	try:
		full = client.get(f"products/{product.product_id}")
		item_code = ItemMaker(settings, client, note=run.note).make(full)
		frappe.db.commit()
	except Exception as exc:
		frappe.db.rollback()
		message = explain(exc) if isinstance(exc, WooCommerceError) else str(exc)
		run.fail(
			product.label,
			_("Store {0}: no Item could be made for {1}: {2}").format(settings.name, product.label, message),
		)
		return
	run.count("created")
	run.note(_("Item {0} made from {1}.").format(item_code, product.label))


def report_unmatched_items(run: SyncRun, item_codes: list[str]) -> None:
	if not item_codes:
		return
	shown = ", ".join(item_codes[:LISTED_ITEMS])
	more = len(item_codes) - LISTED_ITEMS
	run.note(
		_("{0} sales Items have no product in this store: {1}").format(len(item_codes), shown)
		+ (_(" and {0} more").format(more) if more > 0 else "")
	)


def idle_items(store: str, paired: list[str]) -> list[str]:
	"""Of these paired Items, those not sold on the store (nor through their template)."""
	sold = {link.item_code for link in sold_links(store)}
	return sorted(code for code in paired if code not in sold)


def mark_paired_sold(run: SyncRun, store: str, paired: list[str], dry_run: bool) -> None:
	"""*Mark every paired Item sold*: the dry run counts them, the run marks them in batches."""
	idle = idle_items(store, paired)
	shown = ", ".join(idle[:LISTED_ITEMS]) + (
		_(" and {0} more").format(len(idle) - LISTED_ITEMS) if len(idle) > LISTED_ITEMS else ""
	)
	if dry_run:
		run.note(_("Would mark {0} paired Items sold on this store: {1}").format(len(idle), shown))
		return
	marked = mark_sold(store, idle)
	frappe.db.commit()
	run.counts["updated"] += len(marked)
	run.note(
		_(
			"Marked {0} paired Items sold on this store; their stock and prices follow with the minute push: {1}"
		).format(len(marked), shown)
	)


def report_not_sold(run: SyncRun, store: str, paired: list[str]) -> None:
	"""Items paired earlier (e.g. by the order import) but not ticked as sold on the store get no
	stock or price updates; say so rather than tick them behind the owner's back."""
	idle = idle_items(store, paired)
	if idle:
		shown = ", ".join(idle[:LISTED_ITEMS])
		more = len(idle) - LISTED_ITEMS
		run.note(
			_(
				"{0} Items are paired with this store's products but not marked sold on it, so their stock "
				"and prices are not pushed; run Map Existing Products with Mark every paired Item sold, or "
				"tick the store in their Sell on WooCommerce Stores: {1}"
			).format(len(idle), shown)
			+ (_(" and {0} more").format(more) if more > 0 else "")
		)
