"""Every order imports (issue 12): the Sales Order stands when its sale documents fail, and those
follow on the next run; fractional quantities, internationalised e-mails and orders dated in no
fiscal year, each end to end (Sales Order, invoice, payment, credit note), and a second run
makes nothing more.

sync_store commits per order, so every test makes its own store (a fresh name).
"""

from datetime import datetime, timezone
from decimal import Decimal

import frappe
from frappe.utils import getdate, nowdate

from woocommerce_sync.constants import SALE_REASON_FIELD, SALE_STATE_FIELD
from woocommerce_sync.dates import naive_utc
from woocommerce_sync.desk.console import failing_orders
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.sales.sync_invoice import (
	POST_TODAY,
	create_invoice,
	fiscal_year_to_open,
	in_fiscal_year,
)
from woocommerce_sync.tests.test_invoices import SaleWorkflowTestCase, d
from woocommerce_sync.tests.utils import run_concurrently

NO_FISCAL_YEAR = datetime(2001, 6, 15, 10, 0, tzinfo=timezone.utc)
MODE_WITHOUT_ACCOUNT = "_Test WooCommerce Mode Without Account"


def uom(must_be_whole_number: int) -> str:
	"""A UOM of this test's own, so that changing it touches nothing another test uses."""
	return (
		frappe.get_doc(
			{
				"doctype": "UOM",
				"uom_name": f"_Test WC UOM {frappe.generate_hash(length=8)}",
				"must_be_whole_number": must_be_whole_number,
			}
		)
		.insert()
		.name
	)


class SaleStepTestCase(SaleWorkflowTestCase):
	def hourly(self):
		"""The scheduler's incremental run, after the cursor has passed every order: whatever it
		does for these orders comes from its retry of failed sale documents, not from the listing."""
		self.settings.db_set("last_sync", naive_utc(datetime.now(timezone.utc)))
		frappe.db.commit()
		return sync_store(self.store, "Scheduler")

	def everything(self, order: dict) -> tuple:
		invoices = self.invoices(order) + self.invoices(order, is_return=1)
		return tuple(sorted(inv.name for inv in invoices)), tuple(
			sorted(p for inv in invoices for p in self.payments(inv.name))
		)

	def line_refund_of_one(self, order: dict, line: dict) -> dict:
		"""One unit of a line back, its tax in proportion (WooCommerce sends what the shop typed)."""
		qty = Decimal(str(line["quantity"]))
		total = (Decimal(line["total"]) / qty).quantize(Decimal("0.01"))
		taxes = [
			{"id": t["id"], "refund_total": str((Decimal(t["total"]) / qty).quantize(Decimal("0.01")))}
			for t in line["taxes"]
		]
		amount = total + sum((Decimal(t["refund_total"]) for t in taxes), Decimal(0))
		return self.refund(
			order,
			{
				"amount": str(amount),
				"line_items": [
					{"id": line["id"], "quantity": 1, "refund_total": str(total), "refund_tax": taxes}
				],
			},
		)

	def assert_sold_end_to_end(self, order: dict, refund: dict) -> None:
		so = self.sales_order(order)
		self.assertEqual(
			(so.docstatus, so.get(SALE_STATE_FIELD), so.get(SALE_REASON_FIELD)), (1, "Done", None)
		)
		self.assertEqual(d(so.grand_total), Decimal(order["total"]))
		[invoice] = self.invoices(order)
		self.assertEqual(invoice.docstatus, 1)
		self.assert_matches_order(invoice, order)
		self.assertEqual(d(frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount")), 0)
		self.assertEqual(len(self.payments(invoice.name)), 1)
		[note] = self.invoices(order, is_return=1)
		self.assertEqual(note.docstatus, 1)
		self.assertEqual(d(note.grand_total), -Decimal(refund["amount"]))
		self.assertEqual(len(self.payments(note.name)), 1, "the refund of a paid invoice is paid back")
		before = self.everything(order)
		again = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(again.counts["failed"], 0, again.failures)
		self.hourly()
		self.assertEqual(self.everything(order), before, "a second run makes nothing")


class TestSaleDocumentsNeverKeepAnOrderOut(SaleStepTestCase):
	def without_an_account(self) -> None:
		if not frappe.db.exists("Mode of Payment", MODE_WITHOUT_ACCOUNT):
			frappe.get_doc(
				{"doctype": "Mode of Payment", "mode_of_payment": MODE_WITHOUT_ACCOUNT, "type": "Bank"}
			).insert()
		self.settings.reload()
		self.settings.payment_methods[0].update({"mode_of_payment": MODE_WITHOUT_ACCOUNT, "account": None})
		self.settings.save()
		frappe.db.commit()

	def test_a_failing_step_keeps_the_sales_order_and_the_next_run_makes_the_documents(self):
		self.without_an_account()
		order = self.order(transaction_id="txn_4711")
		line = order["line_items"][0]
		first = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		so = self.sales_order(order)
		self.assertEqual(so.docstatus, 1, "the Sales Order is imported")
		self.assertEqual(first.counts["created"], 1)
		[failure] = first.failures
		self.assertIn(MODE_WITHOUT_ACCOUNT, failure["reason"])
		self.assertIn(so.name, failure["reason"])
		self.assertEqual(failure["reference_name"], so.name)
		self.assertEqual(so.get(SALE_STATE_FIELD), "Failed")
		self.assertIn(MODE_WITHOUT_ACCOUNT, so.get(SALE_REASON_FIELD))
		self.assertEqual(self.invoices(order), [], "no half-made invoice: the step rolled back whole")
		[row] = [r for r in failing_orders([self.store]) if r["woocommerce_order_id"] == order["id"]]
		self.assertEqual(row["sales_order"], so.name)
		self.assertIn(MODE_WITHOUT_ACCOUNT, row["reason"])
		with self.assertRaisesRegex(frappe.ValidationError, MODE_WITHOUT_ACCOUNT):
			create_invoice(so.name)  # Create Invoice retries it too, and says why it still fails
		self.assertEqual(self.invoices(order), [])

		self.settings.reload()
		self.settings.payment_methods[0].account = self.cash
		self.settings.save()
		refund = self.line_refund_of_one(order, line)
		frappe.db.commit()
		retried = self.hourly()
		self.assertEqual(retried.counts["failed"], 0, retried.failures)
		self.assertEqual(retried.counts["updated"], 1, "the retry followed the order")
		self.assertEqual(failing_orders([self.store]), [])
		self.assert_sold_end_to_end(order, refund)
		[invoice] = self.invoices(order)
		payment = frappe.get_doc("Payment Entry", self.payments(invoice.name)[0])
		self.assertEqual(payment.reference_no, "txn_4711")

	def test_two_workers_following_one_order_make_one_invoice_and_one_payment(self):
		order = self.order()
		self.settings.db_set("create_invoice", 0)
		frappe.db.commit()
		self.sync(order)
		self.settings.db_set("create_invoice", 1)
		frappe.db.commit()
		store, order_id = self.store, order["id"]
		results, errors = run_concurrently(
			*[lambda: sync_store(store, "Manual", ImportFilters(ids=[order_id])).counts["failed"]] * 2
		)
		self.assertEqual((errors, results), ([], [0, 0]))
		[invoice] = self.invoices(order)
		self.assertEqual(len(self.payments(invoice.name)), 1)


class TestDatesOutsideFiscalYears(SaleStepTestCase):
	def setUp(self):
		super().setUp()
		if in_fiscal_year(NO_FISCAL_YEAR.date(), self.company.name):
			self.skipTest("this site has a fiscal year for 2001")

	def test_the_invoice_waits_for_a_fiscal_year_then_the_setting_lets_it_post_today(self):
		order = self.fake.generate_orders(1, start=NO_FISCAL_YEAR)[0]
		order = self.fake.orders[order["id"]]
		first = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		so = self.sales_order(order)
		self.assertEqual((so.docstatus, str(so.transaction_date)), (1, "2001-06-15"))
		[failure] = first.failures
		year, start, end = fiscal_year_to_open(getdate("2001-06-15"))
		for text in (frappe.format(getdate("2001-06-15"), "Date"), f"Fiscal Year {year}"):
			self.assertIn(text, failure["reason"])
		self.assertIn(POST_TODAY, failure["reason"])
		self.assertEqual(self.invoices(order), [])
		self.assertEqual(so.get(SALE_STATE_FIELD), "Failed")
		self.assertTrue(start <= getdate("2001-06-15") <= end)

		self.settings.db_set("date_without_fiscal_year", POST_TODAY)
		refund = self.line_refund_of_one(order, order["line_items"][0])
		self.hourly()
		[invoice] = self.invoices(order)
		self.assertEqual(str(invoice.posting_date), nowdate())
		self.assert_sold_end_to_end(order, refund)


class TestFractionalQuantities(SaleStepTestCase):
	def fractional_order(self, sku: str | None = None) -> dict:
		order = self.order()
		line = order["line_items"][0]
		line["quantity"] = 1.5  # a JSON number, as decimal-quantity plugins write it
		if sku:
			line["sku"] = sku
		return order

	def test_a_new_item_is_sold_in_fractions_in_the_store_uom(self):
		order = self.fractional_order(sku=f"_Test WC Cloth {frappe.generate_hash(length=8)}")
		refused = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		[failure] = refused.failures
		self.assertIn("Sells Fractional Quantities", failure["reason"])
		self.assertNotIn("cannot be a fraction", failure["reason"])
		self.assertFalse(
			frappe.db.exists("Item", order["line_items"][0]["sku"]), "rolled back with the order"
		)

		fractional = uom(0)
		self.settings.reload()
		self.settings.update({"sells_fractional_quantities": 1, "stock_uom": fractional})
		self.settings.save()
		frappe.db.commit()
		self.sync(order)
		so = self.sales_order(order)
		[row] = [r for r in so.items if r.woocommerce_line_id == order["line_items"][0]["id"]]
		self.assertEqual(
			(Decimal(str(row.qty)), row.uom, row.stock_uom), (Decimal("1.5"), fractional, fractional)
		)
		refund = self.line_refund_of_one(order, order["line_items"][0])
		self.sync(order)
		self.assert_sold_end_to_end(order, refund)

	def test_an_existing_whole_number_item_is_named_with_its_uom_and_the_fix(self):
		whole = uom(1)
		code = f"_Test WC Fabric {frappe.generate_hash(length=8)}"
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": whole,
				"is_stock_item": 0,
			}
		).insert()
		frappe.db.commit()
		order = self.fractional_order(sku=code)
		refused = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		[failure] = refused.failures
		for text in (code, whole, "Must be Whole Number", str(order["line_items"][0]["id"])):
			self.assertIn(text, failure["reason"])
		self.assertNotIn("cannot be a fraction", failure["reason"])
		self.assertFalse(frappe.db.exists("Sales Order", {"woocommerce_server": self.store}))

		unit = frappe.get_doc("UOM", whole)
		unit.must_be_whole_number = 0
		unit.save()
		frappe.db.commit()
		self.sync(order)
		refund = self.line_refund_of_one(order, order["line_items"][0])
		self.sync(order)
		self.assert_sold_end_to_end(order, refund)

	def test_settings_refuse_a_whole_number_uom_for_fractions(self):
		whole = uom(1)
		self.settings.update({"sells_fractional_quantities": 1, "stock_uom": whole})
		with self.assertRaisesRegex(frappe.ValidationError, whole):
			self.settings.save()


class TestInternationalisedEmails(SaleStepTestCase):
	def guest(self, email: str) -> dict:
		order = self.order()
		order["billing"]["email"] = email
		return order

	def test_an_idn_guest_is_stored_in_punycode_and_sold_end_to_end(self):
		name = f"kunde-{frappe.generate_hash(length=8)}"
		order = self.guest(f"{name}@Bücher.de")
		run = self.sync(order)
		so = self.sales_order(order)
		self.assertEqual(so.woocommerce_billing_email, f"{name}@bücher.de")
		ascii_address = f"{name}@xn--bcher-kva.de"
		self.assertEqual(frappe.db.get_value("Customer", so.customer, "woocommerce_email"), ascii_address)
		self.assertEqual(
			frappe.db.get_value("Contact Email", {"parent": so.contact_person}, "email_id"), ascii_address
		)
		self.assertFalse(any("refuses" in note for note in run.notes))
		refund = self.line_refund_of_one(order, order["line_items"][0])
		self.sync(order)
		self.assert_sold_end_to_end(order, refund)

	def test_an_address_frappe_refuses_never_fails_the_order(self):
		typed = f"müller-{frappe.generate_hash(length=8)}@bücher.de"  # a non-ASCII local part
		order = self.guest(typed)
		run = self.sync(order)
		self.assertTrue(any(typed in note and "refuses" in note for note in run.notes), run.notes)
		so = self.sales_order(order)
		self.assertEqual(so.woocommerce_billing_email, typed)
		customer = frappe.get_doc("Customer", so.customer)
		self.assertFalse(customer.woocommerce_email)
		self.assertEqual(customer.woocommerce_customer_key, f"{self.store}:guest:{typed}")
		again = self.guest(typed)
		self.sync(again)
		self.assertEqual(self.sales_order(again).customer, customer.name, "the same guest, the same Customer")
		refund = self.line_refund_of_one(order, order["line_items"][0])
		self.sync(order)
		self.assert_sold_end_to_end(order, refund)


class TestSaleStateOnTheSalesOrder(SaleStepTestCase):
	def test_a_store_without_the_workflow_leaves_the_state_empty(self):
		self.settings.db_set({"create_invoice": 0, "create_delivery_note": 0})
		frappe.db.commit()
		order = self.order()
		self.sync(order)
		self.assertFalse(self.sales_order(order).get(SALE_STATE_FIELD), "nothing for the hourly run to retry")
