"""Benchmark: push the images of N paired Items (an Item image and a gallery image each) to the
fake store, then push again (nothing to send), then pull them into N other Items.

Run on a test site (it writes real Items, Files and image links):
    bench --site <test site> execute woocommerce_sync.benchmarks.push_images.run --kwargs "{'items': 200}"
Prints requests, uploads and seconds per run; never asserted by a timed test.
"""

import io
import time

import frappe
from PIL import Image

from woocommerce_sync.constants import IMAGES_TO_ERPNEXT, IMAGES_TO_WOOCOMMERCE, SETTINGS
from woocommerce_sync.products.images import sync_store_images
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore, site_files
from woocommerce_sync.tests.product_utils import paired_items
from woocommerce_sync.tests.utils import make_importing_settings


def run(items: int = 200) -> dict:
	figures: dict = {"items": items}
	with FakeWooCommerceStore() as fake:
		fake.fetch_image = site_files(frappe.get_site_path("public"))
		settings = make_importing_settings(
			fake,
			store_name=f"benchmark-{frappe.generate_hash(length=6)}",
			image_direction=IMAGES_TO_WOOCOMMERCE,
		)
		codes = paired_items(fake, settings.name, items)
		for n, code in enumerate(codes):
			for side in ("front", "back"):
				_attach(code, f"{code}-{side}.png", _png(n, side))
		frappe.db.commit()
		for label in ("first_push", "second_push"):
			_measure(fake, settings.name, label, figures)
		# The other way: N more Items pull two new images each from their products.
		frappe.db.set_value(SETTINGS, settings.name, "image_direction", IMAGES_TO_ERPNEXT)
		frappe.db.commit()
		pulling = set(paired_items(fake, settings.name, items))
		for n, product in enumerate(p for p in fake.products.values() if p.get("sku") in pulling):
			product["images"] = [
				fake.add_media(_png(n, side), f"pull-{side}.png") for side in ("left", "right")
			]
		_measure(fake, settings.name, "pull", figures)
		frappe.db.set_value(SETTINGS, settings.name, "enabled", 0)
		frappe.db.commit()
	for key, value in figures.items():
		print(f"{key:<32}{value}")
	return figures


def _measure(fake: FakeWooCommerceStore, store: str, label: str, figures: dict) -> None:
	fake.reset_counters()
	media, downloads = len(fake.media), len(fake.downloads)
	started = time.perf_counter()
	result = sync_store_images(store, "Command")
	elapsed = time.perf_counter() - started
	figures.update(
		{
			f"{label}_updated": result.counts["updated"],
			f"{label}_skipped": result.counts["skipped"],
			f"{label}_failed": result.counts["failed"],
			f"{label}_batch_requests": fake.request_count("POST", "/wp-json/wc/v3/products/batch"),
			f"{label}_all_requests": fake.request_count(),
			f"{label}_uploads": len(fake.media) - media,
			f"{label}_downloads": len(fake.downloads) - downloads,
			f"{label}_seconds": round(elapsed, 1),
		}
	)


def _png(n: int, side: str) -> bytes:
	image = Image.new("RGB", (16, 16), (n % 256, n // 256 % 256, len(side) * 40))
	out = io.BytesIO()
	image.save(out, format="PNG")
	return out.getvalue()


def _attach(item_code: str, name: str, content: bytes) -> None:
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": name,
			"content": content,
			"attached_to_doctype": "Item",
			"attached_to_name": item_code,
			"is_private": 0,
		}
	).insert(ignore_permissions=True)
