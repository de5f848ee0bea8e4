"""What each Item's images are in a store (WooCommerce Image Link): the memory that keeps an image
from being uploaded or downloaded twice.

Per store and Item, because WooCommerce's media belong to a product: the same file on two Items is
uploaded once for each product. A pushed image is remembered by its content hash with the
WooCommerce image id and its place in the list sent; a pulled one by its WooCommerce image id.
"""

from collections.abc import Sequence

import frappe

from woocommerce_sync.constants import IMAGE_LINK
from woocommerce_sync.core.product_images import ItemImage, SentImage, StoreImage

FIELDS = ["name", "item", "file", "content_hash", "woocommerce_image_id", "position"]


def _rows(store: str, item_codes: Sequence[str]) -> list[frappe._dict]:
	if not item_codes:
		return []
	return frappe.get_all(
		IMAGE_LINK,
		filters={"store": store, "item": ("in", list(item_codes))},
		fields=FIELDS,
		order_by="position asc, creation asc",
	)


def sent_images(store: str, item_codes: Sequence[str]) -> dict[str, list[SentImage]]:
	"""Item code -> what the store made of its images, in one query."""
	sent: dict[str, list[SentImage]] = {}
	for row in _rows(store, item_codes):
		if row.content_hash:
			sent.setdefault(row.item, []).append(
				SentImage(row.content_hash, row.woocommerce_image_id, row.position or 0)
			)
	return sent


def remember_sent(store: str, item_code: str, images: Sequence[ItemImage], sent: Sequence[SentImage]) -> None:
	"""The list the store now has for this Item: each image's id and place; the others no place."""
	frappe.db.sql(
		f"update `tab{IMAGE_LINK}` set position = 0 where store = %s and item = %s", (store, item_code)
	)
	existing = {row.woocommerce_image_id: row.name for row in _rows(store, [item_code])}
	by_key = {image.key: image for image in images}
	for image in sent:
		values = {
			"content_hash": image.key,
			"position": image.position,
			"file": by_key[image.key].file or None,
			"src": by_key[image.key].url,
		}
		if image.image_id in existing:
			frappe.db.set_value(IMAGE_LINK, existing[image.image_id], values, update_modified=False)
		else:
			_insert(store, item_code, image.image_id, values)


def forget(store: str, item_code: str) -> None:
	"""The store refused an image id it gave us (deleted from its Media Library): send them anew."""
	frappe.db.delete(IMAGE_LINK, {"store": store, "item": item_code})


def known_image_ids(store: str, item_codes: Sequence[str]) -> dict[str, set[int]]:
	"""Item code -> the WooCommerce images it has already (sent or downloaded), in one query."""
	known: dict[str, set[int]] = {}
	for row in _rows(store, item_codes):
		known.setdefault(row.item, set()).add(row.woocommerce_image_id)
	return known


def downloaded_files(store: str, image_ids: Sequence[int]) -> dict[int, str]:
	"""WooCommerce image id -> the File an earlier pull made of it, for any Item of the store (a
	variation's image is often one of its product's): copied, not downloaded again."""
	if not image_ids:
		return {}
	rows = frappe.get_all(
		IMAGE_LINK,
		filters={"store": store, "woocommerce_image_id": ("in", list(image_ids)), "file": ("is", "set")},
		fields=["woocommerce_image_id", "file"],
		order_by="creation asc",
	)
	found: dict[int, str] = {}
	for row in rows:
		found.setdefault(row.woocommerce_image_id, row.file)
	return found


def file_url(store: str, item_code: str, image_id: int) -> str | None:
	"""The URL of the File the Item has of this WooCommerce image, if it has one still."""
	file = frappe.db.get_value(
		IMAGE_LINK, {"store": store, "item": item_code, "woocommerce_image_id": image_id}, "file"
	)
	return frappe.db.get_value("File", file, "file_url") if file else None


def remember_download(store: str, item_code: str, image: StoreImage, file: frappe._dict) -> None:
	_insert(
		store,
		item_code,
		image.image_id,
		{"file": file.name, "content_hash": file.content_hash, "position": 0, "src": image.src},
	)


def _insert(store: str, item_code: str, image_id: int, values: dict) -> None:
	frappe.get_doc(
		{"doctype": IMAGE_LINK, "store": store, "item": item_code, "woocommerce_image_id": image_id, **values}
	).insert(ignore_permissions=True)
