"""One live Sales Order per WooCommerce order, enforced by a unique index, not by a Python check.

`woocommerce_live_key` is "<store>:<order id>" while the Sales Order is draft or submitted and
empty (NULL, which a unique index allows many of) once it is cancelled, so an amendment or a new
import can take the order over. Two imports racing for the same order both try to insert the
same key; the database lets one win and the other gets DuplicateEntryError.
"""

import frappe
from frappe.model.document import Document

from woocommerce_sync.constants import LIVE_KEY_FIELD


def live_key(store: str, woocommerce_id: str | int) -> str:
	return f"{store}:{woocommerce_id}"


def set_live_key(doc: Document, method: str | None = None) -> None:
	"""Sales Order validate: claim the key; an amendment inherits the link of what it amends."""
	if doc.amended_from and not doc.woocommerce_id:
		original = frappe.db.get_value(
			"Sales Order", doc.amended_from, ["woocommerce_server", "woocommerce_id"], as_dict=True
		)
		if original and original.woocommerce_id:
			doc.woocommerce_server, doc.woocommerce_id = original.woocommerce_server, original.woocommerce_id
	has_link = doc.woocommerce_server and doc.woocommerce_id
	doc.woocommerce_live_key = live_key(doc.woocommerce_server, doc.woocommerce_id) if has_link else None


def release_live_key(doc: Document, method: str | None = None) -> None:
	"""Sales Order on_cancel: a cancelled order no longer holds the WooCommerce order."""
	doc.db_set(LIVE_KEY_FIELD, None, update_modified=False)
