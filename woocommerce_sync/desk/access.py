"""Who may look at a store from Desk: the two roles and the store's read permission (User
Permissions included), checked by manual_access.check_store like every action; a disabled store
can still be looked at, while acting on one also wants it enabled."""

import frappe

from woocommerce_sync.constants import MANAGER_ROLES, SETTINGS
from woocommerce_sync.manual_access import check_documents, check_store, import_needs


def check_readable(store: str) -> None:
	"""Throws unless the user has one of the roles and may read this store's settings."""
	frappe.only_for(MANAGER_ROLES)
	check_store(store, enabled=False)


def check_import(store: str) -> None:
	"""What Import Orders checks: roles, the store (enabled, writable) and every document an import makes."""
	frappe.only_for(MANAGER_ROLES)
	check_documents(store, import_needs(check_store(store, "write")))


def readable_stores() -> list[str]:
	"""The stores this user may read (User Permissions applied); the roles are required."""
	frappe.only_for(MANAGER_ROLES)
	frappe.has_permission(SETTINGS, "read", throw=True)
	return frappe.get_list(SETTINGS, pluck="name", order_by="name asc")
