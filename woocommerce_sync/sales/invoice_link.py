"""Only the app ties a Sales Invoice to a WooCommerce order or refund.

The sale workflow finds an order's invoice and credit notes by these fields, and undoing an
order cancels or deletes every invoice carrying its id. A person (or an API call) who could set
them would make the app skip invoicing an order, credit a refund twice, or delete somebody else's
draft invoice when the shop cancels an order. So they are set by the app only, like the Sales
Order's link (orders/live_key.py); the store alone may be chosen (Create > Sales Invoice copies it
from the Sales Order).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import escape_html

from woocommerce_sync.constants import ORDER_ID_FIELD, REFUND_ID_FIELD, STORE_FIELD

APP_SET_FIELDS = (ORDER_ID_FIELD, REFUND_ID_FIELD)


def protect_invoice_link(doc: Document, method: str | None = None) -> None:
	"""Sales Invoice validate: refuse a link the app did not make, and moving one it made."""
	if doc.flags.from_woocommerce:
		return
	before = doc.get_doc_before_save()
	fields = (
		[*APP_SET_FIELDS, STORE_FIELD]
		if before is not None and before.get(ORDER_ID_FIELD)
		else APP_SET_FIELDS
	)
	changed = [field for field in fields if (doc.get(field) or None) != ((before or {}).get(field) or None)]
	if changed:
		frappe.throw(
			_(
				"Sales Invoice {0}: {1} is set by the WooCommerce sync only. The sync makes the order's "
				"invoice and credit notes itself; use Create Invoice on the Sales Order, or leave the "
				"field empty."
			).format(
				escape_html(doc.name or _("New Sales Invoice")),
				", ".join(_(doc.meta.get_label(field)) for field in changed),
			),
			frappe.PermissionError,
		)
