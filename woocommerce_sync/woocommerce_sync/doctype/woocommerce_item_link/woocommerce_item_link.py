"""Which WooCommerce product or variation an Item is, per store."""

import frappe
from frappe.model.document import Document

from woocommerce_sync.constants import ITEM_LINK


class WooCommerceItemLink(Document):
	pass


def on_doctype_update() -> None:
	"""One Item per store product/variation, enforced by the database, so racing imports cannot pair twice."""
	frappe.db.add_unique(
		ITEM_LINK,
		["woocommerce_server", "woocommerce_product_id", "woocommerce_variation_id"],
		constraint_name="unique_store_product_variation",
	)
