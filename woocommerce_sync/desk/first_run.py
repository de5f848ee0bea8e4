"""The guided first run: after a successful Test Connection, the store's own tax rates and payment
gateways are offered for the Tax Rate Accounts and Payment Methods tables, with an account or
mode of payment suggested for each; the form fills the rows the person keeps."""

import frappe
from frappe import _

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import MANAGER_ROLES
from woocommerce_sync.core.client import WooCommerceError
from woocommerce_sync.manual_access import check_store

# ERPNext's standard modes of payment for WooCommerce's built-in gateways.
MODES = {"bacs": "Wire Transfer", "cheque": "Cheque", "cod": "Cash"}


@frappe.whitelist(methods=["POST"])
def store_choices(store: str) -> dict:
	"""The store's tax rates and enabled payment gateways, each with what the settings already map."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store, "write")
	try:
		with get_client(settings) as client:
			taxes = list(client.iter_all("taxes"))
			gateways = client.get("payment_gateways") or []
	except WooCommerceError as exc:
		return {"ok": False, "message": explain(exc)}
	mapped_taxes = {row.tax_rate_id: row.account for row in settings.tax_accounts}
	mapped_methods = {row.payment_method: row.mode_of_payment for row in settings.payment_methods}
	tax_account = settings.default_tax_account or _first_tax_account(settings.company)
	return {
		"ok": True,
		"taxes": [
			{
				"tax_rate_id": tax["id"],
				"tax_rate_label": tax_label(tax),
				"rate": tax.get("rate"),
				"account": mapped_taxes.get(tax["id"]) or tax_account,
				"mapped": tax["id"] in mapped_taxes,
			}
			for tax in taxes
		],
		"gateways": [
			{
				"payment_method": gateway["id"],
				"title": gateway.get("title") or gateway.get("method_title") or gateway["id"],
				"mode_of_payment": mapped_methods.get(gateway["id"]) or _mode_of_payment(gateway["id"]),
				"mapped": gateway["id"] in mapped_methods,
			}
			for gateway in gateways
			if gateway.get("enabled")
		],
	}


def tax_label(tax: dict) -> str:
	"""'CA State (US-CA, 7.25%)' as a person recognises a rate from WooCommerce > Settings > Tax."""
	where = "-".join(part for part in (tax.get("country"), tax.get("state")) if part)
	rate = (tax.get("rate") or "").rstrip("0").rstrip(".")
	return _("{0} ({1}, {2}%)").format(tax.get("name") or _("Tax"), where or _("everywhere"), rate or "0")


def _first_tax_account(company: str) -> str | None:
	names = frappe.get_all(
		"Account",
		filters={"company": company, "account_type": "Tax", "is_group": 0},
		pluck="name",
		order_by="lft asc",
		limit=1,
	)
	return names[0] if names else None


def _mode_of_payment(gateway: str) -> str | None:
	mode = MODES.get(gateway)
	return mode if mode and frappe.db.exists("Mode of Payment", mode) else None
