"""WooCommerce -> ERPNext images: each sold Item gets its product's images (a variant: its
variation's image) as public Files attached to it, the first one as its Image.

An image is downloaded once per store: one an Item has already is skipped, and one another Item
downloaded (a variation's image is often one of its product's) is copied from that File. Each
download is capped at the store's size limit, must be an image, and goes only to addresses the
store client may call. One Item at a time is committed; an image that cannot be had fails alone,
named in the Sync Log, and the rest goes on.
"""

from collections.abc import Callable

import frappe
import requests
from frappe import _
from frappe.utils import escape_html, flt

from woocommerce_sync.connection import ALLOW_PRIVATE_STORE_URLS, refused_store_address
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.image_download import ImageDownloadError, download_image
from woocommerce_sync.core.product_images import StoreImage, file_name, new_store_images, store_images
from woocommerce_sync.products import image_memory
from woocommerce_sync.products.links import sold_links
from woocommerce_sync.runs import SyncRun

DEFAULT_LIMIT_MB = 5


def size_limit(settings) -> int:
	"""The store's Largest Image to Pull, in bytes."""
	return int((flt(settings.get("image_size_limit")) or DEFAULT_LIMIT_MB) * 1024 * 1024)


def refused_image_address(url: str) -> str | None:
	"""Why the site does not download from `url` (the store client's private-address policy)."""
	address = refused_store_address(url)
	if not address:
		return None
	return _(
		"{0} leads to {1}, an address on a private network or this server, which this site does not "
		"call; set the site config key {2} to 1 for a test setup."
	).format(url, address, ALLOW_PRIVATE_STORE_URLS)


def pull_store_images(
	settings, client: WooCommerceClient, run: SyncRun, progress: Callable[[int], None]
) -> None:
	"""Every sold Item's images from its product (listed 100 per request) or variation."""
	links = sold_links(settings.name)
	products = {
		int(p["id"]): p
		for p in client.get_by_ids(
			"products", sorted({link.product_id for link in links if not link.variation_id})
		)
	}
	variations: dict[tuple[int, int], dict] = {}
	for product_id in sorted({link.product_id for link in links if link.variation_id}):
		for variation in client.iter_all(f"products/{product_id}/variations"):
			variations[(product_id, int(variation["id"]))] = variation
	puller = ImagePull(settings, run, [link.item_code for link in links])
	with requests.Session() as session:
		puller.session = session
		for link in links:
			key = (link.product_id, link.variation_id)
			found = variations.get(key) if link.variation_id else products.get(link.product_id)
			if found is None:
				run.fail(
					str(key[1] or key[0]),
					_("Store {0}, Item {1}: its product is not in the store any more; pair it again.").format(
						settings.name, link.item_code
					),
					reference=("Item", link.item_code),
				)
			else:
				puller.pull(link.item_code, store_images(found))
			progress(1)


class ImagePull:
	def __init__(self, settings, run: SyncRun, item_codes: list[str]):
		self.store = settings.name
		self.run = run
		self.limit = size_limit(settings)
		self.verify = bool(settings.verify_ssl)
		self.known = image_memory.known_image_ids(self.store, item_codes)
		self.session: requests.Session | None = None

	def pull(self, item_code: str, images: list[StoreImage]) -> None:
		"""The Item's new images, then its Image: the product's first, once it is in ERPNext."""
		new = new_store_images(images, self.known.get(item_code, set()))
		copies = image_memory.downloaded_files(self.store, [image.image_id for image in new])
		failed = 0
		for image in new:
			try:
				file = self.fetch(item_code, image, copies.get(image.image_id))
				image_memory.remember_download(self.store, item_code, image, file)
				frappe.db.commit()
			except Exception as exc:
				frappe.db.rollback()
				failed += 1
				self.run.fail(
					str(image.image_id), self.explain(item_code, image, exc), reference=("Item", item_code)
				)
				continue
			self.known.setdefault(item_code, set()).add(image.image_id)
		if images:
			self.set_item_image(item_code, images[0].image_id)  # when the first is in ERPNext
		if new and not failed:
			self.run.count("updated")
		elif not new:
			self.run.count("skipped")

	def fetch(self, item_code: str, image: StoreImage, copy_of: str | None) -> frappe._dict:
		"""A public File of the image attached to the Item: a copy of an earlier download, else
		downloaded now."""
		source = (
			frappe.db.get_value("File", copy_of, ["file_url", "file_name"], as_dict=True) if copy_of else None
		)
		values = {
			"doctype": "File",
			"attached_to_doctype": "Item",
			"attached_to_name": item_code,
			"is_private": 0,
		}
		if source:
			values.update(file_url=source.file_url, file_name=source.file_name)
		else:
			got = download_image(
				image.src, self.limit, refused_image_address, session=self.session, verify=self.verify
			)
			values.update(file_name=file_name(image, got.content_type), content=got.content)
		file = frappe.get_doc(values)
		file.flags.from_woocommerce = True
		file.insert(ignore_permissions=True)
		return frappe._dict(name=file.name, content_hash=file.content_hash, file_url=file.file_url)

	def set_item_image(self, item_code: str, image_id: int) -> None:
		url = image_memory.file_url(self.store, item_code, image_id)
		if url and frappe.db.get_value("Item", item_code, "image") != url:
			frappe.db.set_value("Item", item_code, "image", url)
			frappe.db.commit()

	def explain(self, item_code: str, image: StoreImage, exc: Exception) -> str:
		if not isinstance(exc, ImageDownloadError):
			return _("Store {0}, Item {1}: image {2} could not be saved as a File: {3}").format(
				self.store, item_code, escape_html(image.src), escape_html(str(exc))
			)
		what = {
			"too_large": _("it is larger than the store's Largest Image to Pull ({0} MB)").format(
				f"{self.limit / 1024 / 1024:g}"
			),
			"not_image": _("it is not an image"),
			"status": _("the store's server did not give the file"),
			"unreachable": _("it could not be fetched"),
			"refused": _("the site does not call that address"),
		}[exc.code]
		return _("Store {0}, Item {1}: image {2} was not downloaded: {3} ({4}).").format(
			self.store, item_code, escape_html(exc.url), what, escape_html(str(exc))
		)
