"""ERPNext -> WooCommerce: a Customer becomes (or updates) a customer account of a store.

Push to WooCommerce on the Customer form, `bench ... woocommerce push-customer`, and, where the
store ticks Push Linked Customers on Save, every save of a Customer linked to one of its
accounts: all queue `push_to_store`, a short job that runs after the commit, with one Sync Log.

- The account is the Customer's existing link (`woocommerce_customer_key`, "<store>:<id>", the
  same link the order import fills), so a Customer has one account in one store. An account
  deleted in the store (WooCommerce's invalid-id answer) is created again.
- Without a link the account is created by e-mail. WooCommerce refuses an e-mail it already
  has (registration-error-email-exists): that account is then looked up by e-mail and linked,
  so neither side gets a duplicate.
- The e-mail is required (WooCommerce's own rule); a Customer without one is refused with a
  message saying where to add it. No password and no username are ever sent: WooCommerce
  makes the username from the e-mail and, with its "send a link to set the password" option,
  a password the app never sees.
- WooCommerce runs every REST-created account through wc_create_new_customer, which sends its
  New account e-mail (when that e-mail is enabled in WooCommerce > Settings > Emails). The API
  has no switch to skip it for one account, and turning the shop's setting off and on around
  our call would silence real sign-ups meanwhile. So, unless the store ticks Let WooCommerce
  Send Its New Account E-mail, the app reads that setting first and creates no account while
  the e-mail is on, saying so. Updates never send it.
"""

from collections.abc import Callable

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html

from woocommerce_sync import jobs
from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import (
	CUSTOMER_EMAIL_FIELD,
	CUSTOMER_KEY_FIELD,
	CUSTOMER_PUSH_JOB,
	MANAGER_ROLES,
	SETTINGS,
	SHORT_QUEUE,
)
from woocommerce_sync.core.client import (
	WooCommerceClient,
	WooCommerceError,
	WooCommerceNotFound,
	WooCommerceRequestError,
)
from woocommerce_sync.core.customer_mapping import customer_body
from woocommerce_sync.manual_access import check_store
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.runs import SyncRun, sync_run

NEW_ACCOUNT_EMAIL_OPTION = "settings/email_customer_new_account/enabled"
INVALID_CUSTOMER_ID = "woocommerce_rest_invalid_id"  # WC_REST_Customers_V1_Controller's answer


# Entry points ---------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def push_customer(customer: str, store: str | None = None) -> dict:
	"""The Customer's Push to WooCommerce: queued; the Sync Log tells how it went."""
	frappe.only_for(MANAGER_ROLES)
	doc = frappe.get_doc("Customer", customer)
	doc.check_permission("write")
	store = store_for(doc, store)
	check_store(store)
	customer_email(doc, store)
	return {"queued": enqueue_push(store, doc.name, "Manual"), "store": store}


def on_customer_update(doc: Document, method: str | None = None) -> None:
	"""Customer on_update: a linked Customer is pushed again where its store asks for it. A new
	Customer is not: the importers create linked Customers from the store's own data."""
	if doc.flags.from_woocommerce or doc.get_doc_before_save() is None:
		return
	store, _account = split_key(doc.get(CUSTOMER_KEY_FIELD))
	if store and frappe.db.get_value(SETTINGS, store, ["enabled", "push_customers_on_save"]) == (1, 1):
		enqueue_push(store, doc.name, "Scheduler")


def enqueue_push(store: str, customer: str, trigger: str) -> bool:
	return jobs.enqueue(
		"woocommerce_sync.customers.customer_to_woocommerce.push_to_store",
		jobs.job_id(CUSTOMER_PUSH_JOB, store, customer),
		queue=SHORT_QUEUE,
		customer=customer,
		store=store,
		trigger=trigger,
	)


def push_to_store(customer: str, store: str, trigger: str = "Manual") -> SyncRun:
	"""Create or update the Customer's account in the store; a refusal fails the Customer, not the run."""
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, f"push of Customer {customer}") as run:
		run.note(_("Push of Customer {0}.").format(customer))
		try:
			doc = frappe.get_doc("Customer", customer)
			with get_client(settings) as client:
				run.count(CustomerPusher(settings, client, run.note).push(doc))
			frappe.db.commit()
		except Exception as exc:
			frappe.db.rollback()
			reason = (
				explain(exc)
				if isinstance(exc, WooCommerceError)
				else _("Store {0}, Customer {1}: {2}").format(store, customer, exc)
			)
			run.fail(customer, reason, reference=("Customer", customer))
	return run


# Which store, which account, which e-mail -------------------------------------------------------


def split_key(key: str | None) -> tuple[str | None, int | None]:
	""" "<store>:<customer id>" -> (store, id); store names may hold colons, ids do not."""
	store, _sep, account = (key or "").rpartition(":")
	return (store, int(account)) if store and account.isdigit() else (None, None)


def store_for(doc: Document, store: str | None) -> str:
	"""The store of the Customer's account; an unlinked Customer goes where the user chose."""
	linked, _account = split_key(doc.get(CUSTOMER_KEY_FIELD))
	if linked and store and store != linked:
		frappe.throw(
			_(
				"Customer {0} is linked to an account of WooCommerce store {1}; a Customer has one account. "
				"Push it to {1}, or create another Customer for store {2}."
			).format(escape_html(doc.name), linked, store)
		)
	if linked or store:
		return linked or store
	frappe.throw(_("Choose the WooCommerce store to create Customer {0} in.").format(escape_html(doc.name)))


def customer_email(doc: Document, store: str) -> str:
	email = (doc.get(CUSTOMER_EMAIL_FIELD) or doc.get("email_id") or "").strip().lower()
	if not email:
		frappe.throw(
			_(
				"Customer {0} has no e-mail, and a WooCommerce account needs one (store {1}): add an e-mail "
				"to its primary Contact or its WooCommerce Email, then push again."
			).format(escape_html(doc.name), store),
			title=_("E-mail Required"),
		)
	return email


# The push ----------------------------------------------------------------------------------------


class CustomerPusher:
	def __init__(self, settings, client: WooCommerceClient, note: Callable[[str], None]):
		self.settings = settings
		self.store = settings.name
		self.client = client
		self.rules = FieldRules(settings, note)

	def push(self, doc: Document) -> str:
		"""created / updated."""
		email = customer_email(doc, self.store)
		body = self.body(doc, email)
		_store, account = split_key(doc.get(CUSTOMER_KEY_FIELD))
		if account:
			try:
				self.client.put(f"customers/{account}", body)
				self.link(doc, account, email)
				return "updated"
			except WooCommerceNotFound as exc:
				if exc.code != INVALID_CUSTOMER_ID:
					raise  # not WooCommerce's own answer for a deleted account: change nothing
		return self.create(doc, email, body)

	def create(self, doc: Document, email: str, body: dict) -> str:
		self.check_new_account_email()
		try:
			account = self.client.post("customers", body)["id"]
			outcome = "created"
		except WooCommerceRequestError as exc:
			if exc.code == "registration-error-missing-password":
				frappe.throw(
					_(
						"WooCommerce store {0} wants a password for every new account, and the app never sends "
						'one: in WooCommerce > Settings > Accounts and Privacy, tick "Send password setup '
						'link" (generate the password), then push Customer {1} again.'
					).format(self.store, escape_html(doc.name))
				)
			if exc.code != "registration-error-email-exists":
				raise
			account = self.account_by_email(email)
			self.client.put(f"customers/{account}", body)
			outcome = "updated"
		self.link(doc, account, email)
		return outcome

	def check_new_account_email(self) -> None:
		if cint(self.settings.allow_new_account_email):
			return
		option = self.client.get(NEW_ACCOUNT_EMAIL_OPTION) or {}
		if option.get("value") == "yes":
			frappe.throw(
				_(
					"WooCommerce store {0} sends its New account e-mail to every account the app creates, and "
					"this store does not allow that: turn the e-mail off in WooCommerce > Settings > Emails > "
					"New account, or tick Let WooCommerce Send Its New Account E-mail in the store's settings."
				).format(self.store)
			)

	def account_by_email(self, email: str) -> int:
		found = self.client.get("customers", {"email": email, "role": "all"}) or []
		if not found:
			frappe.throw(
				_(
					"WooCommerce store {0} says the e-mail {1} has an account but lists none: it may belong to a "
					"user who is not a customer (WordPress Users); link or change it there."
				).format(self.store, escape_html(email))
			)
		return int(found[0]["id"])

	def link(self, doc: Document, account: int, email: str) -> None:
		"""Store the account on the Customer (db_set: no save, so no push of our own push)."""
		key = f"{self.store}:{account}"
		holder = frappe.db.get_value("Customer", {CUSTOMER_KEY_FIELD: key, "name": ("!=", doc.name)})
		if holder:
			frappe.throw(
				_(
					"WooCommerce account {0} of store {1} ({2}) belongs to Customer {3} already: merge the two "
					"Customers, or give Customer {4} another e-mail."
				).format(account, self.store, escape_html(email), holder, escape_html(doc.name))
			)
		values = {CUSTOMER_KEY_FIELD: key}
		if not doc.get(CUSTOMER_EMAIL_FIELD) and not frappe.db.exists(
			"Customer", {CUSTOMER_EMAIL_FIELD: email}
		):
			values[CUSTOMER_EMAIL_FIELD] = email
		doc.db_set(values, update_modified=False)

	def body(self, doc: Document, email: str) -> dict:
		first_name, last_name = self.names(doc)
		company = doc.customer_name if doc.customer_type == "Company" else ""
		billing, shipping = self.addresses(doc)
		body = customer_body(
			email,
			first_name,
			last_name,
			_address(billing, first_name, last_name, company) if billing else None,
			_address(shipping, first_name, last_name, company, with_email=False) if shipping else None,
		)
		subject = _("Customer {0}").format(doc.name)
		self.rules.export("Customer", {"Customer": doc, "Address": billing}, body, subject)
		return body

	def names(self, doc: Document) -> tuple[str, str]:
		"""The primary Contact's names; else the Customer's name split at its first space."""
		if doc.customer_primary_contact:
			names = frappe.db.get_value(
				"Contact", doc.customer_primary_contact, ["first_name", "last_name"], as_dict=True
			)
			if names and names.first_name:
				return names.first_name, names.last_name or ""
		if doc.customer_type == "Company":
			return "", ""
		first, _sep, last = (doc.customer_name or "").partition(" ")
		return first, last

	def addresses(self, doc: Document) -> tuple[frappe._dict | None, frappe._dict | None]:
		"""Billing: the primary address, else the first Billing one; shipping: the shipping
		address, else the first Shipping one."""
		address = frappe.qb.DocType("Address")
		link = frappe.qb.DocType("Dynamic Link")
		rows = (
			frappe.qb.from_(address)
			.join(link)
			.on((link.parent == address.name) & (link.parenttype == "Address"))
			.select(address.star)
			.where((link.link_doctype == "Customer") & (link.link_name == doc.name) & (address.disabled == 0))
			.orderby(address.creation)
			.run(as_dict=True)
		)
		primary = next((r for r in rows if r.name == doc.customer_primary_address), None)
		billing = primary or next((r for r in rows if r.is_primary_address), None)
		billing = billing or next((r for r in rows if r.address_type == "Billing"), None)
		shipping = next((r for r in rows if r.is_shipping_address), None)
		shipping = shipping or next((r for r in rows if r.address_type == "Shipping"), None)
		return billing, shipping


def _address(
	row: frappe._dict, first_name: str, last_name: str, company: str, with_email: bool = True
) -> dict[str, str]:
	"""An ERPNext Address as WooCommerce's billing or shipping block (shipping has no e-mail)."""
	code = frappe.db.get_value("Country", row.country, "code") if row.country else None
	return {
		"first_name": first_name,
		"last_name": last_name,
		"company": company,
		"address_1": row.address_line1 or "",
		"address_2": row.address_line2 or "",
		"city": row.city or "",
		"state": row.state or "",
		"postcode": row.pincode or "",
		"country": (code or "").upper(),
		"phone": row.phone or "",
		**({"email": row.email_id} if with_email and row.email_id else {}),
	}
