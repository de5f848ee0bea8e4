"""ERPNext -> WooCommerce images: the `images` (a variation: `image`) of exported products, and the
push of every sold Item's images in batches.

Known images go by id, new ones by the public URL the store downloads them from; nothing is sent
for an Item whose images are what the store got last (core/product_images.py). A src the store
cannot download, or an id it no longer has, fails that Item with the store's reason, and the
rest goes on; an id the store refused is forgotten, so the next push uploads the image anew.
"""

from collections import defaultdict
from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import escape_html

from woocommerce_sync.connection import explain
from woocommerce_sync.constants import IMAGES_TO_WOOCOMMERCE
from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError, WooCommerceUnavailable
from woocommerce_sync.core.product_images import (
	ItemImage,
	distinct,
	product_images_payload,
	sent_images,
	upload_batches,
	uploads,
	variation_image_payload,
)
from woocommerce_sync.products import image_memory
from woocommerce_sync.products.item_images import item_images
from woocommerce_sync.products.links import describe, sold_links
from woocommerce_sync.runs import SyncRun

IMAGE_ERRORS = ("woocommerce_product_image_upload_error", "woocommerce_product_invalid_image_id")


def pushes_images(settings) -> bool:
	return settings.get("image_direction") == IMAGES_TO_WOOCOMMERCE


class ImagePush:
	"""The images of the Items being sent to one store, and what the store made of them."""

	def __init__(self, store: str, run: SyncRun):
		self.store = store
		self.run = run
		self.images: dict[str, list[ItemImage]] = {}
		self.refusals: dict[str, str] = {}
		self.sent: dict = {}
		self.pending: dict[str, list[ItemImage]] = {}
		self.failed: set[str] = set()  # Items whose images were refused here or by the store

	def load(self, item_codes: list[str]) -> None:
		"""Read these Items' images and memory (a few queries for all of them)."""
		todo = [code for code in item_codes if code not in self.images and code not in self.refusals]
		images, refusals = item_images(todo)
		self.images.update(images)
		self.refusals.update(refusals)
		self.sent.update(image_memory.sent_images(self.store, todo))

	def fields(self, item_code: str, variation: bool = False) -> dict:
		"""`images` (or a variation's `image`) to send with the product, or nothing."""
		self.load([item_code])
		if item_code in self.refusals:
			self.failed.add(item_code)
			self.run.fail(
				item_code,
				_("Store {0}: {1}").format(self.store, self.refusals.pop(item_code)),
				reference=("Item", item_code),
			)
			return {}
		images, sent = self.images.get(item_code, []), self.sent.get(item_code, [])
		if variation:
			payload = variation_image_payload(images, sent)
			if payload is None:
				return {}
			self.pending[item_code] = distinct(images)[:1]
			return {"image": payload}
		payload = product_images_payload(images, sent)
		if payload is None:
			return {}
		self.pending[item_code] = distinct(images)
		return {"images": payload}

	def remember(self, item_code: str, answer: dict) -> None:
		"""Keep the ids the store gave the images just sent with this Item."""
		images = self.pending.pop(item_code, None)
		if images is None:
			return
		returned = answer.get("images") if "images" in answer else [answer.get("image") or {}]
		try:
			sent = sent_images(images, returned if images else [])
		except ValueError as exc:
			self.run.fail(item_code, _("Store {0}, Item {1}: {2}").format(self.store, item_code, exc))
			return
		image_memory.remember_sent(self.store, item_code, images, sent)
		self.sent[item_code] = sent

	def refused(self, item_code: str, error: WooCommerceError | dict) -> bool:
		"""True (and the Item failed with the store's reason) when the store refused its images."""
		code = error.get("code") if isinstance(error, dict) else error.code
		if code not in IMAGE_ERRORS:
			return False
		detail = error.get("message") if isinstance(error, dict) else error.detail or str(error)
		self.pending.pop(item_code, None)
		self.failed.add(item_code)
		if code == "woocommerce_product_invalid_image_id":
			image_memory.forget(self.store, item_code)
			self.sent.pop(item_code, None)
		self.run.fail(
			item_code,
			_(
				"Store {0}, Item {1}: the store did not take its images ({2}). Check that the store can "
				"reach this site's public address and that the files are images, then push again."
			).format(self.store, item_code, escape_html(str(detail or code))),
			reference=("Item", item_code),
		)
		return True


def push_store_images(
	settings, client: WooCommerceClient, run: SyncRun, progress: Callable[[int], None]
) -> None:
	"""Every sold Item's images: products in `products/batch`, variations per product."""
	links = sold_links(settings.name)
	push = ImagePush(settings.name, run)
	push.load([link.item_code for link in links])
	products, variations = [], defaultdict(list)
	for link in links:
		fields = push.fields(link.item_code, variation=bool(link.variation_id))
		if not fields:
			progress(1)
			if link.item_code not in push.failed:
				run.count("skipped")  # the store has these images already
			continue
		entry = (link, {"id": link.variation_id or link.product_id, **fields})
		(variations[link.product_id] if link.variation_id else products).append(entry)
	for batch in upload_batches(products, lambda entry: uploads(entry[1].get("images"))):
		_send(client, push, run, "products", batch)
		progress(len(batch))
	for product_id, entries in variations.items():
		for batch in upload_batches(entries, lambda entry: uploads(entry[1].get("image"))):
			_send(client, push, run, f"products/{product_id}/variations", batch)
			progress(len(batch))


def _send(client: WooCommerceClient, push: ImagePush, run: SyncRun, endpoint: str, batch: list) -> None:
	try:
		answer = client.batch(endpoint, update=[fields for _link, fields in batch])
	except WooCommerceUnavailable:
		raise
	except WooCommerceError as exc:
		for link, _fields in batch:
			run.fail(
				describe(link.product_id, link.variation_id), explain(exc), reference=("Item", link.item_code)
			)
		return
	returned = {int(obj.get("id") or 0): obj for obj in answer.get("update", [])}
	for link, fields in batch:
		obj = returned.get(fields["id"]) or {"error": {"message": _("the store did not answer for it")}}
		if obj.get("error"):
			if not push.refused(link.item_code, obj["error"]):
				run.fail(
					describe(link.product_id, link.variation_id),
					_("Store {0}, Item {1}: {2}").format(
						push.store, link.item_code, escape_html(str(obj["error"].get("message")))
					),
					reference=("Item", link.item_code),
				)
			continue
		push.remember(link.item_code, obj)
		run.count("updated")
	frappe.db.commit()
