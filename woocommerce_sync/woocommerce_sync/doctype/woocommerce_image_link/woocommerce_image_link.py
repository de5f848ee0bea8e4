"""What an Item's image is in a store (products/image_memory.py keeps these)."""

import frappe
from frappe.model.document import Document

from woocommerce_sync.constants import IMAGE_LINK


class WooCommerceImageLink(Document):
	pass


def on_doctype_update() -> None:
	"""One row per store, Item and WooCommerce image, so two runs cannot remember an image twice."""
	frappe.db.add_unique(IMAGE_LINK, ["store", "item", "woocommerce_image_id"], "unique_store_item_image")
	frappe.db.add_index(IMAGE_LINK, ["store", "woocommerce_image_id"])
