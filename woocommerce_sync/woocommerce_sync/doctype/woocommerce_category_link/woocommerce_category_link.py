"""Which category of a store an Item Group is (products/categories.py keeps these)."""

import frappe
from frappe.model.document import Document

from woocommerce_sync.constants import CATEGORY_LINK


class WooCommerceCategoryLink(Document):
	pass


def on_doctype_update() -> None:
	"""One category per store and Item Group (the name already makes store + category unique)."""
	frappe.db.add_unique(CATEGORY_LINK, ["store", "item_group"], "unique_store_item_group")
