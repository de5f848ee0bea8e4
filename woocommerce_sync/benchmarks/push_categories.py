"""Benchmark: push an Item Group tree of N groups (10 top-level, the rest below them) to the fake store.

Run on a test site (it writes real Item Groups and category links):
    bench --site <test site> execute woocommerce_sync.benchmarks.push_categories.run --kwargs "{'categories': 1000}"
Prints requests per category and categories per second, for the first push (all created) and a
second one (nothing to do); never asserted by a timed test.
"""

import time

import frappe

from woocommerce_sync.constants import CATEGORIES_TO_WOOCOMMERCE, SETTINGS
from woocommerce_sync.products.categories import sync_store_categories
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import make_importing_settings

TOP_LEVEL = 10


def run(categories: int = 1000) -> dict:
	tag = frappe.generate_hash(length=6).upper()
	root = _group(f"Bench Root {tag}", "All Item Groups", 1)
	tops = [_group(f"Bench {tag} {i}", root, 1) for i in range(TOP_LEVEL)]
	for i in range(categories - TOP_LEVEL):
		_group(f"Bench {tag} {i % TOP_LEVEL}-{i}", tops[i % TOP_LEVEL], 0)
	frappe.db.commit()
	figures: dict = {"categories": categories}
	with FakeWooCommerceStore() as fake:
		settings = make_importing_settings(
			fake,
			store_name=f"benchmark-{frappe.generate_hash(length=6)}",
			category_direction=CATEGORIES_TO_WOOCOMMERCE,
			category_root=root,
		)
		for label in ("first_push", "second_push"):
			fake.reset_counters()
			started = time.perf_counter()
			result = sync_store_categories(settings.name, "Command")
			elapsed = time.perf_counter() - started
			figures.update(
				{
					f"{label}_created": result.counts["created"],
					f"{label}_failed": result.counts["failed"],
					f"{label}_batch_requests": fake.request_count(
						"POST", "/wp-json/wc/v3/products/categories/batch"
					),
					f"{label}_all_requests": fake.request_count(),
					f"{label}_requests_per_category": round(fake.request_count() / categories, 4),
					f"{label}_seconds": round(elapsed, 1),
					f"{label}_categories_per_second": round(categories / elapsed, 1),
				}
			)
		frappe.db.set_value(SETTINGS, settings.name, "enabled", 0)
		frappe.db.commit()
	for key, value in figures.items():
		print(f"{key:<36}{value}")
	return figures


def _group(name: str, parent: str, is_group: int) -> str:
	doc = frappe.get_doc(
		{"doctype": "Item Group", "item_group_name": name, "parent_item_group": parent, "is_group": is_group}
	)
	doc.flags.from_woocommerce = True  # no category job per group while the tree is built
	return doc.insert(ignore_permissions=True).name
