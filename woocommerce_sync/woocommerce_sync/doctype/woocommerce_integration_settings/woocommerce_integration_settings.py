"""One WooCommerce store: where it is, how to sign in, and where its orders go in ERPNext."""

import frappe
from frappe import _
from frappe.model.document import Document

from woocommerce_sync.connection import (
	explain,
	get_client,
	private_address_message,
	refused_store_address,
)
from woocommerce_sync.constants import MANAGER_ROLES
from woocommerce_sync.core.client import INTERACTIVE, WooCommerceError
from woocommerce_sync.core.order_mapping import normalize_status
from woocommerce_sync.core.store_info import probe_store
from woocommerce_sync.core.store_url import StoreURLError, normalize_store_url
from woocommerce_sync.desk import health
from woocommerce_sync.manual_access import check_store
from woocommerce_sync.mapping.field_rules import check_rules
from woocommerce_sync.orders.currency import store_currency_warnings, validate_currency_settings
from woocommerce_sync.products.settings_checks import validate_product_settings


class WooCommerceIntegrationSettings(Document):
	def validate(self) -> None:
		self.validate_store_url()
		self.ask_keys_for_new_url()
		self.normalize_statuses()
		self.validate_company_consistency()
		self.validate_naming_series()
		validate_product_settings(self)
		self.validate_fractional_quantities()
		self.validate_sale_workflow()
		validate_currency_settings(self)
		check_rules(self)
		self.warn_about_store_currency()

	def validate_store_url(self) -> None:
		try:
			self.store_url = normalize_store_url(self.store_url)
		except StoreURLError as exc:
			messages = {
				"missing": _("enter the shop's home address, for example https://shop.example.com."),
				"invalid": _("{0} is not a web address; enter it like https://shop.example.com."),
				"credentials": _(
					"do not put a user name or password in the store URL; use the consumer key fields."
				),
				"insecure": _(
					"{0} uses http. WooCommerce's REST API needs https for a store on another machine, so that "
					"the consumer key and your customers' data are not sent in clear text. Use https://."
				),
			}
			frappe.throw(
				_("Store {0}: {1}").format(self.store_name, messages[exc.code].format(exc.url)),
				title=_("Invalid Store URL"),
			)
		address = refused_store_address(self.store_url)
		if address:
			frappe.throw(
				private_address_message(self.store_name, self.store_url, address),
				title=_("Invalid Store URL"),
			)

	def ask_keys_for_new_url(self) -> None:
		"""A new Store URL must not receive the old shop's keys: the key and secret are mandatory, so
		instead of clearing them (which would leave nothing to save) the save asks for new ones."""
		before = self.get_doc_before_save()
		if not before or before.store_url == self.store_url:
			return
		missing = [
			field
			for field in ("consumer_key", "consumer_secret")
			if not self.get(field) or self.is_dummy_password(self.get(field))
		]
		if missing:
			frappe.throw(
				_(
					"Store {0}: the Store URL changed from {1} to {2}, so the stored consumer key and secret "
					"are not used for it. Enter the new shop's consumer key and secret too, then save."
				).format(self.store_name, before.store_url, self.store_url),
				title=_("Enter the Keys Again"),
			)

	def normalize_statuses(self) -> None:
		"""One status per line, lower case, without WordPress's `wc-` post-status prefix."""
		statuses = status_list(self.statuses_to_import)
		if not statuses:
			frappe.throw(
				_("Store {0}: list at least one WooCommerce order status to import, e.g. processing.").format(
					self.store_name
				)
			)
		self.statuses_to_import = "\n".join(statuses)

	def get_statuses_to_import(self) -> list[str]:
		return [s for s in (self.statuses_to_import or "").splitlines() if s]

	def validate_company_consistency(self) -> None:
		"""Warehouse, accounts and cost center must belong to the store's company."""
		checks = [("Warehouse", self.warehouse, _("Warehouse"))]
		checks += [
			("Account", self.get(field), label)
			for field, label in (
				("default_tax_account", _("Default Tax Account")),
				("shipping_account", _("Shipping Account")),
				("fee_account", _("Fee Account")),
				("rounding_account", _("Rounding Account")),
			)
		]
		checks += [
			("Account", row.account, _("Tax Rate Accounts row {0}").format(row.idx))
			for row in self.tax_accounts
		]
		checks.append(("Cost Center", self.cost_center, _("Cost Center")))
		for doctype, name, label in checks:
			if not name:
				continue
			company, is_group = frappe.db.get_value(doctype, name, ["company", "is_group"]) or (None, 0)
			if company != self.company:
				frappe.throw(
					_("Store {0}: {1} {2} belongs to company {3}, not to {4}. Choose one of {4}'s.").format(
						self.store_name, label, frappe.bold(name), company, self.company
					),
					title=_("Company Mismatch"),
				)
			if is_group:
				frappe.throw(
					_("Store {0}: {1} {2} is a group; choose a ledger (non-group) one.").format(
						self.store_name, label, frappe.bold(name)
					)
				)
		if self.selling_price_list and not frappe.db.get_value(
			"Price List", self.selling_price_list, "selling"
		):
			frappe.throw(
				_("Store {0}: Price List {1} is not a selling price list.").format(
					self.store_name, frappe.bold(self.selling_price_list)
				)
			)
		refuse_repeats(
			[row.tax_rate_id for row in self.tax_accounts],
			_("Store {0}: WooCommerce tax rate {1} is mapped twice in Tax Rate Accounts."),
			self.store_name,
		)

	def validate_naming_series(self) -> None:
		if not self.sales_order_series:
			return
		options = frappe.get_meta("Sales Order").get_field("naming_series").options or ""
		if self.sales_order_series not in options.splitlines():
			frappe.throw(
				_("Store {0}: {1} is not a Sales Order naming series. Use one of: {2}").format(
					self.store_name, frappe.bold(self.sales_order_series), ", ".join(options.split())
				)
			)

	def validate_fractional_quantities(self) -> None:
		"""A store that sells 1.5 m of fabric needs new Items in a UOM ERPNext lets sell in fractions."""
		if not self.sells_fractional_quantities:
			return
		if not self.stock_uom:
			frappe.throw(
				_(
					"Store {0}: it sells fractional quantities, so choose the UOM for New Items: one whose "
					"Must be Whole Number is unticked (e.g. Meter, Kg)."
				).format(self.store_name)
			)
		if frappe.db.get_value("UOM", self.stock_uom, "must_be_whole_number"):
			frappe.throw(
				_(
					"Store {0}: UOM {1} must be a whole number, so Items in it cannot be sold in fractions. "
					"Choose another UOM for New Items, or untick Must be Whole Number on UOM {1}."
				).format(self.store_name, frappe.bold(self.stock_uom)),
				title=_("Whole-Number UOM"),
			)

	def validate_sale_workflow(self) -> None:
		"""Invoices are made from submitted Sales Orders, payments from submitted invoices."""
		self.invoice_statuses = "\n".join(status_list(self.invoice_statuses))
		if (self.create_invoice or self.create_delivery_note) and not self.submit_orders:
			frappe.throw(
				_(
					"Store {0}: invoices and deliveries are made from submitted Sales Orders. Tick Submit "
					"Imported Sales Orders, or untick Create Sales Invoices and Delivery Note when Completed."
				).format(self.store_name)
			)
		if self.create_invoice and not self.invoice_statuses:
			frappe.throw(
				_("Store {0}: list the order statuses that get an invoice, e.g. completed.").format(
					self.store_name
				)
			)
		refuse_repeats(
			[row.payment_method for row in self.payment_methods],
			_("Store {0}: payment method {1} is listed twice in Payment Methods."),
			self.store_name,
		)
		for row in self.payment_methods:
			if row.account and frappe.db.get_value("Account", row.account, "company") != self.company:
				frappe.throw(
					_("Store {0}: Payment Methods row {1}: account {2} does not belong to {3}.").format(
						self.store_name, row.idx, row.account, self.company
					),
					title=_("Company Mismatch"),
				)

	def warn_about_store_currency(self) -> None:
		"""A store in another currency than the company's is saved, with what its orders will need."""
		warnings = store_currency_warnings(self, self.store_currency)
		if warnings:
			frappe.msgprint(
				_("Store {0}: {1}.").format(self.store_name, "; ".join(warnings)),
				title=_("Store Currency"),
				indicator="orange",
			)

	def test_connection(self) -> dict:
		"""Ask the store for its versions, currency and tax setting; explain any failure plainly.

		Not whitelisted: Desk calls the module's `test_connection`, which works on the saved
		settings, never on a copy the browser sends. The Request Log rows of these calls are left
		to Frappe's deferred insert, which the scheduler writes within a minute: flushing the queue
		here would write every queued row of the site (Access Log, Route History...) as this user.
		"""
		try:
			# A person waits for the answer: seconds, not the sync's patient retries.
			with get_client(self, INTERACTIVE) as client:
				info = probe_store(client)
		except WooCommerceError as exc:
			health.record_connection_test(self.name, False, explain(exc))
			return {"ok": False, "message": explain(exc)}
		self.db_set(
			{
				"woocommerce_version": info.woocommerce_version,
				"wordpress_version": info.wordpress_version,
				"store_currency": info.currency,
				"prices_include_tax": int(bool(info.prices_include_tax)),
			}
		)
		message = connection_summary(self.name, info)
		warnings = store_currency_warnings(self, info.currency)
		if warnings:
			message += " " + _("Warning: {0}.").format("; ".join(warnings))
		health.record_connection_test(self.name, True, message)
		return {"ok": True, "message": message, "warnings": warnings, **info.as_dict()}


@frappe.whitelist(methods=["POST"])
def test_connection(store: str) -> dict:
	"""The form's Test Connection, with the store's saved URL and keys only."""
	frappe.only_for(MANAGER_ROLES)
	return check_store(store, "write").test_connection()


def connection_summary(store: str, info) -> str:
	if info.prices_include_tax is None:
		tax = _("taxes are disabled in the shop")
	elif info.prices_include_tax:
		tax = _("prices include tax")
	else:
		tax = _("prices exclude tax")
	return _("Connected to {0}: WooCommerce {1} on WordPress {2}, currency {3}, {4}.").format(
		store, info.woocommerce_version, info.wordpress_version, info.currency, tax
	)


def status_list(text: str | None) -> list[str]:
	"""Statuses typed one per line or comma separated, as the API spells them, each once."""
	statuses = (normalize_status(raw) for raw in (text or "").replace(",", "\n").splitlines())
	return list(dict.fromkeys(status for status in statuses if status))


def refuse_repeats(values: list, message: str, store: str) -> None:
	"""A table row keyed twice would make the mapping ambiguous; `message` takes store and value."""
	seen = set()
	for value in values:
		if value in seen:
			frappe.throw(message.format(store, value))
		seen.add(value)
