"""One live Sales Order per WooCommerce order, enforced by a unique index, not by a Python check.

`woocommerce_live_key` is "<store>:<order id>" while the Sales Order is draft or submitted and
empty (NULL, which a unique index allows many of) once it is cancelled, so an amendment or a new
import can take the order over. Two imports racing for the same order both try to insert the
same key; the database lets one win and the other gets DuplicateEntryError.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html

LINK_FIELDS = ("woocommerce_server", "woocommerce_id")

from woocommerce_sync.constants import LIVE_KEY_FIELD


def live_key(store: str, woocommerce_id: str | int) -> str:
	return f"{store}:{woocommerce_id}"


def protect_link(doc: Document, method: str | None = None) -> None:
	"""Sales Order validate: only the app binds a Sales Order to a WooCommerce order, so nobody can
	tie a hand-made order to a store order and then push to it or cancel it. A person may choose
	the store of a new order (it is exported on submit), keep what an amendment inherits, or
	unlink with a reason (unlink_from_woocommerce); pointing the link elsewhere is refused."""
	if doc.flags.from_woocommerce:
		return
	before = doc.get_doc_before_save()
	if before is None and doc.amended_from:
		before = frappe.db.get_value("Sales Order", doc.amended_from, LINK_FIELDS, as_dict=True)
	linked = before is not None and before.get("woocommerce_id")
	if linked:
		changed = [field for field in LINK_FIELDS if (doc.get(field) or None) != (before.get(field) or None)]
		if doc.is_new() and not doc.woocommerce_id:
			changed = []  # set_live_key fills in what the amendment inherits
	else:
		changed = ["woocommerce_id"] if doc.woocommerce_id else []
	if changed:
		frappe.throw(
			_(
				"Sales Order {0}: the link to WooCommerce ({1}) is set by the WooCommerce sync only. To end "
				"it, use Actions > Unlink from WooCommerce and give a reason; to sell to a WooCommerce "
				"order, import it from its store."
			).format(
				escape_html(doc.name or _("New Sales Order")),
				", ".join(_(doc.meta.get_label(field)) for field in changed),
			),
			frappe.PermissionError,
		)


@frappe.whitelist(methods=["POST"])
def unlink_from_woocommerce(sales_order: str, reason: str) -> None:
	"""Unlink from WooCommerce: the Sales Order stops following its WooCommerce order, and the
	reason stays on record as a comment."""
	doc = frappe.get_doc("Sales Order", sales_order)
	doc.check_permission("write")
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(_("Say why Sales Order {0} should be unlinked from WooCommerce.").format(doc.name))
	if not doc.woocommerce_id:
		frappe.throw(_("Sales Order {0} is not linked to a WooCommerce order.").format(doc.name))
	store, order_id = doc.woocommerce_server, doc.woocommerce_id
	# db_set: a submitted order's link fields cannot change on save, and validate would refuse
	doc.db_set({"woocommerce_server": None, "woocommerce_id": None, "woocommerce_live_key": None})
	doc.add_comment(
		"Comment",
		_("Unlinked from WooCommerce order {0} of store {1}: {2}").format(
			escape_html(order_id), escape_html(store), escape_html(reason)
		),
	)


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
