"""Which images a product is sent, and which of a product's images an Item still lacks.

WooCommerce keeps a product's images as media attachments. `images` in a create or update
replaces the whole list, in order (the first is the product's image, the rest its gallery): an
entry `{"id": n}` keeps attachment n, `{"src": url}` makes the store download the file into a new
one. So an image sent once is sent by its id afterwards, and nothing is sent while the list is the
one sent last. A variation has one `image`, the same way. Images are told apart by their content
hash: two Files with the same bytes are one image.
"""

import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import unquote, urlsplit

T = TypeVar("T")
MAX_OBJECTS = 100  # WooCommerce's batch limit
# Each new src is a download the store makes inside the request: few per request, so that a
# request stays well inside the store's PHP time limit.
MAX_UPLOADS = 20
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass(frozen=True)
class ItemImage:
	"""One image of an Item, as the store can fetch it."""

	key: str  # the File's content hash
	url: str  # the public, absolute URL of the file
	name: str
	file: str = ""  # the ERPNext File, when the image is one


@dataclass(frozen=True)
class SentImage:
	"""What the store made of an image sent earlier."""

	key: str
	image_id: int
	position: int  # 1-based place in the list sent last; 0 when not in it any more


@dataclass(frozen=True)
class StoreImage:
	"""One image of a product (or the image of a variation), as the store lists it."""

	image_id: int
	src: str
	name: str
	alt: str


def distinct(images: Iterable[ItemImage]) -> list[ItemImage]:
	"""The images in order, each content once (the Item image may also be attached)."""
	seen: dict[str, ItemImage] = {}
	for image in images:
		seen.setdefault(image.key, image)
	return list(seen.values())


def product_images_payload(images: Sequence[ItemImage], sent: Iterable[SentImage]) -> list[dict] | None:
	"""The `images` to send (known ones by id, new ones by src, in order), or None when the list is
	the one sent last. An Item that never sent images and has none leaves the store's alone."""
	images = distinct(images)
	known = {s.key: s for s in sent}
	last = [s.key for s in sorted((s for s in known.values() if s.position), key=lambda s: s.position)]
	if [image.key for image in images] == last:
		return None
	return [_entry(image, known.get(image.key)) for image in images]


def variation_image_payload(images: Sequence[ItemImage], sent: Iterable[SentImage]) -> dict | None:
	"""A variation's `image`: the Item's first image, or None when it is the one sent last or the
	Item has none (WooCommerce reads a missing image as "keep", so a removal is not sent)."""
	payload = product_images_payload(list(distinct(images))[:1], sent)
	return payload[0] if payload else None


def _entry(image: ItemImage, known: SentImage | None) -> dict:
	if known and known.image_id:
		return {"id": known.image_id}
	return {"src": image.url, "name": image.name}


def sent_images(images: Sequence[ItemImage], answer: Sequence[dict]) -> list[SentImage]:
	"""Pair the images sent with the store's answer, which lists them in the same order."""
	images = distinct(images)
	ids = [int((entry or {}).get("id") or 0) for entry in answer]
	if len(ids) != len(images) or not all(ids):
		raise ValueError(f"the store answered {len(ids)} images for the {len(images)} sent")
	return [
		SentImage(image.key, image_id, n)
		for n, (image, image_id) in enumerate(zip(images, ids, strict=True), 1)
	]


def uploads(payload: list[dict] | dict | None) -> int:
	"""How many files the store downloads for this payload."""
	entries = payload if isinstance(payload, list) else [payload] if payload else []
	return sum(1 for entry in entries if "src" in entry)


def upload_batches(
	entries: Sequence[T],
	count: Callable[[T], int],
	max_objects: int = MAX_OBJECTS,
	max_uploads: int = MAX_UPLOADS,
) -> list[list[T]]:
	"""Split in order into batches of at most `max_objects` entries and `max_uploads` downloads
	(an entry with more downloads than that goes alone)."""
	batches: list[list[T]] = []
	current: list[T] = []
	downloads = 0
	for entry in entries:
		needed = count(entry)
		if current and (len(current) >= max_objects or downloads + needed > max_uploads):
			batches.append(current)
			current, downloads = [], 0
		current.append(entry)
		downloads += needed
	if current:
		batches.append(current)
	return batches


# WooCommerce -> ERPNext ------------------------------------------------------------------------


def store_images(product: dict) -> list[StoreImage]:
	"""A product's `images` or a variation's `image`, in order, each attachment once."""
	raw = product.get("images")
	if raw is None:
		raw = [product.get("image")] if product.get("image") else []
	found: dict[object, StoreImage] = {}
	for entry in raw if isinstance(raw, list) else []:
		if not isinstance(entry, dict) or not str(entry.get("src") or "").strip():
			continue
		image = StoreImage(
			int(entry.get("id") or 0),
			str(entry["src"]).strip(),
			str(entry.get("name") or ""),
			str(entry.get("alt") or ""),
		)
		found.setdefault(image.image_id or image.src, image)
	return list(found.values())


def new_store_images(images: Sequence[StoreImage], known_ids: Iterable[int]) -> list[StoreImage]:
	"""The images an Item has not downloaded yet (by WooCommerce image id)."""
	known = set(known_ids)
	return [image for image in images if image.image_id not in known]


def file_name(image: StoreImage, content_type: str) -> str:
	"""A safe file name for a downloaded image: the src's own name, with the right extension."""
	base = posixpath.basename(unquote(urlsplit(image.src).path))
	stem = re.sub(r"[^A-Za-z0-9._-]+", "-", posixpath.splitext(base)[0]).strip("-._")[:80]
	extension = EXTENSIONS.get(content_type.split(";")[0].strip().lower())
	if not extension:
		extension = posixpath.splitext(base)[1].lower() or ".img"
	return f"{stem or f'woocommerce-image-{image.image_id}'}{extension}"
