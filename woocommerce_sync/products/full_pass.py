"""The hourly full pass: every paired Item sold on a store, compared with the shop, drift fixed.

Pushes made each minute can be missed (a worker down, the shop down, a quantity changed by hand
in WooCommerce, a Sales Order closed). This pass reads the store's paired products by id (100
per request, plus one listing per variable product for its variations), compares stock and
prices with ERPNext and pushes only what differs, in batches of 100. Products that no longer
exist in the shop, or whose "Manage stock" is off, are reported in the Sync Log. With prices
flowing from WooCommerce, this is also when the shop's prices are written to the price lists.

ERPNext's quantities and prices are read and pushed holding the store's writer lock (push.py's
`store_writer`), so a minute push never lands between this pass's read and its write; a
movement committed after the read waits in the queue for the next minute push.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from woocommerce_sync import jobs
from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import FULL_PASS_JOB, MANAGER_ROLES, SETTINGS, STOCK_OPERATION
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.money import to_decimal
from woocommerce_sync.core.product_batch import ProductUpdate
from woocommerce_sync.core.stock import differs
from woocommerce_sync.manual_access import PRICE_PULLING, check_documents, check_store
from woocommerce_sync.products.links import describe, sold_links
from woocommerce_sync.products.prices import price_updates, pull_prices, pulls_prices, pushes_prices
from woocommerce_sync.products.push import push_updates, stock_not_managed, store_writer
from woocommerce_sync.products.stock import stock_updates
from woocommerce_sync.runs import SyncRun, sync_run

# A minute push holds the writer for seconds; the pass waits for it rather than skip the hour.
WRITER_WAIT_SECONDS = 300
FIELDS = (
	"id,type,sku,name,status,manage_stock,stock_quantity,regular_price,sale_price,"
	"date_on_sale_from,date_on_sale_to,variations,parent_id"
)


def enqueue_all_stores() -> None:
	"""Hourly: one deduplicated job per enabled store that syncs stock or prices."""
	for store in frappe.get_all(
		SETTINGS, filters={"enabled": 1}, fields=["name", "sync_stock", "regular_price_list"]
	):
		if store.sync_stock or store.regular_price_list:
			enqueue(store.name, "Scheduler")


@frappe.whitelist(methods=["POST"])
def sync_stock_now(store: str) -> dict:
	"""The settings form's Sync Stock and Prices: the full pass, queued."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store)
	if pulls_prices(settings):
		check_documents(store, PRICE_PULLING)
	return {"queued": enqueue(store, "Manual")}


def enqueue(store: str, trigger: str) -> bool:
	"""One full pass per store at a time, whoever asked for it."""
	return jobs.enqueue(
		"woocommerce_sync.products.full_pass.reconcile_store",
		jobs.job_id(FULL_PASS_JOB, store),
		timeout=jobs.HOUR,
		store=store,
		trigger=trigger,
	)


def reconcile_store(store: str, trigger: str = "Scheduler") -> SyncRun:
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, "full stock and price pass", operation=STOCK_OPERATION) as run:
		run.note(_("Full stock and price pass."))
		links = sold_links(store)
		with get_client(settings) as client:
			products = read_products(client, links)
			present = []
			for link in links:
				if (link.product_id, link.variation_id) in products:
					present.append(link)
				else:
					run.fail(
						describe(link.product_id, link.variation_id),
						_(
							"Store {0}: {1}, paired with Item {2}, no longer exists in WooCommerce (deleted or in "
							"the trash). Remove that row from the Item's WooCommerce Products, or run Map Existing "
							"Products again."
						).format(store, describe(link.product_id, link.variation_id), link.item_code),
						reference=("Item", link.item_code),
					)
			pull_prices(settings, present, products, run)
			with store_writer(store, WRITER_WAIT_SECONDS) as writing:
				if not writing:
					frappe.throw(
						_(
							"Store {0}: another stock and price push kept the store busy for {1} seconds; the "
							"full pass runs again within the hour, or press Sync Stock and Prices Now."
						).format(store, WRITER_WAIT_SECONDS)
					)
				updates = []
				if settings.sync_stock:
					updates += stock_drift(store, stock_updates(settings, present), products, run)
				if pushes_prices(settings):
					updates += [
						u for u in price_updates(settings, present) if _price_differs(u, products[u.key])
					]
				push_updates(client, store, run, updates)
		# Paired products that were already right in the shop.
		run.counts["skipped"] = max(len(present) - run.counts["updated"] - run.counts["failed"], 0)
		settings.db_set("last_stock_reconciliation", now_datetime())
	return run


def read_products(client: WooCommerceClient, links: list) -> dict[tuple[int, int], dict]:
	"""The paired products by id (100 per request) and the variations of paired variable products."""
	products: dict[tuple[int, int], dict] = {}
	for product in client.get_by_ids("products", [link.product_id for link in links], {"_fields": FIELDS}):
		products[(int(product["id"]), 0)] = product
	for parent in sorted({link.product_id for link in links if link.variation_id}):
		if (parent, 0) not in products:
			continue
		for variation in client.iter_all(f"products/{parent}/variations", {"_fields": FIELDS}):
			products[(parent, int(variation["id"]))] = variation
	return products


def stock_drift(
	store: str, updates: list[ProductUpdate], products: dict, run: SyncRun
) -> list[ProductUpdate]:
	"""Only the quantities that differ from the shop; products not managing stock are reported."""
	drifted = []
	for update in updates:
		product = products[update.key]
		if not product.get("manage_stock"):
			run.fail(
				describe(*update.key), stock_not_managed(store, update), reference=("Item", update.item_code)
			)
		elif differs(product.get("stock_quantity"), update.fields["stock_quantity"]):
			drifted.append(update)
	return drifted


def _price_differs(update: ProductUpdate, product: dict) -> bool:
	"""Prices compared as amounts ("10" is "10.00"), sale dates by day."""
	for field, wanted in update.fields.items():
		current = product.get(field) or ""
		if field.startswith("date_on_sale"):
			same = str(current)[:10] == str(wanted)[:10]
		else:
			same = _same_amount(current, wanted)
		if not same:
			return True
	return False


def _same_amount(current: object, wanted: object) -> bool:
	if not current or not wanted:
		return (current or "") == (wanted or "")
	try:
		return to_decimal(current) == to_decimal(wanted)
	except ValueError:
		return False
