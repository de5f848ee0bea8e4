"""A store's settings as the core mapping's MappingConfig: what the order and refund mappings
need to know about accounts, currencies and guests, read once per run."""

import frappe

from woocommerce_sync.core.order_mapping import GuestMode, MappingConfig

# The settings' Guest Orders choices -> core's guest modes.
GUEST_MODE_OF_SETTING: dict[str, GuestMode] = {
	"One Customer per Guest E-mail": "per_email",
	"One Shared Guest Customer": "shared",
}


def mapping_config(settings) -> MappingConfig:
	company = frappe.get_cached_value(
		"Company", settings.company, ["default_currency", "round_off_account"], as_dict=True
	)
	return MappingConfig(
		store=settings.name,
		company_currency=company.default_currency,
		tax_accounts={row.tax_rate_id: row.account for row in settings.tax_accounts},
		tax_templates={row.tax_rate_id: row.get("tax_template") for row in settings.tax_accounts},
		default_tax_account=settings.default_tax_account,
		shipping_account=settings.shipping_account,
		fee_account=settings.fee_account,
		rounding_account=settings.rounding_account or company.round_off_account,
		rate_precision=frappe.get_precision("Sales Order Item", "rate") or 2,
		known_currencies=frozenset(frappe.get_all("Currency", filters={"enabled": 1}, pluck="name")),
		guest_mode=GUEST_MODE_OF_SETTING.get(settings.guest_mode, "per_email"),
		shared_guest_customer=settings.shared_guest_customer,
		statuses_to_import=tuple(settings.get_statuses_to_import()),
	)
