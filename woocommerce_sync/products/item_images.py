"""An Item's images as the store can fetch them: its Image first, then its other image attachments.

The store downloads each file from this site's public URL (frappe.utils.get_url), so a private
file cannot be sent: an Item with one is refused with a message naming the file, and nothing of
its images is sent until it is made public or removed (a partial list would reorder the shop's).
"""

import hashlib
import posixpath
from collections.abc import Sequence
from urllib.parse import urlsplit

import frappe
from frappe import _
from frappe.utils import get_url

from woocommerce_sync.core.product_images import ItemImage

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp")
FILE_FIELDS = ["name", "file_url", "file_name", "is_private", "content_hash", "attached_to_name"]


def item_images(item_codes: Sequence[str]) -> tuple[dict[str, list[ItemImage]], dict[str, str]]:
	"""Item code -> its images in order, and Item code -> why its images cannot be sent; in three
	queries for all the Items."""
	if not item_codes:
		return {}, {}
	items = frappe.get_all("Item", filters={"name": ("in", list(item_codes))}, fields=["name", "image"])
	attached: dict[str, list[frappe._dict]] = {}
	for row in frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Item", "attached_to_name": ("in", list(item_codes)), "is_folder": 0},
		fields=FILE_FIELDS,
		order_by="creation asc, name asc",
	):
		attached.setdefault(row.attached_to_name, []).append(row)
	elsewhere = _files_by_url(
		[
			item.image
			for item in items
			if item.image and not any(f.file_url == item.image for f in attached.get(item.name, []))
		]
	)
	images: dict[str, list[ItemImage]] = {}
	refused: dict[str, str] = {}
	for item in items:
		files = attached.get(item.name, [])
		first = next((f for f in files if f.file_url == item.image), None) or elsewhere.get(item.image)
		gallery = [f for f in files if f is not first and _is_image(f.file_url or f.file_name)]
		chosen = ([first] if first else []) + gallery
		private = next((f for f in chosen if f.is_private), None)
		if private or (item.image or "").startswith("/private/"):
			refused[item.name] = _private_message(item.name, private.file_name if private else item.image)
			continue
		images[item.name] = [_image(f) for f in chosen]
		if item.image and not first and urlsplit(item.image).scheme in ("http", "https"):
			images[item.name].insert(0, _external(item.image))  # an image kept elsewhere, by URL
	return images, refused


def _files_by_url(urls: list[str]) -> dict[str, frappe._dict]:
	if not urls:
		return {}
	rows = frappe.get_all(
		"File",
		filters={"file_url": ("in", urls), "is_folder": 0},
		fields=FILE_FIELDS,
		order_by="creation asc",
	)
	found: dict[str, frappe._dict] = {}
	for row in rows:
		found.setdefault(row.file_url, row)
	return found


def _is_image(path: str | None) -> bool:
	return posixpath.splitext((path or "").lower().split("?")[0])[1] in IMAGE_EXTENSIONS


def _image(file: frappe._dict) -> ItemImage:
	return ItemImage(
		key=file.content_hash or f"file:{file.name}",
		url=get_url(file.file_url),
		# The attachment's title in WordPress: the file name without its extension, as an upload gets.
		name=posixpath.splitext(file.file_name or posixpath.basename(file.file_url or ""))[0],
		file=file.name,
	)


def _external(url: str) -> ItemImage:
	key = "url:" + hashlib.sha1(url.encode()).hexdigest()
	return ItemImage(key=key, url=url, name=posixpath.splitext(posixpath.basename(urlsplit(url).path))[0])


def _private_message(item_code: str, file_name: str) -> str:
	return _(
		"Item {0}: its image {1} is a private file, which the store cannot download. Make it public "
		"(untick Is Private on the File) or remove it from the Item, then push the images again."
	).format(item_code, file_name)
