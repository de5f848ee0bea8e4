"""WooCommerce customers -> Customer, Contact and Billing/Shipping Addresses, for every trigger.

Desk's Import Customers and `bench ... woocommerce import-customers` both end in `import_store`:
all the store's customers, some by id, or those modified since a moment. Customers are matched
exactly as the order import matches its buyers, by the same code (orders/customers.py's
CustomerResolver): by e-mail, then by the store account; identical addresses are reused. A
matched Customer without an account link gets this one, so later orders and pushes find it.

WooCommerce's customer list has no `modified_after` (its parameters are page, per_page, search,
exclude, include, offset, order, orderby = id/include/name/registered_date, email, role), and
WordPress silently ignores a parameter a route does not know. "Modified since" therefore reads
the list 100 a request in id order and drops the older accounts before any database look-up:
ceil(accounts / 100) requests, memory bounded by a page. The full list is WooCommerce's own
default, accounts with the role "customer"; accounts asked for by id are fetched whatever their
role (include=, 100 ids a request).

Both the Customer's e-mail and its account key are unique in the database, so an order import
and a customer import racing for one buyer make one Customer: the loser's insert fails on the
unique index, its transaction is rolled back, and the customer is tried again and found.
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import frappe
from frappe import _

from woocommerce_sync import jobs
from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import (
	CUSTOMER_EMAIL_FIELD,
	CUSTOMER_IMPORT_JOB,
	CUSTOMER_KEY_FIELD,
	MANAGER_ROLES,
	SETTINGS,
)
from woocommerce_sync.core.client import MAX_PER_PAGE, WooCommerceClient, WooCommerceError
from woocommerce_sync.core.customer_mapping import (
	CustomerMappingError,
	CustomerRecord,
	map_customer,
	modified_since,
)
from woocommerce_sync.dates import site_to_utc
from woocommerce_sync.manual_access import check_documents, check_store
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.orders.customers import CustomerResolver
from woocommerce_sync.runs import SyncRun, sync_run

# Raised when a concurrent run wrote the same Customer first; the customer is simply tried again.
CONFLICTS = (frappe.DuplicateEntryError, frappe.UniqueValidationError, frappe.QueryDeadlockError)
CONFLICT_ATTEMPTS = 3
CUSTOMER_NEEDS = [
	("Customer", "create"),
	("Customer", "write"),
	("Contact", "create"),
	("Address", "create"),
]


@dataclass
class CustomerFilters:
	"""Empty: every customer of the store."""

	ids: list[int] | None = None
	modified_since: datetime | None = None  # aware UTC


# Entry points ---------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def import_customers(store: str, ids: str | None = None, modified_since: str | None = None) -> dict:
	"""Desk's Import Customers: a long job, its progress sent to the user who asked."""
	frappe.only_for(MANAGER_ROLES)
	check_store(store)
	check_documents(store, CUSTOMER_NEEDS)
	filters = parse_filters(ids, modified_since)
	queued = jobs.enqueue(
		"woocommerce_sync.customers.import_customers.import_store",
		jobs.job_id(CUSTOMER_IMPORT_JOB, store),
		store=store,
		trigger="Manual",
		filters=filters,
		notify_user=frappe.session.user,
	)
	return {"queued": queued}


def parse_filters(ids: str | None = None, since: str | None = None) -> CustomerFilters:
	"""Form and command-line text ("2, 15", a date or date-time in the site's time zone) into filters."""
	try:
		id_list = [int(part) for part in (ids or "").replace(" ", ",").split(",") if part.strip()]
	except ValueError:
		frappe.throw(_("Customer IDs must be numbers separated by commas, like 2,15,16."))
	return CustomerFilters(ids=id_list or None, modified_since=site_to_utc(since) if since else None)


def count_customers(store: str, filters: CustomerFilters) -> int | None:
	"""How many accounts a run reads (one request, per_page=1), for a progress bar."""
	if filters.ids:
		return len(filters.ids)
	with get_client(frappe.get_doc(SETTINGS, store)) as client:
		response = client.request("GET", "customers", params={**LIST_PARAMS, "per_page": 1})
	total = response.headers.get("X-WP-Total")
	return int(total) if total is not None else None


def import_store(
	store: str,
	trigger: str = "Manual",
	filters: CustomerFilters | None = None,
	notify_user: str | None = None,
	on_progress: Callable[[int], None] | None = None,
) -> SyncRun:
	"""One Sync Log for the run; each customer its own transaction, a bad one fails alone."""
	filters = filters or CustomerFilters()
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, "customer import") as run:
		if filters.modified_since:
			run.note(_("Customers modified since {0} (UTC).").format(filters.modified_since))
		importer = CustomerImporter(settings, run)
		done = 0
		with get_client(settings) as client:
			for page in _pages(client, run, filters):
				importer.import_page(page)
				done += len(page)
				if on_progress:
					on_progress(len(page))
				if notify_user:
					frappe.publish_realtime(
						"woocommerce_customers_progress", {"store": store, "done": done}, user=notify_user
					)
	if notify_user:
		frappe.publish_realtime(
			"woocommerce_customers_done",
			{"store": store, "sync_log": run.name, "error": run.error, **run.counts},
			user=notify_user,
		)
	return run


# Which customers ------------------------------------------------------------------------------

LIST_PARAMS = {"orderby": "id", "order": "asc"}


def _pages(client: WooCommerceClient, run: SyncRun, filters: CustomerFilters) -> Iterator[list[dict]]:
	if filters.ids:
		for start in range(0, len(filters.ids), MAX_PER_PAGE):
			chunk = list(dict.fromkeys(filters.ids[start : start + MAX_PER_PAGE]))
			found = client.get_by_ids("customers", chunk, {"role": "all", **LIST_PARAMS})
			for missing in sorted(set(chunk) - {c.get("id") for c in found}):
				run.fail(
					missing,
					_("Store {0} has no customer {1}: check the id in WooCommerce > Customers.").format(
						run.store, missing
					),
				)
			if found:
				yield found
		return
	for page in client.iter_pages("customers", LIST_PARAMS):
		if filters.modified_since:
			page = list(modified_since(page, filters.modified_since))
		if page:
			yield page


# One page, one customer at a time --------------------------------------------------------------


class CustomerImporter:
	def __init__(self, settings, run: SyncRun):
		self.settings = settings
		self.store = settings.name
		self.run = run
		self.customers = CustomerResolver(settings)
		self.rules = FieldRules(settings, run.note)
		self.accounts: dict[int, dict] = {}  # the page's accounts as the store sent them, for the rules

	def import_page(self, page: list[dict]) -> None:
		records: list[CustomerRecord] = []
		self.accounts = {}
		for data in page:
			try:
				records.append(map_customer(data))
				self.accounts[records[-1].woocommerce_id] = data
			except CustomerMappingError as exc:
				self.run.fail(data.get("id"), _("Store {0}: {1}").format(self.store, exc))
		self.customers.prefetch(records)  # duck-typed like an order's draft: customer and addresses
		frappe.db.commit()
		for record in records:
			try:
				self.run.count(self._import_with_retries(record))
				frappe.db.commit()
			except Exception as exc:
				self._rollback()
				reason = (
					explain(exc)
					if isinstance(exc, WooCommerceError)
					else _("Store {0}, customer {1}: {2}").format(self.store, record.woocommerce_id, exc)
				)
				self.run.fail(record.woocommerce_id, reason)

	def _import_with_retries(self, record: CustomerRecord) -> str:
		"""A concurrent order import may create this buyer between our look-up and our insert:
		start again from what is now there, after a short random pause."""
		for attempt in range(1, CONFLICT_ATTEMPTS + 1):
			try:
				return self.import_customer(record)
			except CONFLICTS:
				if attempt == CONFLICT_ATTEMPTS:
					raise
				self._rollback()
				time.sleep(random.uniform(0.05, 0.25) * attempt)
				self.customers.prefetch([record])

	def import_customer(self, record: CustomerRecord) -> str:
		"""created / updated / skipped."""
		draft = record.customer
		key = self.customers.account_key(draft)
		known = self.customers.by_email.get(draft.email) or self.customers.by_account.get(key)
		name = self.customers.customer(draft)
		changed = known is None
		if known is not None:
			changed = self._link_account(name, draft.email, key)
			changed = self._has_new(name, record) or changed
			self.customers.contact(name, draft)
		billing, _shipping = self.customers.billing_and_shipping(
			name, record.billing_address, record.shipping_address
		)
		mapped = self.rules.apply(
			"Customer",
			self.accounts.get(record.woocommerce_id) or {},
			{"Customer": name, "Address": billing},
			_("customer {0}").format(record.woocommerce_id),
		)
		changed = changed or bool(mapped)
		for note in record.notes:
			self.run.note(_("Customer {0}: {1}").format(record.woocommerce_id, note))
		if known is None:
			return "created"
		return "updated" if changed else "skipped"

	def _link_account(self, customer: str, email: str, key: str) -> bool:
		"""Give a Customer found by e-mail the account (or one found by account its e-mail) it lacks."""
		current = frappe.db.get_value(
			"Customer", customer, [CUSTOMER_KEY_FIELD, CUSTOMER_EMAIL_FIELD], as_dict=True
		)
		changes = {}
		if not current.get(CUSTOMER_KEY_FIELD):
			changes[CUSTOMER_KEY_FIELD] = key
		elif current.get(CUSTOMER_KEY_FIELD) != key:
			self.run.note(
				_(
					"Customer {0} has the e-mail {1} but is linked to WooCommerce account {2}; its link is "
					"left as it is."
				).format(customer, email, current.get(CUSTOMER_KEY_FIELD))
			)
		if not current.get(CUSTOMER_EMAIL_FIELD):
			changes[CUSTOMER_EMAIL_FIELD] = email
		if not changes:
			return False
		try:
			frappe.db.set_value("Customer", customer, changes)
		except Exception as exc:
			if frappe.db.is_unique_key_violation(exc):
				raise frappe.UniqueValidationError("Customer", customer, exc) from exc
			raise
		return True

	def _has_new(self, customer: str, record: CustomerRecord) -> bool:
		"""An address this account has and the Customer lacks (made by the caller)."""
		return any(
			address
			and address.address_1
			and address.city
			and address.country
			and (customer, f"{address.address_type}:{address.key}") not in self.customers.addresses
			for address in (record.billing_address, record.shipping_address)
		)

	def _rollback(self) -> None:
		frappe.db.rollback()
		self.customers.forget()
