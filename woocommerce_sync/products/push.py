"""Send product updates (stock, prices) to WooCommerce in batches, and the job that runs each minute.

`push_pending` drains the queue of items whose stock or price changed (product_queue), and for
every enabled store pushes the paired Items sold there: one `products/batch` call per 100
products (one `products/<id>/variations/batch` per variable product), whatever mix of stock and
price changes a minute brought. Every answer is checked per product: an error, or a product
whose "Manage stock" is off in WooCommerce (the shop then ignores stock_quantity silently), is
a failure in the Sync Log with what to do, not a silent skip.

One writer per store: the minute push and the hourly full pass send stock and prices only while
holding the store's writer lock, and read ERPNext's quantities and prices after taking it. A
movement committed after a writer's read is noted in the queue, and the queue is drained only by
a push holding the lock later, so the last write is always the newest reading. Exports never send
stock or prices of a product that exists (they note the Item instead). When the lock is taken,
the minute push leaves that store's changes in the queue for the next minute; it never waits.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import frappe
from frappe import _
from redis.exceptions import LockError

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import SETTINGS, STOCK_OPERATION
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError, WooCommerceUnavailable
from woocommerce_sync.core.product_batch import ProductUpdate, plan_batches
from woocommerce_sync.products import queue as product_queue
from woocommerce_sync.products.links import describe, mark_links_synced, sold_links
from woocommerce_sync.products.prices import price_updates, pushes_prices
from woocommerce_sync.products.stock import stock_updates, stock_warehouses
from woocommerce_sync.runs import SyncRun, sync_run

NOTE_LIMIT = 50
# The writer lock expires on its own should its holder die; a full pass of 5,000 products takes
# seconds to a few minutes, far below this.
WRITER_LOCK_SECONDS = 30 * 60


@contextmanager
def store_writer(store: str, wait_seconds: float = 0) -> Iterator[bool]:
	"""Hold the store's stock and price writer lock (yields False when another writer holds it
	after `wait_seconds`). Every process of the site shares it through Redis."""
	lock = frappe.cache.lock(
		frappe.cache.make_key(f"woocommerce_sync:stock_writer:{store}"),
		timeout=WRITER_LOCK_SECONDS,
		blocking_timeout=wait_seconds or None,
	)
	held = lock.acquire(blocking=wait_seconds > 0)
	try:
		yield held
	finally:
		if held:
			try:
				lock.release()
			except LockError:
				pass  # expired: a later writer may already hold it, and reads after us


def push_pending() -> None:
	"""Every minute (scheduler cron): push what changed since the last run, per store."""
	stock = product_queue.take_stock()
	prices = product_queue.take_prices()
	if not stock and not prices:
		return
	for store in frappe.get_all(SETTINGS, filters={"enabled": 1}, pluck="name"):
		settings = frappe.get_doc(SETTINGS, store)
		warehouses = set(stock_warehouses(settings))
		stock_items = (
			{item for item, touched in stock.items() if touched & warehouses}
			if settings.sync_stock
			else set()
		)
		price_items = set(prices) if pushes_prices(settings) else set()
		if not stock_items and not price_items:
			continue
		with store_writer(store) as writing:
			if not writing:  # a full pass is writing this store: these go with the next minute
				product_queue.requeue({item: stock[item] for item in stock_items}, price_items)
				continue
			try:
				push_items(settings, stock_items, price_items, "Scheduler")
			except WooCommerceUnavailable:
				product_queue.requeue({item: stock[item] for item in stock_items}, price_items)
			except WooCommerceError:
				pass  # in the Sync Log already; the hourly full pass pushes everything again
			except Exception:
				frappe.db.rollback()
				frappe.log_error(title=f"WooCommerce stock and price push failed for store {store}")


def push_items(settings, stock_items: set[str], price_items: set[str], trigger: str) -> SyncRun | None:
	"""Push the stock and/or prices of these Items to one store; None when none is sold there.
	Call it holding the store's writer (`store_writer`)."""
	links = sold_links(settings.name, sorted(stock_items | price_items)) if stock_items | price_items else []
	updates = stock_updates(settings, [link for link in links if link.item_code in stock_items])
	updates += price_updates(settings, [link for link in links if link.item_code in price_items])
	if not updates:
		return None
	# Store errors go up to push_pending, which queues the items again when the store was down.
	with sync_run(
		settings.name, trigger, "stock and price push", raise_store_errors=True, operation=STOCK_OPERATION
	) as run:
		run.note(_("Stock and price push after changes in ERPNext."))
		with get_client(settings) as client:
			push_updates(client, settings.name, run, updates)
	return run


def push_updates(
	client: WooCommerceClient, store: str, run: SyncRun, updates: Sequence[ProductUpdate]
) -> None:
	"""Send the updates in batches of at most 100; read every product's answer."""
	pushed: list[str] = []
	for batch in plan_batches(updates):
		try:
			answer = client.batch(batch.endpoint, update=batch.payload()["update"])
		except WooCommerceUnavailable:
			raise
		except WooCommerceError as exc:
			for update in batch.updates:
				run.fail(describe(*update.key), explain(exc), reference=("Item", update.item_code))
			continue
		returned = {int(obj.get("id") or 0): obj for obj in answer.get("update", [])}
		done = []
		for update in batch.updates:
			problem = _problem(store, update, returned.get(update.variation_id or update.product_id))
			if problem:
				run.fail(describe(*update.key), problem, reference=("Item", update.item_code))
				continue
			run.count("updated")
			done.append(update.key)
			pushed.append(f"{update.item_code}: {_summary(update.fields)}")
		mark_links_synced(store, done)
		frappe.db.commit()
	if pushed:
		more = len(pushed) - NOTE_LIMIT
		run.note(
			_("Pushed: {0}").format("; ".join(pushed[:NOTE_LIMIT]))
			+ (_(" and {0} more").format(more) if more > 0 else "")
		)


def _problem(store: str, update: ProductUpdate, answer: dict | None) -> str | None:
	if answer is None:
		return _("{0}: WooCommerce did not answer for this product; it is retried on the next pass.").format(
			where(store, update)
		)
	if answer.get("error"):
		error = answer["error"]
		message = error.get("message") if isinstance(error, dict) else str(error)
		return _("{0}: WooCommerce refused the update: {1}").format(where(store, update), message)
	if "stock_quantity" in update.fields and answer.get("manage_stock") is False:
		return stock_not_managed(store, update)
	return None


def where(store: str, update: ProductUpdate) -> str:
	return _("Store {0}, Item {1} ({2})").format(store, update.item_code, describe(*update.key))


def stock_not_managed(store: str, update: ProductUpdate) -> str:
	"""Seed 002's FAQ: WooCommerce silently ignores the quantity of a product not managing stock."""
	return _(
		'{0}: "Manage stock" is off for this product in WooCommerce, so the shop ignores its quantity '
		"(ERPNext has {1} available). Tick Manage stock? under Product data > Inventory (and Enable "
		"stock management under WooCommerce > Settings > Products > Inventory), or untick the store in "
		"the Item's Sell on WooCommerce Stores."
	).format(where(store, update), update.fields["stock_quantity"])


def _summary(fields: dict) -> str:
	shown = {k: v for k, v in fields.items() if v not in ("", None) or k == "sale_price"}
	return ", ".join(f"{key}={value!s}" for key, value in shown.items())
