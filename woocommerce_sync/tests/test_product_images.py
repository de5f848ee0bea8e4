"""Item images <-> product images on a real site against the fake store, both directions."""

import io
import json
import random

import frappe
from PIL import Image

from woocommerce_sync.constants import IMAGE_LINK, IMAGES_TO_ERPNEXT, IMAGES_TO_WOOCOMMERCE, SETTINGS
from woocommerce_sync.products.export import export_item
from woocommerce_sync.products.images import sync_images, sync_store_images
from woocommerce_sync.products.pull import pull_product
from woocommerce_sync.testing.fake_store import site_files
from woocommerce_sync.tests.product_utils import make_item, paired_items
from woocommerce_sync.tests.utils import StoreTestCase


def png(size: int = 8, noise: bool = False) -> bytes:
	"""A real PNG of one random colour (or random noise, which does not compress)."""
	image = Image.new("RGB", (size, size), tuple(random.randrange(256) for _ in range(3)))
	if noise:
		image.putdata([tuple(random.randrange(256) for _ in range(3)) for _ in range(size * size)])
	out = io.BytesIO()
	image.save(out, format="PNG")
	return out.getvalue()


def attach(item_code: str, name: str, private: int = 0, content: bytes | None = None) -> "frappe._dict":
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{TAG}-{name}",
			"content": content or png(),
			"attached_to_doctype": "Item",
			"attached_to_name": item_code,
			"is_private": private,
		}
	).insert(ignore_permissions=True)
	return file


TAG = frappe.generate_hash(length=8)  # file names of this run, which Frappe keeps as they are


def names(images: list[dict]) -> list[str]:
	"""The images' titles, without this run's tag."""
	return [image["name"].removeprefix(f"{TAG}-") for image in images]


class ImageTestCase(StoreTestCase):
	direction = IMAGES_TO_WOOCOMMERCE

	def setUp(self):
		super().setUp()
		frappe.db.set_value(SETTINGS, self.store, "image_direction", self.direction)
		frappe.db.commit()
		# The store downloads a src from the site's public URL: here from the site's public folder
		# (run-tests serves no HTTP).
		self.fake.fetch_image = site_files(frappe.get_site_path("public"))
		self.addCleanup(lambda: (frappe.db.set_value(SETTINGS, self.store, "enabled", 0), frappe.db.commit()))

	def product_of(self, item_code: str) -> dict:
		product_id = frappe.db.get_value(
			"WooCommerce Item Link",
			{"parent": item_code, "woocommerce_server": self.store},
			"woocommerce_product_id",
		)
		return self.fake.products[product_id]

	def sent_images(self) -> list:
		"""The `images` of every product create or update the store received, in order."""
		bodies = [
			json.loads(r["body"]) for r in self.fake.requests if r["method"] in ("PUT", "POST") and r["body"]
		]
		return [body["images"] for body in bodies if "images" in body]


class TestPushImages(ImageTestCase):
	def test_item_image_and_gallery_in_order_then_ids_only(self):
		(code,) = paired_items(self.fake, self.store, 1)
		attach(code, "front.png")
		attach(code, "back.png")
		side = attach(code, "side.png")
		frappe.db.set_value("Item", code, "image", side.file_url)  # the Item image goes first
		frappe.db.commit()
		media = len(self.fake.media)

		run = export_item(code, self.store)
		self.assertEqual(run.failures, [])
		images = self.product_of(code)["images"]
		self.assertEqual(names(images), ["side", "front", "back"])
		self.assertEqual(len(self.fake.media), media + 3)
		self.assertEqual(
			frappe.db.count(IMAGE_LINK, {"store": self.store, "item": code, "position": (">", 0)}), 3
		)

		# Nothing changed: no images sent, nothing uploaded.
		self.fake.reset_counters()
		export_item(code, self.store)
		self.assertEqual(self.sent_images(), [])
		self.assertEqual(len(self.fake.media), media + 3)

		# A new Item image: that one uploaded once, the others by id, in the new order.
		new = attach(code, "new.png")
		frappe.db.set_value("Item", code, "image", new.file_url)
		frappe.db.commit()
		self.fake.reset_counters()
		export_item(code, self.store)
		(sent,) = self.sent_images()
		self.assertEqual([("src" in e) for e in sent], [True, False, False, False])
		self.assertEqual({e.get("id") for e in sent[1:]}, {i["id"] for i in images})
		self.assertEqual(len(self.fake.media), media + 4)
		# side is a gallery image again, in its place by creation
		self.assertEqual(names(self.product_of(code)["images"]), ["new", "front", "back", "side"])
		export_item(code, self.store)
		self.assertEqual(len(self.fake.media), media + 4)

	def test_private_file_is_refused_and_the_product_still_updated(self):
		(code,) = paired_items(self.fake, self.store, 1)
		attach(code, "public.png")
		attach(code, "secret.png", private=1)
		frappe.db.set_value("Item", code, "item_name", "Renamed with a private image")
		frappe.db.commit()
		run = export_item(code, self.store)
		(failure,) = run.failures
		self.assertIn("secret.png", failure["reason"])
		self.assertIn("Make it public", failure["reason"])
		self.assertEqual(failure["reference_name"], code)
		product = self.product_of(code)
		self.assertEqual(product["images"], [])
		self.assertEqual(product["name"], "Renamed with a private image")

	def test_push_all_reports_an_unreachable_src_per_item_and_goes_on(self):
		broken, fine = paired_items(self.fake, self.store, 2)
		gone = attach(broken, "gone.png")
		attach(fine, "fine.png")
		self.fake.unreachable_images.add(frappe.utils.get_url(gone.file_url))
		self.fake.reset_counters()

		run = sync_store_images(self.store, "Manual")
		self.assertEqual(self.fake.request_count("POST", "/wp-json/wc/v3/products/batch"), 1)
		(failure,) = run.failures
		self.assertEqual(failure["reference_name"], broken)
		self.assertIn("Error getting remote image", failure["reason"])
		self.assertEqual(names(self.product_of(fine)["images"]), ["fine"])
		self.assertEqual(self.product_of(broken)["images"], [])
		self.assertEqual(run.counts["updated"], 1)

		# Fixed in the store: the next run uploads it; the one after sends nothing.
		self.fake.unreachable_images.clear()
		self.assertEqual(sync_store_images(self.store, "Manual").failures, [])
		self.assertEqual(names(self.product_of(broken)["images"]), ["gone"])
		self.fake.reset_counters()
		again = sync_store_images(self.store, "Manual")
		self.assertEqual(self.fake.request_count("POST", "/wp-json/wc/v3/products/batch"), 0)
		self.assertEqual(again.counts["skipped"], 2)

	def test_a_new_product_whose_image_the_store_cannot_download_is_made_without_it(self):
		code = make_item(f"IMGNEW{frappe.generate_hash(length=5).upper()}", (self.store,))
		gone = attach(code, "unreachable.png")
		self.fake.unreachable_images.add(frappe.utils.get_url(gone.file_url))
		frappe.db.commit()
		run = export_item(code, self.store)
		self.assertEqual(run.counts["created"], 1)
		(failure,) = run.failures
		self.assertIn("did not take its images", failure["reason"])
		self.assertEqual(self.product_of(code)["images"], [])
		self.assertFalse(frappe.db.exists(IMAGE_LINK, {"store": self.store, "item": code}))

	def test_sync_images_needs_a_direction(self):
		frappe.db.set_value(SETTINGS, self.store, "image_direction", "Off")
		frappe.db.commit()
		with self.assertRaises(frappe.ValidationError) as refused:
			sync_images(self.store)
		self.assertIn("does not sync images", str(refused.exception))

	def test_template_images_go_to_the_product_and_a_variant_image_to_its_variation(self):
		from erpnext.controllers.item_variant import create_variant

		from woocommerce_sync.products.pull import ensure_attribute

		code = f"IMGTPL{frappe.generate_hash(length=5).upper()}"
		ensure_attribute("Size", ["S", "M"])
		make_item(code, (self.store,), has_variants=1, attributes=[{"attribute": "Size"}])
		variants = []
		for size in ("S", "M"):
			variant = create_variant(code, {"Size": size})
			variant.item_code = f"{code}-{size}"
			variants.append(variant.insert(ignore_permissions=True).name)
		attach(code, "template.png")
		attach(variants[1], "medium.png")
		frappe.db.commit()

		run = export_item(code, self.store)
		self.assertEqual(run.failures, [])
		product = self.product_of(code)
		self.assertEqual(names(product["images"]), ["template"])
		by_sku = {self.fake.variations[v]["sku"]: self.fake.variations[v] for v in product["variations"]}
		self.assertEqual(names([by_sku[variants[1]]["image"]]), ["medium"])
		self.assertIsNone(by_sku[variants[0]]["image"])
		media = len(self.fake.media)
		export_item(code, self.store)
		self.assertEqual(len(self.fake.media), media)


class TestPullImages(ImageTestCase):
	direction = IMAGES_TO_ERPNEXT

	def give_images(self, item_code: str, *images: dict) -> None:
		self.product_of(item_code)["images"] = list(images)

	def files_of(self, item_code: str) -> list:
		return frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Item", "attached_to_name": item_code},
			fields=["file_url", "is_private"],
			order_by="creation asc",
		)

	def test_pull_downloads_public_files_sets_the_item_image_and_never_twice(self):
		first, second = paired_items(self.fake, self.store, 2)
		front, back = self.fake.add_media(png(), "front.png"), self.fake.add_media(png(), "back.png")
		self.give_images(first, front, back)
		self.give_images(second, back)  # the same store image on another product: copied, not fetched

		run = sync_store_images(self.store, "Manual")
		self.assertEqual(run.failures, [])
		files = self.files_of(first)
		self.assertEqual(len(files), 2)
		self.assertFalse(any(f.is_private for f in files))
		self.assertEqual(frappe.db.get_value("Item", first, "image"), files[0].file_url)
		self.assertEqual(len(self.files_of(second)), 1)
		self.assertEqual(len(self.fake.downloads), 2)

		again = sync_store_images(self.store, "Manual")
		self.assertEqual(len(self.fake.downloads), 2)
		self.assertEqual(len(self.files_of(first)), 2)
		self.assertEqual(again.counts["skipped"], 2)

	def test_a_variation_image_that_is_also_in_the_gallery_is_downloaded_once(self):
		parent = self.fake.add_variable_product(f"IMGVAR{frappe.generate_hash(length=5).upper()}", ("S", "M"))
		template = pull_product(self.store, parent["id"])["item_code"]
		shared = self.fake.add_media(png(), "shared.png")
		self.fake.products[parent["id"]]["images"] = [shared]
		small = self.fake.variations[parent["variations"][0]]
		small["image"] = shared
		downloads = len(self.fake.downloads)

		run = sync_store_images(self.store, "Manual")
		self.assertEqual(run.failures, [])
		self.assertEqual(len(self.fake.downloads), downloads + 1)
		variant = frappe.db.get_value("Item", {"variant_of": template, "item_code": small["sku"]})
		self.assertEqual(
			frappe.db.get_value("Item", variant, "image"), frappe.db.get_value("Item", template, "image")
		)
		self.assertEqual(len(self.files_of(variant)), 1)

	def test_size_limit_and_missing_files_fail_per_item(self):
		big_one, missing_one, fine = paired_items(self.fake, self.store, 3)
		frappe.db.set_value(SETTINGS, self.store, "image_size_limit", 0.005)  # about 5 KB
		frappe.db.commit()
		big = self.fake.add_media(png(64, noise=True), "big.png")
		self.assertGreater(len(self.fake.media[big["id"]]["content"]), 6000)
		gone = self.fake.add_media(png(), "gone.png")
		self.fake.media[gone["id"]]["content"] = None  # deleted from the server: a 404
		self.give_images(big_one, big)
		self.give_images(missing_one, gone)
		self.give_images(fine, self.fake.add_media(png(), "fine.png"))

		run = sync_store_images(self.store, "Manual")
		reasons = {f["reference_name"]: f["reason"] for f in run.failures}
		self.assertEqual(set(reasons), {big_one, missing_one})
		self.assertIn("Largest Image to Pull", reasons[big_one])
		self.assertIn(self.store, reasons[big_one])
		self.assertIn("gone.png", reasons[missing_one])
		self.assertEqual(self.files_of(big_one), [])
		self.assertEqual(len(self.files_of(fine)), 1)
		self.assertTrue(frappe.db.get_value("Item", fine, "image"))
