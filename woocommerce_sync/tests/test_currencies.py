"""Orders in other currencies than the company's, end to end on a real site: Sales Order, invoice,
payment and credit note to the cent, the customer's receivable, exchange gain/loss, no rate service.

The company is the site's first (USD on the test benches, but read, not assumed); its foreign
currencies, receivables and Currency Exchange records are made here. Every order has a fresh
e-mail, so its customer has no ledger from earlier runs unless the test makes one.
"""

from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.utils import flt

from woocommerce_sync.constants import CURRENCY_KEY_FIELD
from woocommerce_sync.core.currency import payment_money
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.tests.test_invoices import SaleWorkflowTestCase, d
from woocommerce_sync.tests.utils import enable_currency, receivable_account

PAID_LATER = "2026-11-25T09:00:00"


class CurrencyTestCase(SaleWorkflowTestCase):
	def setUp(self):
		super().setUp()
		self.home = frappe.get_cached_value("Company", self.company.name, "default_currency")
		self.eur, self.gbp, self.chf = [c for c in ("EUR", "GBP", "CHF", "JPY") if c != self.home][:3]
		enable_currency(self.eur, self.home, {"2026-11-22": 1.08})
		enable_currency(self.gbp, self.home)  # no record: the store's fixed rate, or nothing
		# A rate that moves between the order (23rd) and its payment (25th).
		enable_currency(self.chf, self.home, {"2026-11-22": 1.10, "2026-11-24": 1.15})
		self.unrated = next(
			c
			for c in ("SEK", "NOK", "DKK", "PLN", "CZK", "HUF")
			if c != self.home
			and not frappe.db.exists("Currency Exchange", {"from_currency": c, "to_currency": self.home})
		)
		enable_currency(self.unrated, self.home)
		# erpnext's get_exchange_rate asks its provider with requests.get when it has no record.
		self.network = patch("requests.get")
		self.rate_service = self.network.start()
		self.addCleanup(self.network.stop)

	def tearDown(self):
		super().tearDown()
		self.assertFalse(self.rate_service.called, "a sync job asked a rate service over the network")

	def route(self, currency: str, rate: float | None = None) -> None:
		self.settings.reload()
		self.settings.append(
			"currencies",
			{
				"currency": currency,
				"receivable_account": receivable_account(self.company.name, currency),
				"exchange_rate": rate,
			},
		)
		self.settings.save()
		frappe.db.commit()

	def order_in(self, currency: str, email: str | None = None, **changes) -> dict:
		order = self.order(currency=currency, **changes)
		order["billing"] = {
			**order["billing"],
			"email": email or f"fx-{frappe.generate_hash(length=8)}@example.com",
		}
		return order

	def customer(self, order: dict) -> str:
		return self.sales_order(order).customer

	def assert_booked(self, order: dict, rate: Decimal) -> None:
		"""Sales Order, invoice and payment in the order's currency at `rate`, to the cent."""
		so = self.sales_order(order)
		self.assertEqual((so.currency, Decimal(str(so.conversion_rate))), (order["currency"], rate))
		self.assertEqual(d(so.grand_total), Decimal(order["total"]))
		[invoice] = self.invoices(order)
		self.assert_matches_order(invoice, order)
		self.assertEqual(
			frappe.db.get_value("Account", invoice.debit_to, "account_currency"), order["currency"]
		)
		self.assertEqual(d(invoice.outstanding_amount), 0)
		self.assertEqual(len(self.payments(invoice.name)), 1)


class TestForeignCurrencyOrders(CurrencyTestCase):
	def test_an_eur_order_in_the_companys_currency_is_invoiced_paid_and_credited(self):
		self.route(self.eur)
		order = self.order_in(self.eur, transaction_id="txn_fx_1")
		self.sync(order)
		self.assert_booked(order, Decimal("1.08"))
		customer = self.customer(order)  # new, so it took the store's EUR receivable
		self.assertEqual(
			frappe.get_all("Party Account", filters={"parent": customer}, pluck="account"),
			[receivable_account(self.company.name, self.eur)],
		)
		[invoice] = self.invoices(order)
		line = order["line_items"][0]
		refund = self.refund(
			order,
			{
				"amount": str(Decimal(line["total"]) + Decimal(line["total_tax"])),
				"line_items": [
					{
						"id": line["id"],
						"quantity": line["quantity"],
						"refund_total": line["total"],
						"refund_tax": [{"id": t["id"], "refund_total": t["total"]} for t in line["taxes"]],
					}
				],
			},
		)
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.assertEqual((note.currency, note.debit_to), (self.eur, invoice.debit_to))
		self.assertEqual(d(note.grand_total), -Decimal(refund["amount"]))
		self.assertEqual(d(note.outstanding_amount), 0)
		[back] = self.payments(note.name)
		self.assertEqual(frappe.db.get_value("Payment Entry", back, "payment_type"), "Pay")
		# A second run makes nothing.
		self.sync(order)
		self.assertEqual((len(self.invoices(order)), len(self.invoices(order, is_return=1))), (1, 1))
		self.assertEqual((len(self.payments(invoice.name)), len(self.payments(note.name))), (1, 1))

	def test_a_store_with_orders_in_three_currencies(self):
		self.route(self.eur)
		self.route(self.gbp, rate=1.27)
		email = f"fx-{frappe.generate_hash(length=8)}@example.com"
		orders = {
			self.home: self.order_in(self.home),
			self.eur: self.order_in(self.eur, email=email),
			self.gbp: self.order_in(self.gbp),
		}
		again = self.order_in(self.gbp, email=email)  # the EUR buyer, now in GBP: its GBP twin
		self.sync(orders[self.eur])  # first, so the buyer's own customer is the EUR one
		run = sync_store(
			self.store, "Manual", ImportFilters(ids=[o["id"] for o in [*orders.values(), again]])
		)
		self.assertEqual(run.counts["failed"], 0, run.failures)
		self.assert_booked(orders[self.home], Decimal(1))
		self.assert_booked(orders[self.eur], Decimal("1.08"))
		self.assert_booked(orders[self.gbp], Decimal("1.27"))
		self.assert_booked(again, Decimal("1.27"))
		first, twin = self.customer(orders[self.eur]), self.customer(again)
		self.assertNotEqual(first, twin)
		self.assertEqual(frappe.db.get_value("Customer", twin, CURRENCY_KEY_FIELD), f"{first}:{self.gbp}")
		rerun = sync_store(
			self.store, "Manual", ImportFilters(ids=[o["id"] for o in [*orders.values(), again]])
		)
		self.assertEqual((rerun.counts["created"], rerun.counts["failed"]), (0, 0))
		self.assertEqual(frappe.db.count("Customer", {CURRENCY_KEY_FIELD: ("like", f"{first}:%")}), 1)

	def test_a_customer_booked_in_the_companys_currency_then_an_eur_order(self):
		self.route(self.eur)
		self.settings.db_set("one_customer_per_currency", 0)
		frappe.db.commit()
		email = f"fx-{frappe.generate_hash(length=8)}@example.com"
		home = self.order_in(self.home, email=email)
		self.sync(home)  # invoiced and paid: the customer has a ledger in the company's currency
		customer = self.customer(home)
		order = self.order_in(self.eur, email=email)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["failed"], 1)
		[failure] = run.failures
		for part in (
			self.store,
			str(order["id"]),
			customer,
			self.home,
			self.eur,
			"One Customer per Currency",
		):
			self.assertIn(part, failure["reason"])
		self.assertNotIn("should be same", failure["reason"])
		self.assertFalse(
			frappe.db.exists(
				"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(order["id"])}
			)
		)
		# The way out: the order goes to the customer's EUR twin, and then imports.
		self.settings.db_set("one_customer_per_currency", 1)
		frappe.db.commit()
		self.sync(order)
		self.assert_booked(order, Decimal("1.08"))
		self.assertEqual(
			frappe.db.get_value("Customer", self.customer(order), CURRENCY_KEY_FIELD),
			f"{customer}:{self.eur}",
		)

	def test_a_payment_at_a_different_rate_books_the_gain(self):
		self.route(self.chf)
		order = self.order_in(self.chf, date_paid_gmt=PAID_LATER, date_paid=PAID_LATER)
		self.sync(order)
		so = self.sales_order(order)
		self.assertEqual(Decimal(str(so.conversion_rate)), Decimal("1.10"))
		[invoice] = self.invoices(order)
		self.assertEqual(Decimal(str(invoice.conversion_rate)), Decimal("1.10"))
		[entry] = self.payments(invoice.name)
		payment = frappe.get_doc("Payment Entry", entry)
		self.assertEqual(Decimal(str(payment.source_exchange_rate)), Decimal("1.15"))
		total = float(order["total"])
		# What ERPNext books, rounded its own way (flt), is what the app computed.
		self.assertEqual(d(payment.received_amount), d(flt(total * 1.15, 2)))
		expected = payment_money(Decimal(order["total"]), Decimal("1.10"), Decimal("1.15"))
		self.assertEqual(expected.gain_loss, d(flt(total * 1.15, 2)) - d(flt(total * 1.10, 2)))
		gain_account = frappe.get_cached_value("Company", self.company.name, "exchange_gain_loss_account")
		booked = frappe.db.sql(
			"""select sum(gle.credit) - sum(gle.debit) from `tabGL Entry` gle
			join `tabJournal Entry Account` jea on jea.parent = gle.voucher_no
			where gle.account = %s and gle.is_cancelled = 0 and jea.reference_name = %s""",
			(gain_account, invoice.name),
		)[0][0]
		self.assertEqual(d(booked or 0), expected.gain_loss)
		self.assertGreater(expected.gain_loss, 0)

	def test_a_company_without_an_exchange_gain_loss_account_is_told_where_to_set_it(self):
		gain_account = frappe.get_cached_value("Company", self.company.name, "exchange_gain_loss_account")
		self.set_gain_account(None)
		self.addCleanup(self.set_gain_account, gain_account)
		self.route(self.chf)
		order = self.order_in(self.chf, date_paid_gmt=PAID_LATER, date_paid=PAID_LATER)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["failed"], 1)
		reason = run.failures[0]["reason"]
		for part in (self.store, str(order["id"]), "Exchange Gain/Loss Account", self.company.name):
			self.assertIn(part, reason)
		self.set_gain_account(gain_account)
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assertEqual(len(self.payments(invoice.name)), 1)

	def set_gain_account(self, account: str | None) -> None:
		frappe.db.set_value("Company", self.company.name, "exchange_gain_loss_account", account)
		frappe.clear_document_cache("Company", self.company.name)
		frappe.db.commit()

	def test_no_rate_is_a_clear_error_and_no_network_call(self):
		self.route(self.unrated)  # a receivable, but neither a fixed rate nor a Currency Exchange record
		order = self.order_in(self.unrated)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["failed"], 1)
		reason = run.failures[0]["reason"]
		for part in (self.store, str(order["id"]), f"{self.unrated} to {self.home}", "Currency Exchange"):
			self.assertIn(part, reason)

	def test_a_currency_without_a_receivable_says_what_to_add(self):
		order = self.order_in(self.eur)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["failed"], 1)
		self.assertIn("Currencies table", run.failures[0]["reason"])
		self.assertNotIn("should be same", run.failures[0]["reason"])


class TestTaxTemplates(CurrencyTestCase):
	def template(self) -> str:
		"""A template whose own rate (7%) is not the fake store's: if ERPNext applied it, totals would move."""
		title = "WooCommerce Sync Test Tax"
		name = frappe.db.get_value(
			"Sales Taxes and Charges Template", {"title": title, "company": self.company.name}
		)
		if name:
			return name
		return (
			frappe.get_doc(
				{
					"doctype": "Sales Taxes and Charges Template",
					"title": title,
					"company": self.company.name,
					"taxes": [
						{
							"charge_type": "On Net Total",
							"account_head": self.company.tax_account,
							"description": "Test tax",
							"rate": 7,
						}
					],
				}
			)
			.insert(ignore_permissions=True)
			.name
		)

	def test_the_template_names_the_order_and_its_invoice_and_keeps_woocommerces_tax(self):
		template = self.template()
		self.settings.reload()
		for row in self.settings.tax_accounts:
			row.tax_template = template
		self.settings.save()
		frappe.db.commit()
		order = self.order_in(self.home)
		self.sync(order)
		so = self.sales_order(order)
		[invoice] = self.invoices(order)
		for doc in (so, invoice):
			self.assertEqual(doc.taxes_and_charges, template)
			self.assertEqual({row.charge_type for row in doc.taxes}, {"Actual"})
		self.assert_matches_order(invoice, order)
		refund = self.refund(order, {"amount": "4.00"})
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.assertEqual(d(note.grand_total), -Decimal(refund["amount"]))


class TestCurrencySettings(CurrencyTestCase):
	def test_the_receivable_must_be_a_receivable_of_the_company_in_that_currency(self):
		self.settings.append(
			"currencies",
			{"currency": self.eur, "receivable_account": receivable_account(self.company.name, self.home)},
		)
		with self.assertRaisesRegex(frappe.ValidationError, f"is in {self.home}, not in {self.eur}"):
			self.settings.save()
		self.settings.reload()
		self.settings.append(
			"currencies", {"currency": self.eur, "receivable_account": self.company.income_account}
		)
		with self.assertRaisesRegex(frappe.ValidationError, "not a Receivable"):
			self.settings.save()

	def test_test_connection_warns_about_a_store_currency_without_a_receivable(self):
		self.fake.system_status["settings"]["currency"] = self.gbp
		result = self.settings.test_connection()
		self.assertTrue(result["ok"])
		self.assertTrue(any(self.gbp in w and "Currencies" in w for w in result["warnings"]), result)
		self.assertIn("Warning", result["message"])
		frappe.message_log = []
		self.settings.reload()
		self.settings.save()  # saving warns too, and saves
		self.assertTrue(any(self.gbp in str(m) for m in frappe.message_log))
		self.route(self.gbp, rate=1.27)
		self.assertEqual(self.settings.test_connection()["warnings"], [])
