"""The sale workflow on a real site: invoices, payments, credit notes, deliveries and cancellations
follow WooCommerce orders from the fake store, to the cent.

sync_store commits per order, so every test makes its own store (a fresh name).
"""

from datetime import datetime, timezone
from decimal import Decimal
from unittest.mock import patch

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice
from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry
from frappe.tests.utils import FrappeTestCase

from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.dates import site_date_time
from woocommerce_sync.orders.retries import pending_ids
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.sales.sync_invoice import create_invoice, run_for_orders, sync_order_refunds
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import enable_euro, get_company, make_importing_settings, receivable_account

LATER = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


def d(value) -> Decimal:
	return Decimal(str(value)).quantize(Decimal("0.01"))


class SaleWorkflowTestCase(FrappeTestCase):
	delivery_note = 0

	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.company = get_company()
		self.cash = frappe.get_all(
			"Account",
			filters={"company": self.company.name, "account_type": "Cash", "is_group": 0},
			pluck="name",
		)[0]
		self.settings = make_importing_settings(
			self.fake,
			submit_orders=1,
			invoice_statuses="processing\ncompleted",
			invoice_only_paid=1,
			payment_methods=[
				{"payment_method": "bacs", "mode_of_payment": "Wire Transfer", "account": self.cash}
			],
			create_invoice=1,
			submit_invoice=1,
			create_payment=1,
			create_delivery_note=self.delivery_note,
		)
		self.store = self.settings.name
		self.clock = LATER

	# Helpers ------------------------------------------------------------------------------------

	def order(self, **changes) -> dict:
		order = self.fake.generate_orders(1, start=LATER)[0]
		self.fake.orders[order["id"]].update(changes)
		return self.fake.orders[order["id"]]

	def sync(self, order: dict):
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(run.counts["failed"], 0, run.failures)
		return run

	def touch(self, order: dict, **changes) -> None:
		"""A change in the shop, a minute after the last one."""
		self.clock = self.clock.replace(minute=self.clock.minute + 1)
		stamp = self.clock.replace(tzinfo=None).isoformat(timespec="seconds")
		order.update(changes, date_modified_gmt=stamp, date_modified=stamp)

	def refund(self, order: dict, body: dict) -> dict:
		self.fake.set_time(self.clock.replace(minute=self.clock.minute + 1))
		with WooCommerceClient(self.fake.url, self.fake.consumer_key, self.fake.consumer_secret) as client:
			refund = client.post(f"orders/{order['id']}/refunds", body)
		self.clock = self.clock.replace(minute=self.clock.minute + 1)
		return refund

	def invoices(self, order: dict, is_return: int = 0) -> list:
		names = frappe.get_all(
			"Sales Invoice",
			filters={
				"woocommerce_server": self.store,
				"woocommerce_id": str(order["id"]),
				"is_return": is_return,
				"docstatus": ("<", 2),
			},
			pluck="name",
			order_by="creation asc",
		)
		return [frappe.get_doc("Sales Invoice", name) for name in names]

	def payments(self, invoice: str) -> list[str]:
		return frappe.get_all(
			"Payment Entry Reference",
			filters={"reference_name": invoice, "docstatus": 1},
			pluck="parent",
		)

	def sales_order(self, order: dict):
		name = frappe.db.get_value(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(order["id"])}
		)
		return frappe.get_doc("Sales Order", name)

	def assert_matches_order(self, invoice, order: dict) -> None:
		self.assertEqual(d(invoice.grand_total), Decimal(order["total"]))
		self.assertEqual(d(invoice.total_taxes_and_charges), Decimal(order["total"]) - d(invoice.net_total))
		tax = sum(
			(d(t.tax_amount) for t in invoice.taxes if t.account_head == self.company.tax_account), Decimal(0)
		)
		self.assertEqual(tax, Decimal(order["total_tax"]))
		self.assertEqual(invoice.currency, order["currency"])
		self.assertEqual((invoice.woocommerce_server, invoice.woocommerce_id), (self.store, str(order["id"])))


class TestInvoiceAndPayment(SaleWorkflowTestCase):
	def test_a_paid_order_is_invoiced_and_paid_to_the_cent(self):
		order = self.order(transaction_id="txn_8842")
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assertEqual(invoice.docstatus, 1)
		self.assert_matches_order(invoice, order)
		self.assertEqual(d(invoice.outstanding_amount), 0)
		[entry] = self.payments(invoice.name)
		payment = frappe.get_doc("Payment Entry", entry)
		self.assertEqual(
			(payment.mode_of_payment, payment.paid_to, payment.reference_no),
			("Wire Transfer", self.cash, "txn_8842"),
		)
		self.assertEqual(d(payment.paid_amount), Decimal(order["total"]))
		# The paid day in the site's time zone (2026-11-22 on a site in Los Angeles).
		self.assertEqual(payment.posting_date, site_date_time(order["date_paid_gmt"])[0])
		self.assertEqual(invoice.items[0].woocommerce_line_id, order["line_items"][0]["id"])
		# A second run, and a third, makes nothing more.
		self.touch(order, customer_note="again")
		self.sync(order)
		self.sync(order)
		self.assertEqual(len(self.invoices(order)), 1)
		self.assertEqual(len(self.payments(invoice.name)), 1)

	def test_an_unpaid_order_waits_until_it_is_paid(self):
		order = self.order(status="on-hold", date_paid=None, date_paid_gmt=None)
		self.settings.db_set("invoice_statuses", "on-hold\nprocessing\ncompleted")
		frappe.db.commit()
		self.sync(order)
		self.assertEqual(self.invoices(order), [], "only paid orders are invoiced")
		self.touch(order, status="processing", date_paid_gmt="2026-11-23T06:30:00")
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assertEqual(d(invoice.outstanding_amount), 0)
		self.assertEqual(len(self.payments(invoice.name)), 1)

	def test_unpaid_orders_invoiced_without_payment_when_asked(self):
		self.settings.db_set({"invoice_statuses": "on-hold", "invoice_only_paid": 0})
		frappe.db.commit()
		order = self.order(status="on-hold", date_paid=None, date_paid_gmt=None)
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assert_matches_order(invoice, order)
		self.assertEqual(d(invoice.outstanding_amount), Decimal(order["total"]))
		self.assertEqual(self.payments(invoice.name), [])

	def test_statuses_not_chosen_get_no_invoice(self):
		self.settings.db_set("invoice_statuses", "completed")
		frappe.db.commit()
		order = self.order()
		self.sync(order)
		self.assertEqual(self.invoices(order), [])
		self.touch(order, status="completed")
		self.sync(order)
		self.assertEqual(len(self.invoices(order)), 1)

	def test_draft_invoices_get_no_payment(self):
		self.settings.db_set("submit_invoice", 0)
		frappe.db.commit()
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assertEqual(invoice.docstatus, 0)
		self.assertEqual(d(invoice.grand_total), Decimal(order["total"]))
		self.assertFalse(frappe.db.exists("Payment Entry Reference", {"reference_name": invoice.name}))

	def test_an_unmapped_payment_method_fails_the_order_with_the_fix(self):
		order = self.order(payment_method="stripe", payment_method_title="Credit card (Stripe)")
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["failed"], 1)
		self.assertIn("stripe", run.failures[0]["reason"])
		self.assertIn("Payment Methods", run.failures[0]["reason"])
		self.settings.reload()
		self.settings.append(
			"payment_methods",
			{"payment_method": "stripe", "mode_of_payment": "Credit Card", "account": self.cash},
		)
		self.settings.save()
		frappe.db.commit()
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assertEqual(d(invoice.outstanding_amount), 0)

	def test_resumes_after_a_crash_between_invoice_and_payment(self):
		class Killed(BaseException):
			pass

		def commit_then_die(*args):
			frappe.db.commit()  # the invoice is in the database when the worker dies
			raise Killed()

		order = self.order()
		with (
			patch("woocommerce_sync.sales.sync_invoice.receive_payment", commit_then_die),
			self.assertRaises(Killed),
		):
			sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		frappe.db.rollback()
		[invoice] = self.invoices(order)
		self.assertEqual(self.payments(invoice.name), [])
		self.sync(order)
		self.sync(order)
		[again] = self.invoices(order)
		self.assertEqual(again.name, invoice.name)
		self.assertEqual(len(self.payments(invoice.name)), 1)
		self.assertEqual(d(frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount")), 0)

	def test_an_order_in_another_currency(self):
		enable_euro()
		self.settings.append(
			"currencies",
			{"currency": "EUR", "receivable_account": receivable_account(self.company.name, "EUR")},
		)
		self.settings.save()
		frappe.db.commit()
		order = self.order(currency="EUR")
		self.sync(order)
		[invoice] = self.invoices(order)
		self.assert_matches_order(invoice, order)
		self.assertEqual(invoice.conversion_rate, self.sales_order(order).conversion_rate)
		self.assertEqual(d(invoice.outstanding_amount), 0)
		self.assertEqual(len(self.payments(invoice.name)), 1)
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
		self.assertEqual((note.currency, note.conversion_rate), ("EUR", invoice.conversion_rate))
		self.assertEqual(d(note.grand_total), -Decimal(refund["amount"]))
		self.assertEqual(d(note.outstanding_amount), 0)


class TestRefunds(SaleWorkflowTestCase):
	def line_refund(self, order: dict, line: dict, qty: int) -> dict:
		unit = Decimal(line["total"]) / line["quantity"]
		taxes = [
			{
				"id": t["id"],
				"refund_total": str((Decimal(t["total"]) / line["quantity"] * qty).quantize(Decimal("0.01"))),
			}
			for t in line["taxes"]
		]
		total = (unit * qty).quantize(Decimal("0.01"))
		amount = total + sum(Decimal(t["refund_total"]) for t in taxes)
		return self.refund(
			order,
			{
				"amount": str(amount),
				"reason": "damaged",
				"line_items": [
					{"id": line["id"], "quantity": qty, "refund_total": str(total), "refund_tax": taxes}
				],
			},
		)

	def assert_credit_note(self, note, refund: dict, invoice) -> None:
		self.assertEqual(note.return_against, invoice.name)
		self.assertEqual(note.woocommerce_refund_id, str(refund["id"]))
		self.assertEqual(d(note.grand_total), -Decimal(refund["amount"]))
		tax = sum(
			(d(t.tax_amount) for t in note.taxes if t.account_head == self.company.tax_account), Decimal(0)
		)
		refund_tax = sum(
			(Decimal(t["tax_total"]) + Decimal(t["shipping_tax_total"]) for t in refund["tax_lines"]),
			Decimal(0),
		)
		self.assertEqual(tax, refund_tax)

	def test_a_partial_line_refund_with_tax_is_credited_and_paid_back_once(self):
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		line = next(li for li in order["line_items"] if li["quantity"] > 1)
		refund = self.line_refund(order, line, 1)
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.assertEqual(note.docstatus, 1)
		self.assert_credit_note(note, refund, invoice)
		[returned] = [row for row in note.items if row.qty]
		self.assertEqual((returned.woocommerce_line_id, returned.qty), (line["id"], -1))
		self.assertEqual(d(note.outstanding_amount), 0, "the refund was paid back")
		[back] = self.payments(note.name)
		self.assertEqual(frappe.db.get_value("Payment Entry", back, "payment_type"), "Pay")
		self.sync(order)
		run_for_orders(self.store, "sync_refunds", [order["id"]])
		self.assertEqual(len(self.invoices(order, is_return=1)), 1, "each refund once")
		self.assertEqual(len(self.payments(note.name)), 1)

	def test_an_amount_only_refund(self):
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		refund = self.refund(order, {"amount": "5.00", "reason": "goodwill"})
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.assert_credit_note(note, refund, invoice)
		self.assertEqual([(row.item_code, d(row.amount)) for row in note.items], [(None, Decimal("-5.00"))])

	def test_a_full_refund_credits_everything_and_keeps_the_sale(self):
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		lines = [
			{
				"id": li["id"],
				"quantity": li.get("quantity", 0),
				"refund_total": li["total"],
				"refund_tax": [{"id": t["id"], "refund_total": t["total"]} for t in li["taxes"]],
			}
			for li in order["line_items"] + order["shipping_lines"]
		]
		refund = self.refund(order, {"amount": order["total"], "line_items": lines})
		self.assertEqual(order["status"], "refunded")
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.assert_credit_note(note, refund, invoice)
		self.assertEqual(d(note.grand_total) + d(invoice.grand_total), 0)
		self.assertEqual(self.sales_order(order).docstatus, 1, "a refunded sale is credited, not cancelled")
		self.assertEqual(d(frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount")), 0)
		self.assertEqual(d(frappe.db.get_value("Sales Invoice", note.name, "outstanding_amount")), 0)

	def test_a_refund_of_an_unpaid_invoice_lowers_what_is_owed(self):
		self.settings.db_set("create_payment", 0)
		frappe.db.commit()
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		refund = self.line_refund(order, order["line_items"][0], 1)
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.assert_credit_note(note, refund, invoice)
		self.assertEqual(self.payments(note.name), [])
		self.assertEqual(
			d(frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount")),
			Decimal(order["total"]) - Decimal(refund["amount"]),
		)

	def test_manual_actions_check_permissions_and_work(self):
		self.settings.db_set("create_invoice", 0)
		frappe.db.commit()
		order = self.order()
		self.sync(order)
		so = self.sales_order(order)
		self.assertEqual(self.invoices(order), [])
		frappe.set_user("Guest")
		try:
			with self.assertRaises(frappe.PermissionError):
				create_invoice(so.name)
		finally:
			frappe.set_user("Administrator")
		result = create_invoice(so.name)
		[invoice] = self.invoices(order)
		self.assertEqual(result["invoice"], invoice.name)
		self.assert_matches_order(invoice, order)
		self.refund(order, {"amount": "2.50"})
		sync_order_refunds(so.name)
		sync_order_refunds(so.name)
		self.assertEqual(len(self.invoices(order, is_return=1)), 1)


class TestDeliveryAndCancellation(SaleWorkflowTestCase):
	delivery_note = 1

	def stock_for(self, order: dict) -> None:
		so = self.sales_order(order)
		for row in so.items:
			if frappe.db.get_value("Item", row.item_code, "is_stock_item"):
				make_stock_entry(
					item_code=row.item_code,
					target=so.set_warehouse,
					qty=row.qty,
					rate=1,
					company=so.company,
					posting_date="2026-11-22",
					posting_time="00:00:00",
				)

	def delivery_notes(self, order: dict, docstatus: int) -> list[str]:
		return frappe.get_all(
			"Delivery Note Item",
			filters={"against_sales_order": self.sales_order(order).name, "docstatus": docstatus},
			pluck="parent",
			distinct=True,
		)

	def test_a_completed_order_is_delivered(self):
		order = self.order()
		self.sync(order)
		self.stock_for(order)
		frappe.db.commit()
		self.touch(order, status="completed", date_completed_gmt="2026-11-23T07:00:00")
		run = self.sync(order)
		self.assertEqual(len(self.delivery_notes(order, 1)), 1, run.notes)
		self.sync(order)
		self.assertEqual(len(self.delivery_notes(order, 1)), 1)

	def test_cancelled_order_cancels_payment_invoice_and_sales_order(self):
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		[entry] = self.payments(invoice.name)
		self.touch(order, status="cancelled")
		self.sync(order)
		self.assertEqual(frappe.db.get_value("Payment Entry", entry, "docstatus"), 2)
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "docstatus"), 2)
		self.assertEqual(self.sales_order(order).docstatus, 2)

	def test_a_404_web_page_for_an_order_proves_nothing_and_is_retried(self):
		order = self.order()
		self.sync(order)
		[invoice] = self.invoices(order)
		del self.fake.orders[order["id"]]
		path = f"/wp-json/wc/v3/orders/{order['id']}"
		self.fake.inject_fault("html", times=5, status=404, path_prefix=path)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(run.counts["failed"], 1, run.failures)
		self.assertEqual(self.sales_order(order).docstatus, 1, "a web page's 404 is a store error")
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "docstatus"), 1)
		self.assertEqual(pending_ids(self.store), [order["id"]])
		self.fake.clear_faults()
		sync_store(self.store, "Manual")  # the retry list is read again: WooCommerce's own answer now
		self.assertEqual(self.sales_order(order).docstatus, 2, "an invalid-id 404 still cancels")
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "docstatus"), 2)

	def test_cancelled_order_with_a_credited_refund(self):
		order = self.order()
		self.sync(order)
		self.refund(order, {"amount": "3.00"})
		self.sync(order)
		[note] = self.invoices(order, is_return=1)
		self.touch(order, status="cancelled")
		self.sync(order)
		self.assertEqual(frappe.db.get_value("Sales Invoice", note.name, "docstatus"), 2)
		self.assertEqual(self.sales_order(order).docstatus, 2)

	def test_a_submitted_delivery_is_left_for_a_person(self):
		order = self.order()
		self.sync(order)
		self.stock_for(order)
		frappe.db.commit()
		self.touch(order, status="completed", date_completed_gmt="2026-11-23T07:00:00")
		self.sync(order)
		[invoice] = self.invoices(order)
		[note] = self.delivery_notes(order, 1)
		self.touch(order, status="cancelled")
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(run.counts["failed"], 1)
		reason = run.failures[0]["reason"]
		self.assertIn(note, reason)
		self.assertIn("Sales Return", reason)
		self.assertEqual(frappe.db.get_value("Delivery Note", note, "docstatus"), 1)
		# All or nothing: the goods left, so the invoice and its payment stay for the person too.
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "docstatus"), 1)
		self.assertEqual(self.sales_order(order).docstatus, 1)

	def test_without_stock_the_delivery_note_stays_draft_and_is_reported(self):
		order = self.order()
		self.sync(order)
		so = self.sales_order(order)
		if frappe.db.get_single_value("Stock Settings", "allow_negative_stock") or not any(
			frappe.db.get_value("Item", row.item_code, "is_stock_item")
			and (
				frappe.db.get_value(
					"Bin", {"item_code": row.item_code, "warehouse": so.set_warehouse}, "actual_qty"
				)
				or 0
			)
			< row.qty
			for row in so.items
		):
			self.skipTest("this site would deliver these items without receiving stock first")
		self.touch(order, status="completed", date_completed_gmt="2026-11-23T07:00:00")
		run = self.sync(order)
		self.assertEqual(len(self.delivery_notes(order, 1)), 0)
		self.assertEqual(len(self.delivery_notes(order, 0)), 1)
		self.assertTrue(any("Delivery Note" in n for n in run.notes))
		self.touch(order, status="cancelled")
		self.sync(order)
		self.assertEqual(self.delivery_notes(order, 0), [], "the draft is deleted with the sale")
		self.assertEqual(self.sales_order(order).docstatus, 2)


class TestCommandAndSettings(SaleWorkflowTestCase):
	def test_create_invoices_for_the_orders_without_one(self):
		self.settings.db_set("create_invoice", 0)
		frappe.db.commit()
		orders = [self.order(), self.order()]
		for order in orders:
			self.sync(order)
		run = run_for_orders(self.store, "create_invoices")
		self.assertEqual(run.counts["created"], 2, run.failures)
		for order in orders:
			[invoice] = self.invoices(order)
			self.assert_matches_order(invoice, order)
			self.assertEqual(d(invoice.outstanding_amount), 0)
		again = run_for_orders(self.store, "create_invoices")
		self.assertEqual(again.counts, {"created": 0, "updated": 0, "skipped": 0, "failed": 0})

	def test_only_the_app_ties_an_invoice_to_an_order(self):
		"""Undoing an order deletes every draft invoice carrying its id: a hand-made invoice must not
		be able to claim one, nor a draft the app made be moved to another order."""
		self.settings.db_set({"create_invoice": 0, "submit_invoice": 0})
		frappe.db.commit()
		order, other = self.order(), self.order()
		self.sync(order)
		by_hand = make_sales_invoice(self.sales_order(order).name)
		by_hand.woocommerce_id = str(order["id"])
		with self.assertRaises(frappe.PermissionError):
			by_hand.insert()
		by_hand.woocommerce_id = None
		by_hand.insert()  # the store alone, as Create > Sales Invoice copies it
		self.assertEqual((by_hand.woocommerce_server, by_hand.woocommerce_id), (self.store, None))
		by_hand.woocommerce_refund_id = "1"
		with self.assertRaises(frappe.PermissionError):
			by_hand.save()
		by_hand.delete()

		run = create_invoice(self.sales_order(order).name)
		[invoice] = self.invoices(order)
		self.assertEqual(run["invoice"], invoice.name, "the app still makes and links its own")
		invoice.woocommerce_id = str(other["id"])
		with self.assertRaises(frappe.PermissionError):
			invoice.save()
		invoice.reload()
		invoice.woocommerce_server = None
		with self.assertRaises(frappe.PermissionError):
			invoice.save()

	def test_settings_say_what_the_workflow_needs(self):
		self.settings.submit_orders = 0
		with self.assertRaisesRegex(frappe.ValidationError, "Submit Imported Sales Orders"):
			self.settings.save()
		self.settings.reload()
		self.settings.append("payment_methods", {"payment_method": "bacs", "mode_of_payment": "Cash"})
		with self.assertRaisesRegex(frappe.ValidationError, "listed twice"):
			self.settings.save()
		self.settings.reload()
		self.settings.invoice_statuses = "Processing, wc-completed"
		self.settings.save()
		self.assertEqual(self.settings.invoice_statuses, "processing\ncompleted")

	def test_a_payment_shared_with_another_invoice_is_left_and_named(self):
		self.settings.db_set("create_payment", 0)
		frappe.db.commit()
		first, second = self.order(), self.order()
		self.sync(first)
		self.sync(second)
		[invoice], [other] = self.invoices(first), self.invoices(second)
		self.assertEqual(invoice.customer, other.customer)
		entry = get_payment_entry("Sales Invoice", invoice.name, bank_account=self.cash)
		entry.append(
			"references",
			{
				"reference_doctype": "Sales Invoice",
				"reference_name": other.name,
				"allocated_amount": other.outstanding_amount,
			},
		)
		entry.paid_amount = entry.received_amount = invoice.outstanding_amount + other.outstanding_amount
		entry.reference_no, entry.reference_date = "both", "2026-11-23"
		entry.insert()
		entry.submit()
		frappe.db.commit()
		self.touch(first, status="cancelled")
		run = sync_store(self.store, "Manual", ImportFilters(ids=[first["id"]], update_existing=True))
		self.assertEqual(run.counts["failed"], 1)
		self.assertIn(entry.name, run.failures[0]["reason"])
		self.assertIn(other.name, run.failures[0]["reason"])
		self.assertEqual(frappe.db.get_value("Payment Entry", entry.name, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "docstatus"), 1)
		self.assertEqual(self.sales_order(first).docstatus, 1)

	def test_manual_action_on_an_order_deleted_in_the_store(self):
		order = self.order()
		self.sync(order)
		so = self.sales_order(order)
		del self.fake.orders[order["id"]]
		with self.assertRaisesRegex(frappe.ValidationError, "has no order"):
			sync_order_refunds(so.name)
