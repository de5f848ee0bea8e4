"""Shared set-up for the bench tier: a company's defaults, a store's settings, the fake store."""

import threading
import typing
from collections.abc import Callable

import frappe
from frappe.tests.utils import FrappeTestCase

from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore

OTHER_COMPANY = "_Test WooCommerce Other Company"


def get_company() -> frappe._dict:
	"""The site's first company (the one ERPNext's test bootstrap creates) and its ledgers."""
	company = frappe.get_all("Company", fields=["name", "abbr"], order_by="creation asc", limit=1)[0]
	return frappe._dict(
		name=company.name,
		warehouse=_first("Warehouse", {"company": company.name, "is_group": 0}),
		tax_account=_first("Account", {"company": company.name, "is_group": 0, "account_type": "Tax"}),
		income_account=_first("Account", {"company": company.name, "is_group": 0, "root_type": "Income"}),
		group_account=_first("Account", {"company": company.name, "is_group": 1}),
		cost_center=_first("Cost Center", {"company": company.name, "is_group": 0}),
	)


def get_other_company() -> frappe._dict:
	"""A second company, to prove that settings refuse ledgers of another company."""
	if not frappe.db.exists("Company", OTHER_COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": OTHER_COMPANY,
				"abbr": "_TWOC",
				"default_currency": "USD",
				"country": "United States",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return frappe._dict(
		name=OTHER_COMPANY,
		warehouse=_first("Warehouse", {"company": OTHER_COMPANY, "is_group": 0}),
		tax_account=_first("Account", {"company": OTHER_COMPANY, "is_group": 0, "account_type": "Tax"}),
	)


def make_settings(store: FakeWooCommerceStore | None = None, **overrides) -> "frappe.model.document.Document":
	company = get_company()
	values = {
		"doctype": SETTINGS,
		"store_name": overrides.pop("store_name", f"test-shop-{frappe.generate_hash(length=10)}"),
		"store_url": store.url if store else "https://shop.example.com",
		"consumer_key": store.consumer_key if store else "ck_" + "1" * 40,
		"consumer_secret": store.consumer_secret if store else "cs_" + "2" * 40,
		"webhook_secret": "whsec_" + frappe.generate_hash(length=16),
		"company": company.name,
		"warehouse": company.warehouse,
	}
	values.update(overrides)
	return frappe.get_doc(values)


def make_importing_settings(store: FakeWooCommerceStore, **overrides) -> "frappe.model.document.Document":
	"""Settings that can import the fake store's orders: its tax rates 1 and 2, shipping and fees
	mapped to the company's ledgers. Inserted and committed, because sync_store commits."""
	company = get_company()
	values = {
		"shipping_account": company.income_account,
		"fee_account": company.income_account,
		"cost_center": company.cost_center,
		**overrides,
	}
	settings = make_settings(store, **values)
	for rate_id in (1, 2):
		settings.append("tax_accounts", {"tax_rate_id": rate_id, "account": company.tax_account})
	settings.insert()
	frappe.db.commit()
	return settings


def _first(doctype: str, filters: dict) -> str | None:
	names = frappe.get_all(doctype, filters=filters, pluck="name", order_by="creation asc", limit=1)
	return names[0] if names else None


def run_concurrently(*tasks: Callable[[], object]) -> tuple[list, list[Exception]]:
	"""Run each task in its own thread with its own site connection, all released at once, as two
	workers would; returns their results and the exceptions they raised."""
	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(len(tasks))
	results, errors = [], []

	def worker(task):
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			barrier.wait()
			results.append(task())
		except Exception as exc:
			errors.append(exc)
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=worker, args=(task,)) for task in tasks]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=300)
	return results, errors


def enable_euro() -> None:
	"""EUR enabled with a selling rate to USD, for orders in another currency than the company's."""
	frappe.db.set_value("Currency", "EUR", "enabled", 1)
	if not frappe.db.exists("Currency Exchange", {"from_currency": "EUR", "to_currency": "USD"}):
		frappe.get_doc(
			{
				"doctype": "Currency Exchange",
				"date": "2026-01-01",
				"from_currency": "EUR",
				"to_currency": "USD",
				"exchange_rate": 1.08,
				"for_selling": 1,
			}
		).insert()


class StoreTestCase(FrappeTestCase):
	"""A fake store on 127.0.0.1 and settings that can import its orders (`store_overrides`)."""

	store_overrides: typing.ClassVar[dict] = {}

	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.settings = make_importing_settings(self.fake, **self.store_overrides)
		self.store = self.settings.name


def ensure_user(email: str, roles: list[str]) -> str:
	"""A test user with exactly these roles."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [{"role": role} for role in roles])
	user.save(ignore_permissions=True)
	return email


def enable_currency(currency: str, to_currency: str, rates: dict[str, float] | None = None) -> None:
	"""The currency enabled, with Currency Exchange records to `to_currency` for selling (date -> rate)."""
	frappe.db.set_value("Currency", currency, "enabled", 1)
	for day, rate in (rates or {}).items():
		existing = frappe.db.get_value(
			"Currency Exchange",
			{"date": day, "from_currency": currency, "to_currency": to_currency, "for_selling": 1},
		)
		if existing:
			frappe.db.set_value("Currency Exchange", existing, "exchange_rate", rate)
		else:
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": day,
					"from_currency": currency,
					"to_currency": to_currency,
					"exchange_rate": rate,
					"for_selling": 1,
				}
			).insert(ignore_permissions=True)


def receivable_account(company: str, currency: str) -> str:
	"""A Receivable ledger of the company in that currency: the site's, else one made beside Debtors."""
	found = _first(
		"Account",
		{"company": company, "account_type": "Receivable", "account_currency": currency, "is_group": 0},
	)
	if found:
		return found
	debtors = frappe.get_cached_value("Company", company, "default_receivable_account")
	return (
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": f"Debtors {currency}",
				"parent_account": frappe.db.get_value("Account", debtors, "parent_account"),
				"company": company,
				"account_type": "Receivable",
				"account_currency": currency,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
