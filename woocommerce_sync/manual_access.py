"""Who may start a manual action: the store must exist, be enabled and be open to the user, and
the user must be allowed every document the action will create or submit.

The workers behind the actions insert and submit with ignore_permissions (a background job has
nobody to ask, and `ignore_permissions` carries over from insert to submit), so the request
checks here, as the user, everything the worker will then do on their behalf.
"""

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.model.document import Document

from woocommerce_sync.constants import SETTINGS

Needs = list[tuple[str, str]]

# What each kind of work creates or changes with ignore_permissions, as (doctype, permission).
ITEM_MAKING: Needs = [
	("Item", "create"),
	("Item", "write"),
	("Item Attribute", "create"),
	("Item Attribute", "write"),
	("Item Price", "create"),
]
PRICE_PULLING: Needs = [("Item Price", "create"), ("Item Price", "write"), ("Item Price", "delete")]


def ptype_label(ptype: str) -> str:
	return {
		"read": _("read"),
		"write": _("change"),
		"create": _("create"),
		"submit": _("submit"),
		"cancel": _("cancel"),
		"delete": _("delete"),
	}[ptype]


def check_store(store: str | None, ptype: str = "read", enabled: bool = True) -> Document:
	"""The store's settings, if they exist, the user may `ptype` them (User Permissions included)
	and, unless `enabled` is False (looking, not acting), the store is enabled; otherwise a
	message that says what to do."""
	if not store or not frappe.db.exists(SETTINGS, store):
		frappe.throw(
			_(
				"WooCommerce store {0} does not exist: check the name, or create it in WooCommerce "
				"Integration Settings."
			).format(store),
			frappe.DoesNotExistError,
		)
	settings = frappe.get_doc(SETTINGS, store)
	if not settings.has_permission(ptype):
		frappe.throw(
			_(
				"You may not {0} the settings of WooCommerce store {1}: ask a System Manager for access "
				"to that store."
			).format(ptype_label(ptype), store),
			frappe.PermissionError,
		)
	if enabled and not settings.enabled:
		frappe.throw(
			_(
				"Store {0} is disabled: tick Enabled in its settings (WooCommerce Integration Settings), "
				"then try again."
			).format(store),
			title=_("Store Disabled"),
		)
	return settings


def check_documents(store: str, needs: Iterable[tuple[str, str]]) -> None:
	"""Refuse, naming the first document and permission the user lacks, before anything is done."""
	for doctype, ptype in dict.fromkeys(needs):
		if not frappe.has_permission(doctype, ptype):
			frappe.throw(
				_(
					"Store {0}: this action would {1} a {2}, and you may not {1} {2} documents. Ask a "
					"System Manager for that permission, or ask someone who has it to do this."
				).format(store, ptype_label(ptype), _(doctype)),
				frappe.PermissionError,
			)


def sale_needs(settings: Document, invoice: bool = False) -> Needs:
	"""What the sale workflow makes for an order: invoice and credit notes, payments, delivery;
	`invoice`: an invoice is made even if the store does not invoice by itself (Create Invoice)."""
	needs: Needs = []
	if invoice or settings.create_invoice:
		needs.append(("Sales Invoice", "create"))
		if settings.submit_invoice:
			needs.append(("Sales Invoice", "submit"))
			if settings.create_payment:
				needs += [("Payment Entry", "create"), ("Payment Entry", "submit")]
	if settings.create_delivery_note:
		needs += [("Delivery Note", "create"), ("Delivery Note", "submit")]
	return needs


def refund_needs(settings: Document) -> Needs:
	"""Credit notes are Sales Invoices; money paid back is a Payment Entry."""
	needs: Needs = [("Sales Invoice", "create")]
	if settings.submit_invoice:
		needs.append(("Sales Invoice", "submit"))
		if settings.create_payment:
			needs += [("Payment Entry", "create"), ("Payment Entry", "submit")]
	return needs


def import_needs(settings: Document) -> Needs:
	"""An import makes and updates Sales Orders, their customers, addresses, contacts and unknown
	Items, and follows the sale workflow."""
	needs: Needs = [
		("Sales Order", "create"),
		("Sales Order", "write"),
		("Customer", "create"),
		("Address", "create"),
		("Contact", "create"),
		("Item", "create"),
		("Item", "write"),
	]
	if settings.submit_orders:
		needs += [("Sales Order", "submit"), ("Sales Order", "cancel")]
	return needs + sale_needs(settings)
