"""Benchmark: random stock movements while exports, price changes and a full pass run at the same time.

Run on a test site (it writes Items, Stock Entries and Item Prices):
    bench --site <test site> execute woocommerce_sync.benchmarks.stock_race.run \\
        --kwargs "{'movements': 200, 'items': 30}"
The minute push is driven by this script at a 60 s cadence, in a thread with its own site
connection, as the scheduler's cron would run it (the bench's scheduler is not started). Over
about a minute, `movements` Material Receipts and Issues of random Items commit one by one;
meanwhile two export threads export random Items back to back (each its own site connection,
as two RQ workers would; a test bench's queue holds other runs' jobs, so RQ would measure
those), Item Price changes queue price pushes, and one full pass runs in a third thread. One
tick after the last movement it prints how many products' stock_quantity (and prices) differ
from ERPNext's (target 0), and the latency from a movement's commit to the store showing it or
a newer quantity (p50, p99). Figures are quoted, never asserted.
"""

import random
import statistics
import threading
import time

import frappe

from woocommerce_sync.core.stock import available_quantity
from woocommerce_sync.products.export import export_item
from woocommerce_sync.products.full_pass import reconcile_store
from woocommerce_sync.products.push import push_pending
from woocommerce_sync.products.stock import read_bins
from woocommerce_sync.testing import fake_store
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.product_utils import make_stock_settings, paired_items
from woocommerce_sync.tests.utils import get_company

CADENCE = 60.0
START_QUANTITY = 100


def run(movements: int = 200, items: int = 30, duration: float = 60.0, seed: int = 17) -> dict:
	rng = random.Random(seed)
	writes: list[tuple[float, int, object]] = []  # (time, product id, stock_quantity) as the store saw
	with FakeWooCommerceStore() as fake, _recording(writes):
		settings = make_stock_settings(
			fake, store_name=f"benchmark-race-{frappe.generate_hash(length=6)}", sale_price_list=None
		)
		store = settings.name
		codes = paired_items(fake, store, items, prefix=f"RACE{frappe.generate_hash(length=4).upper()}")
		product_of = {p["sku"]: p["id"] for p in fake.products.values() if p.get("sku") in codes}
		for code in codes:
			_price(code, 20.0)
		_move({code: START_QUANTITY for code in codes})
		push_pending()  # the starting quantities and prices are in the shop
		history: dict[str, list[tuple[float, int]]] = {code: [] for code in codes}
		quantities = {code: START_QUANTITY for code in codes}
		ticks: list[float] = []
		stop = threading.Event()
		exported: list[str] = []
		site = (frappe.local.site, frappe.local.sites_path)
		threads = [threading.Thread(target=_connected, args=(site, _minute_push, stop, ticks), daemon=True)]
		for n in range(2):
			threads.append(
				threading.Thread(
					target=_connected,
					args=(site, _exports, stop, store, codes, random.Random(seed + n), exported),
					daemon=True,
				)
			)
		started = time.monotonic()
		for thread in threads:
			thread.start()
		prices = 0
		for n in range(movements):
			code = rng.choice(codes)
			change = rng.choice([1, 2, 3, 5, 10]) * (1 if rng.random() < 0.5 else -1)
			change = max(change, -quantities[code])
			if change:
				_move({code: change})
				quantities[code] += change
				history[code].append((time.time(), quantities[code]))
			if n % 7 == 5:
				_price(rng.choice(codes), round(rng.uniform(10, 40), 2))
				prices += 1
			if n == movements // 2:
				threads.append(
					threading.Thread(target=_connected, args=(site, _full_pass, store), daemon=True)
				)
				threads[-1].start()
			time.sleep(max(0.0, started + duration * (n + 1) / movements - time.monotonic()))
		last_movement = time.time()
		while not ticks or ticks[-1] < last_movement:  # the first tick after the last movement
			time.sleep(0.5)
		stop.set()
		for thread in threads:
			thread.join(timeout=300)
		frappe.db.rollback()
		mismatched = _mismatches(settings, codes, product_of, fake)
		price_mismatches = sum(
			1
			for code in codes
			if float(fake.products[product_of[code]].get("regular_price") or 0) != _current_price(code)
		)
	latencies = _latencies(history, writes, product_of)
	figures = {
		"items": items,
		"movements": sum(len(h) for h in history.values()),
		"exports_run": len(exported),
		"price_changes": prices,
		"minute_push": "driven by this script every 60 s",
		"stock_mismatches": len(mismatched),
		"price_mismatches": price_mismatches,
		"latency_p50_s": round(statistics.median(latencies), 1) if latencies else None,
		"latency_p99_s": round(_percentile(latencies, 0.99), 1) if latencies else None,
		"latency_max_s": round(max(latencies), 1) if latencies else None,
		"movements_never_shown": sum(len(h) for h in history.values()) - len(latencies),
		"store": store,
	}
	for key, value in figures.items():
		print(f"{key:<28}{value}")
	for code, store_quantity, erpnext_quantity in mismatched[:10]:
		print(f"  {code}: store {store_quantity}, ERPNext {erpnext_quantity}")
	return figures


def _connected(site: tuple[str, str], task, *args) -> None:
	"""Run `task` in this thread with its own connection to `site` (name, sites path), as a
	worker process would."""
	frappe.init(site=site[0], sites_path=site[1])
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		task(*args)
	finally:
		frappe.destroy()


def _minute_push(stop: threading.Event, ticks: list[float]) -> None:
	"""The scheduler's cron "* * * * *": push_pending every 60 s."""
	next_tick = time.monotonic() + CADENCE
	while not stop.wait(max(0.0, next_tick - time.monotonic())):
		next_tick += CADENCE
		began = time.time()
		push_pending()
		frappe.db.commit()
		ticks.append(began)


def _exports(stop: threading.Event, store: str, codes: list[str], rng: random.Random, done: list) -> None:
	"""Exports back to back, as workers run them after Item edits."""
	while not stop.is_set():
		code = rng.choice(codes)
		export_item(code, store, "Scheduler")
		frappe.db.commit()
		done.append(code)
		stop.wait(0.5)


def _full_pass(store: str) -> None:
	reconcile_store(store, "Manual")
	frappe.db.commit()


class _recording:
	"""Every stock_quantity the fake store saves, with the time it saved it."""

	def __init__(self, writes: list):
		self.writes = writes
		self.original = fake_store._product_update

	def __enter__(self):
		original, writes = self.original, self.writes

		def update(store, product, changes, check_sku=True):
			saved = original(store, product, changes, check_sku)
			if "stock_quantity" in changes:
				writes.append((time.time(), saved["id"], saved["stock_quantity"]))
			return saved

		fake_store._product_update = update
		return self

	def __exit__(self, *exc_info):
		fake_store._product_update = self.original


def _move(changes: dict[str, int]) -> None:
	"""One committed Stock Entry: receipts for positive changes, issues for negative ones."""
	company = get_company()
	for kind, sign, side in (("Material Receipt", 1, "t_warehouse"), ("Material Issue", -1, "s_warehouse")):
		rows = [
			{"item_code": code, "qty": abs(qty), side: company.warehouse, "basic_rate": 10}
			for code, qty in changes.items()
			if qty * sign > 0
		]
		if rows:
			entry = frappe.get_doc(
				{"doctype": "Stock Entry", "stock_entry_type": kind, "company": company.name, "items": rows}
			)
			entry.insert(ignore_permissions=True)
			entry.submit()
			frappe.db.commit()


def _price(code: str, rate: float) -> None:
	name = frappe.db.get_value("Item Price", {"item_code": code, "price_list": "Standard Selling"})
	doc = (
		frappe.get_doc("Item Price", name)
		if name
		else frappe.new_doc("Item Price").update({"item_code": code, "price_list": "Standard Selling"})
	)
	doc.price_list_rate = rate
	doc.save(ignore_permissions=True)
	frappe.db.commit()


def _current_price(code: str) -> float:
	return float(
		frappe.db.get_value(
			"Item Price", {"item_code": code, "price_list": "Standard Selling"}, "price_list_rate"
		)
	)


def _mismatches(settings, codes: list[str], product_of: dict, fake) -> list[tuple[str, object, object]]:
	bins = read_bins(codes, [settings.warehouse])
	wrong = []
	for code in codes:
		wanted = available_quantity(bins.get(code, []))
		shown = fake.products[product_of[code]]["stock_quantity"]
		if shown != wanted:
			wrong.append((code, shown, wanted))
	return wrong


def _latencies(history: dict, writes: list, product_of: dict) -> list[float]:
	"""Per movement: from its commit to the first store write of its quantity or a later one's."""
	by_product: dict[int, list[tuple[float, object]]] = {}
	for moment, product_id, quantity in writes:
		by_product.setdefault(product_id, []).append((moment, quantity))
	latencies = []
	for code, moves in history.items():
		saved = by_product.get(product_of[code], [])
		for index, (committed, _quantity) in enumerate(moves):
			newer = {quantity for _moment, quantity in moves[index:]}
			shown = next(
				(moment for moment, quantity in saved if moment >= committed and quantity in newer), None
			)
			if shown is not None:
				latencies.append(shown - committed)
	return latencies


def _percentile(values: list[float], share: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * share + 0.5) - 1))]
