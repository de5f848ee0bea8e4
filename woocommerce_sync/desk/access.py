"""Who may look at and act on a store from Desk: the two roles, and the store's own permission."""

import frappe

from woocommerce_sync.connection import SETTINGS

MANAGERS = ("System Manager", "WooCommerce Manager")


def check_store(store: str, ptype: str = "read") -> None:
	"""Throws unless the user has one of the roles and `ptype` on this store's settings."""
	frappe.only_for(MANAGERS)
	if not frappe.db.exists(SETTINGS, store):
		frappe.throw(
			frappe._("There is no WooCommerce store named {0}.").format(store), frappe.DoesNotExistError
		)
	frappe.get_doc(SETTINGS, store).check_permission(ptype)


def readable_stores() -> list[str]:
	"""The stores this user may read (all for the two roles; none otherwise)."""
	frappe.only_for(MANAGERS)
	return frappe.get_list(SETTINGS, pluck="name", order_by="name asc")
