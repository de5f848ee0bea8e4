"""Customer, Contact and Addresses for imported orders: found by e-mail and address key, else created.

A page of orders is resolved with one query per kind (customers by e-mail, addresses by key), so
1,000 orders cost ten look-ups, not a thousand.
"""

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import validate_email_address

from woocommerce_sync.core.order_mapping import AddressDraft, CustomerDraft, SalesOrderDraft


class CustomerResolver:
	def __init__(self, settings):
		self.settings = settings
		self.by_email: dict[str, str] = {}
		self.by_account: dict[str, str] = {}
		self.contacts: dict[tuple[str, str], str] = {}
		self.addresses: dict[tuple[str, str], str] = {}
		self.countries: dict[str, str] = {}
		self.made: str | None = None  # the Customer the last customer() call made, if it made one
		self.defaults: dict[str, str] = {}  # Selling Settings' customer group and territory, read once a run
		# (field, value) pairs already looked up: a miss is not asked again; should another run make
		# that Customer meanwhile, the unique index refuses ours and the order starts again
		self.looked_up: set[tuple[str, str]] = set()

	def prefetch(self, drafts: Iterable[SalesOrderDraft]) -> None:
		"""Load what a page needs, dropping the last page's, so memory is bounded by a page."""
		self.forget()
		drafts = list(drafts)
		emails = {d.customer.email for d in drafts if d.customer.email and not d.customer.shared_customer}
		accounts = {self.account_key(d.customer) for d in drafts} - {None}
		self.by_account.update(_customers_by("woocommerce_customer_key", accounts))
		self.by_email.update(_customers_by("woocommerce_email", emails))
		self.looked_up.update(("woocommerce_customer_key", account) for account in accounts)
		self.looked_up.update(("woocommerce_email", email) for email in emails)
		if emails:
			for row in _linked_contacts(emails):
				self.contacts.setdefault((row.link_name, row.email_id), row.name)
		keys = {a.key for d in drafts for a in (d.billing_address, d.shipping_address) if a}
		if keys:
			address = frappe.qb.DocType("Address")
			link = frappe.qb.DocType("Dynamic Link")
			rows = (
				frappe.qb.from_(address)
				.join(link)
				.on((link.parent == address.name) & (link.parenttype == "Address"))
				.select(address.name, address.woocommerce_address_key, address.address_type, link.link_name)
				.where(address.woocommerce_address_key.isin(list(keys)) & (link.link_doctype == "Customer"))
				.run(as_dict=True)
			)
			for row in rows:
				self.addresses[(row.link_name, f"{row.address_type}:{row.woocommerce_address_key}")] = (
					row.name
				)

	def known(self) -> set[str]:
		"""The Customers the page's look-ups found."""
		return {*self.by_email.values(), *self.by_account.values()}

	def forget(self) -> None:
		"""After a rollback: customers and addresses this run created may not exist any more."""
		self.by_email.clear()
		self.by_account.clear()
		self.contacts.clear()
		self.addresses.clear()
		self.looked_up.clear()

	def account_key(self, draft: CustomerDraft) -> str | None:
		"""A registered buyer's account in this store. A guest (id 0) has none, unless ERPNext
		refused the e-mail: then the address as typed is the key, so the guest's next order finds
		the same Customer (`store:guest:address`)."""
		if draft.is_guest or not draft.woocommerce_customer_id:
			if draft.original_email and not draft.email:
				return f"{self.settings.name}:guest:{draft.original_email}"[:140]
			return None
		return f"{self.settings.name}:{draft.woocommerce_customer_id}"

	def customer(self, draft: CustomerDraft) -> str:
		"""By e-mail first, then by the store's customer id (a buyer who changed e-mail), else new."""
		self.made = None
		if draft.shared_customer:
			return draft.shared_customer
		account = self.account_key(draft)
		for cache, field, value in (
			(self.by_email, "woocommerce_email", draft.email),
			(self.by_account, "woocommerce_customer_key", account),
		):
			if value and value not in cache and (field, value) not in self.looked_up:
				cache.update(_customers_by(field, {value}))
				self.looked_up.add((field, value))
			if value in cache:
				return cache[value]
		customer = frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": draft.customer_name,
				"customer_type": "Company" if draft.company else "Individual",
				"customer_group": self.settings.customer_group or self.default("customer_group"),
				"territory": self.settings.territory or self.default("territory"),
				"woocommerce_email": draft.email,
				"woocommerce_customer_key": account,
			}
		).insert(ignore_permissions=True)
		if draft.email:
			self.by_email[draft.email] = customer.name
			# a Customer made a moment ago has no Contact to look for
			self.contacts[(customer.name, draft.email)] = self._new_contact(customer.name, draft)
		if account:
			self.by_account[account] = customer.name
		self.made = customer.name
		return customer.name

	def default(self, field: str) -> str:
		"""Selling Settings' default, else the tree's root (lowest lft), so a customer can always be made."""
		if field not in self.defaults:
			doctype = {"customer_group": "Customer Group", "territory": "Territory"}[field]
			self.defaults[field] = frappe.db.get_single_value(
				"Selling Settings", field
			) or frappe.db.get_value(doctype, {"is_group": 1}, order_by="lft asc")
		return self.defaults[field]

	def contact(self, customer: str, draft: CustomerDraft) -> str | None:
		"""The customer's Contact with this e-mail; created once, so repeat buyers keep one."""
		if not draft.email:
			return None
		key = (customer, draft.email)
		if key not in self.contacts:
			found = _linked_contacts([draft.email], customer)
			self.contacts[key] = found[0].name if found else self._new_contact(customer, draft)
		return self.contacts[key]

	def _new_contact(self, customer: str, draft: CustomerDraft) -> str:
		return (
			frappe.get_doc(
				{
					"doctype": "Contact",
					"first_name": draft.first_name or draft.customer_name,
					"last_name": draft.last_name,
					"company_name": draft.company,
					"email_ids": [{"email_id": draft.email, "is_primary": 1}],
					"phone_nos": [{"phone": draft.phone, "is_primary_phone": 1}] if draft.phone else [],
					"links": [{"link_doctype": "Customer", "link_name": customer}],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def billing_and_shipping(
		self, customer: str, billing: AddressDraft | None, shipping: AddressDraft | None
	) -> tuple[str | None, str | None]:
		"""The customer's billing and shipping Addresses. Most buyers ship to where they are billed:
		that place is one Address, marked as the shipping address too, not two copies (a Shipping
		Address an earlier import made for it is still used)."""
		same_place = bool(billing and shipping and billing.key == shipping.key)
		billing_name = self.address(customer, billing, ships_too=same_place)
		if same_place and billing_name:
			return billing_name, self.addresses.setdefault(
				(customer, f"Shipping:{shipping.key}"), billing_name
			)
		return billing_name, self.address(customer, shipping)

	def address(self, customer: str, draft: AddressDraft | None, ships_too: bool = False) -> str | None:
		"""The customer's Address for this draft; None when WooCommerce sent too little for one."""
		if not draft or not (draft.address_1 and draft.city and draft.country):
			return None
		cache_key = (customer, f"{draft.address_type}:{draft.key}")
		if cache_key in self.addresses:
			return self.addresses[cache_key]
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": customer,
				"address_type": draft.address_type,
				"address_line1": draft.address_1,
				"address_line2": draft.address_2,
				"city": draft.city,
				"state": draft.state,
				"pincode": draft.postcode,
				"country": self.country(draft.country),
				"email_id": draft.email,
				"phone": draft.phone,
				"woocommerce_address_key": draft.key,
				"is_shipping_address": int(ships_too),
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		self.addresses[cache_key] = address.name
		return address.name

	def country(self, code: str) -> str:
		"""WooCommerce sends ISO codes (US, JP); ERPNext names countries."""
		if code not in self.countries:
			name = frappe.db.get_value("Country", {"code": code.lower()})
			if not name:
				frappe.throw(
					_("Country code {0} is not known to ERPNext: add it to the Country list.").format(code)
				)
			self.countries[code] = name
		return self.countries[code]


def drop_refused_emails(draft: SalesOrderDraft) -> str | None:
	"""An e-mail Frappe still refuses (after IDNA: an unusual local part) must not fail the order:
	the customer is matched by the store account (or, for a guest, the address as typed) and made
	without it, Addresses carry none, and the Sales Order keeps the original. The Sync Log note says so."""
	for address in (draft.billing_address, draft.shipping_address):
		if address and address.email and not validate_email_address(address.email):
			address.email = ""
	email = draft.customer.email
	if not email or validate_email_address(email):
		return None
	draft.customer.email = None
	return _(
		"WooCommerce store {0}, order {1}: ERPNext refuses the e-mail {2}, so the customer is matched and "
		"made without it (by the store account, else the name); the Sales Order keeps it on its "
		"WooCommerce tab. Correct the address in WooCommerce if it is a typing error."
	).format(draft.store, draft.woocommerce_id, draft.customer.original_email)


def _customers_by(field: str, values: set[str]) -> dict[str, str]:
	"""Enabled Customers by a WooCommerce key field, the oldest first when several share one."""
	found: dict[str, str] = {}
	if values:
		for row in frappe.get_all(
			"Customer",
			filters={field: ("in", list(values)), "disabled": 0},
			fields=["name", field],
			order_by="creation asc",
		):
			found.setdefault(row[field], row.name)
	return found


def _linked_contacts(emails: Iterable[str], customer: str | None = None) -> list[frappe._dict]:
	"""Contacts with these e-mails linked to a Customer (to this one, if given)."""
	contact_email = frappe.qb.DocType("Contact Email")
	link = frappe.qb.DocType("Dynamic Link")
	condition = contact_email.email_id.isin(list(emails)) & (link.link_doctype == "Customer")
	if customer:
		condition &= link.link_name == customer
	return (
		frappe.qb.from_(contact_email)
		.join(link)
		.on((link.parent == contact_email.parent) & (link.parenttype == "Contact"))
		.select(contact_email.parent.as_("name"), contact_email.email_id, link.link_name)
		.where(condition & (contact_email.parenttype == "Contact"))
		.run(as_dict=True)
	)
