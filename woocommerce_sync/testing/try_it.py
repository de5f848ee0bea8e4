"""The steps of scripts/try-it that happen inside the site, each safe to run again.

    bench --site <site> execute woocommerce_sync.testing.try_it.complete_setup_wizard
    bench --site <site> execute woocommerce_sync.testing.try_it.configure_store --args "['<store.json>']"
    bench --site <site> woocommerce import-orders --store "Try-it Store"
    bench --site <site> execute woocommerce_sync.testing.try_it.report --kwargs "{...}"

Only frappe's API and the app's DocTypes are used here, so that the script keeps working while the
app's modules move around; the import itself is the app's own command, as a user would run it.
"""

import json
from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from woocommerce_sync.constants import ORDER_RETRY, SETTINGS

STORE = "Try-it Store"
SYNC_LOG = "WooCommerce Sync Log"
REQUEST_LOG = "WooCommerce Request Log"
# The company the setup wizard makes: a US shop, like the fake store (USD, California taxes).
WIZARD = {
	"language": "English",
	"country": "United States",
	"timezone": "America/Los_Angeles",
	"currency": "USD",
	"company_name": "Try-it Shop",
	"company_abbr": "TS",
	"company_tagline": "A WooCommerce shop on ERPNext",
	"chart_of_accounts": "Standard",
	"industry": "Retail",
}


def complete_setup_wizard() -> None:
	"""ERPNext's setup wizard, non-interactively: company, chart of accounts, fiscal year."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	if frappe.is_setup_complete():
		print(_("Setup wizard: already completed."))
	else:
		year = now_datetime().year
		setup_complete({**WIZARD, "fy_start_date": f"{year}-01-01", "fy_end_date": f"{year}-12-31"})
		frappe.db.commit()
		print(_("Setup wizard: completed, company {0}.").format(_company()))
	# A shop has last year's books too, and orders from then may still come in.
	_ensure_fiscal_year(now_datetime().year - 1)
	frappe.db.commit()


def configure_store(store_json: str, store: str = STORE) -> None:
	"""The store's settings as an administrator fills them in on the form, then Test Connection.

	`store_json` is the file the fake store printed (url, consumer_key, consumer_secret). Run again,
	it updates the same document, and clears Last Sync so that the import reads every order again:
	a second run shows orders already in ERPNext being recognised, not duplicated."""
	with open(store_json) as f:
		fake = json.load(f)
	company = _company()
	# The fake store's tax rates, as its administrator would book them: 1 = CA State 7.25 %,
	# 2 = CA County 1 % (compound).
	tax_accounts = {
		1: _tax_ledger(company, "CA State Tax", 7.25),
		2: _tax_ledger(company, "CA County Tax", 1),
	}
	income_account = frappe.db.get_value("Company", company, "default_income_account") or _ledger(
		company, root_type="Income"
	)
	values = {
		"store_url": fake["url"],
		"consumer_key": fake["consumer_key"],
		"consumer_secret": fake["consumer_secret"],
		"company": company,
		"warehouse": frappe.db.get_value("Warehouse", {"warehouse_name": "Stores", "company": company})
		or _first("Warehouse", company=company, is_group=0),
		"statuses_to_import": "processing\non-hold\ncompleted",
		"shipping_account": income_account,
		"fee_account": income_account,
		"cost_center": frappe.db.get_value("Company", company, "cost_center")
		or _first("Cost Center", company=company, is_group=0),
		"last_sync": None,
	}
	if frappe.db.exists(SETTINGS, store):
		settings = frappe.get_doc(SETTINGS, store)
		settings.update(values)
		settings.set("tax_accounts", [])
	else:
		settings = frappe.get_doc({"doctype": SETTINGS, "store_name": store, **values})
	for rate_id, account in tax_accounts.items():
		settings.append("tax_accounts", {"tax_rate_id": rate_id, "account": account})
	settings.save()
	frappe.db.delete(ORDER_RETRY, {"store": store})  # a fresh start: no order of an earlier try waits
	frappe.db.commit()
	print(
		_("Store {0}: {1}, company {2}, warehouse {3}, taxes to {4}.").format(
			store, settings.store_url, company, settings.warehouse, ", ".join(tax_accounts.values())
		)
	)
	result = settings.test_connection()
	frappe.db.commit()
	print(_("Test Connection: {0}").format(result.get("message")))
	if not result.get("ok"):
		raise SystemExit(1)


def report(desk_url: str, password: str, store: str = STORE) -> None:
	"""What a newcomer wants to see: where to log in, and what the last import did."""
	# Request Log rows are queued in Redis and written by the scheduler; write them now.
	frappe.deferred_insert.save_to_db()
	frappe.db.commit()
	logs = frappe.get_all(
		SYNC_LOG,
		filters={"store": store, "trigger": "Command"},
		fields=[
			"name",
			"status",
			"started",
			"ended",
			"created_count",
			"updated_count",
			"skipped_count",
			"failed_count",
		],
		order_by="creation desc",
		limit=1,
	)
	sales_orders = frappe.db.count("Sales Order", {"woocommerce_server": store})
	lines = [
		"",
		_("WooCommerce Sync is running. Open the Desk:"),
		"",
		f"  {_('Desk')}:           {desk_url}/app/woocommerce-integration-settings/{_quote(store)}",
		f"  {_('Login')}:          Administrator / {password}",
		f"  {_('Store')}:          {store} ({frappe.db.get_value(SETTINGS, store, 'store_url')})",
		f"  {_('Sales Orders')}:   {desk_url}/app/sales-order?woocommerce_server={_quote(store)}",
		"",
	]
	if logs:
		log = logs[0]
		seconds = ((log.ended or now_datetime()) - log.started).total_seconds()
		handled = log.created_count + log.updated_count + log.skipped_count + log.failed_count
		requests = frappe.db.count(REQUEST_LOG, {"store": store, "creation": (">=", log.started)})
		lines += [
			_("Last import ({0}, {1}):").format(log.name, log.status),
			f"  {_('Orders read')}:          {handled}",
			f"  {_('Sales Orders created')}: {log.created_count}",
			f"  {_('Updated / unchanged')}:  {log.updated_count} / {log.skipped_count}",
			f"  {_('Failed')}:               {log.failed_count}",
			f"  {_('Requests to store')}:    {requests}",
			f"  {_('Seconds')}:              {seconds:.1f}",
			f"  {_('Orders per second')}:    {handled / seconds if seconds else 0:.1f}",
			f"  {_('Sales Orders of the store in ERPNext')}: {sales_orders}",
			f"  {_('Sync Log')}:             {desk_url}/app/woocommerce-sync-log/{log.name}",
		]
	else:
		lines.append(_("No import of {0} has run yet.").format(store))
	print("\n".join(lines))


def _company() -> str:
	return frappe.db.get_single_value("Global Defaults", "default_company") or _first("Company")


def _ensure_fiscal_year(year: int) -> None:
	start, end = date(year, 1, 1), date(year, 12, 31)
	overlapping = frappe.get_all(
		"Fiscal Year",
		filters={"year_start_date": ("<=", end), "year_end_date": (">=", start)},
		pluck="name",
	)
	if not overlapping:
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": str(year),
				"year_start_date": getdate(start),
				"year_end_date": getdate(end),
			}
		).insert(ignore_permissions=True)


def _tax_ledger(company: str, account_name: str, rate: float) -> str:
	"""A tax ledger next to the chart's own tax ledgers (Duties and Taxes), made once."""
	existing = frappe.db.get_value("Account", {"company": company, "account_name": account_name})
	if existing:
		return existing
	parent = frappe.db.get_value("Account", _ledger(company, account_type="Tax"), "parent_account")
	return (
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": account_name,
				"company": company,
				"parent_account": parent,
				"account_type": "Tax",
				"tax_rate": rate,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def _ledger(company: str, **filters) -> str:
	name = _first("Account", company=company, is_group=0, **filters)
	if not name:
		frappe.throw(_("Company {0} has no ledger with {1}.").format(company, filters))
	return name


def _first(doctype: str, **filters) -> str | None:
	names = frappe.get_all(doctype, filters=filters, pluck="name", order_by="creation asc", limit=1)
	return names[0] if names else None


def _quote(name: str) -> str:
	from urllib.parse import quote

	return quote(name)
