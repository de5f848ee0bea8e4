"""Never skip an order (issue 15): filters never move the cursor, retry rows survive concurrent
jobs, a damaged order fails alone, and undoing a cancelled sale is all or nothing."""

import traceback
import typing
from datetime import datetime, timezone
from unittest.mock import patch

import frappe
from erpnext.accounts.doctype.sales_invoice.sales_invoice import SalesInvoice
from frappe.utils import now_datetime

from woocommerce_sync.constants import IGNORED_ORDER, ORDER_RETRY, SYNC_LOG
from woocommerce_sync.orders.retries import pending_ids, retry_name
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.patches import move_retry_ids_to_rows
from woocommerce_sync.tests.test_invoices import SaleWorkflowTestCase
from woocommerce_sync.tests.utils import StoreTestCase, run_concurrently

CURSOR = datetime(2026, 11, 23, 5, 0)  # naive UTC, as last_sync is kept
LATER = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
EARLIER = datetime(2026, 11, 23, 4, 50, tzinfo=timezone.utc)  # before CURSOR


def imported(store: str) -> set[int]:
	return {
		int(i)
		for i in frappe.get_all(
			"Sales Order",
			filters={"woocommerce_server": store, "docstatus": ("<", 2)},
			pluck="woocommerce_id",
		)
	}


class NeverSkipTestCase(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {
		"statuses_to_import": "processing\non-hold",
		"sync_overlap_minutes": 0,
	}

	def setUp(self):
		super().setUp()
		self.settings.db_set("last_sync", CURSOR)
		frappe.db.commit()

	def break_taxes(self, order: dict) -> None:
		"""Tax rate 99 has no account: the order fails until the shop owner maps it."""
		stored = self.fake.orders[order["id"]]
		stored["tax_lines"][0]["rate_id"] = 99
		for line in stored["line_items"]:
			line["taxes"][0]["id"] = 99


class TestFiltersNeverMoveTheCursor(NeverSkipTestCase):
	def test_a_status_filter_keeps_the_cursor_and_update_existing(self):
		on_hold = self.fake.generate_orders(2, start=LATER, status="on-hold")
		processing = self.fake.generate_orders(2, start=LATER.replace(minute=1), status="processing")
		first = processing[0]["id"]
		sync_store(self.store, "Manual", ImportFilters(ids=[first]))
		self.fake.orders[first].update(
			customer_note="changed in the shop", date_modified_gmt="2026-11-23T06:05:00"
		)
		run = sync_store(self.store, "Manual", ImportFilters(statuses=["processing"], update_existing=False))
		self.assertEqual(run.counts["failed"], 0, run.failures)
		self.assertIn(processing[1]["id"], imported(self.store))
		self.assertFalse({o["id"] for o in on_hold} & imported(self.store), "only the status asked for")
		self.assertEqual(
			frappe.db.get_value(SYNC_LOG, run.name, "status"), "Success", "the filtered run itself is fine"
		)
		self.assertEqual(self.settings_value("last_sync"), CURSOR, "a filtered import never moves the cursor")
		note = frappe.db.get_value(
			"Sales Order",
			{"woocommerce_server": self.store, "woocommerce_id": str(first)},
			"woocommerce_customer_note",
		)
		self.assertIsNone(note, "update existing was off: the Sales Order is left as it was")
		# The hourly run still finds the on-hold orders modified before the processing ones.
		hourly = sync_store(self.store, "Scheduler")
		self.assertEqual(hourly.counts["failed"], 0, hourly.failures)
		self.assertLessEqual({o["id"] for o in on_hold + processing}, imported(self.store))

	def settings_value(self, field: str):
		return frappe.db.get_value("WooCommerce Integration Settings", self.store, field)


class TestRetryRows(NeverSkipTestCase):
	def test_three_jobs_failing_different_orders_keep_every_id(self):
		hourly = self.fake.generate_orders(1, start=LATER)[0]  # modified after the cursor
		webhook, manual = self.fake.generate_orders(2, start=EARLIER)  # before it: by id only
		for order in (hourly, webhook, manual):
			self.break_taxes(order)
		self.fake.latency = 0.05
		results, errors = run_concurrently(
			lambda: sync_store(self.store, "Scheduler").counts,
			lambda: (
				sync_store(
					self.store, "Webhook", ImportFilters(ids=[webhook["id"]], update_existing=True)
				).counts
			),
			lambda: sync_store(self.store, "Manual", ImportFilters(ids=[manual["id"]])).counts,
		)
		self.assertEqual(errors, [], "".join(traceback.format_exception(errors[0])) if errors else "")
		self.assertTrue(all(r["failed"] for r in results), results)
		self.assertEqual(sorted(pending_ids(self.store)), sorted(o["id"] for o in (hourly, webhook, manual)))
		row = frappe.get_doc(ORDER_RETRY, retry_name(self.store, hourly["id"]))
		self.assertEqual(row.attempts, 1)
		self.assertIn("Tax Rate Accounts", row.reason)
		self.assertTrue(row.error_log and row.first_failed and row.sync_log)
		# Fixed in the shop; a webhook brings one order in: only its row is drained.
		for order in (hourly, webhook, manual):
			fixed = self.fake.generate_orders(1, start=LATER)[0]
			del self.fake.orders[fixed["id"]]  # only its good content is wanted, under the old id
			self.fake.orders[order["id"]] = {**fixed, "id": order["id"], "number": order["number"]}
		sync_store(self.store, "Webhook", ImportFilters(ids=[webhook["id"]], update_existing=True))
		self.assertEqual(sorted(pending_ids(self.store)), sorted([hourly["id"], manual["id"]]))
		# The hourly run fetches the others by id; ignoring one drains its row as well.
		frappe.get_doc(
			{
				"doctype": IGNORED_ORDER,
				"store": self.store,
				"woocommerce_order_id": manual["id"],
				"note": "test",
			}
		).insert()
		self.assertEqual(pending_ids(self.store), [hourly["id"]])
		last = sync_store(self.store, "Scheduler")
		self.assertEqual(last.counts["failed"], 0, last.failures)
		self.assertEqual(pending_ids(self.store), [])
		self.assertIn(hourly["id"], imported(self.store))

	def test_an_order_deleted_in_the_store_is_drained(self):
		order = self.fake.generate_orders(1, start=LATER)[0]
		self.break_taxes(order)
		sync_store(self.store, "Scheduler")
		self.assertEqual(pending_ids(self.store), [order["id"]])
		del self.fake.orders[order["id"]]
		sync_store(self.store, "Scheduler")
		self.assertEqual(pending_ids(self.store), [], "WooCommerce's own invalid id: nothing left to fetch")

	def test_the_patch_moves_the_old_field_to_rows(self):
		if not frappe.db.has_column("WooCommerce Integration Settings", "retry_order_ids"):
			self.skipTest("this site never had the old field")
		frappe.db.sql(
			"update `tabWooCommerce Integration Settings` set retry_order_ids = %s where name = %s",
			("901\n902\n902", self.store),
		)
		frappe.get_doc(
			{"doctype": IGNORED_ORDER, "store": self.store, "woocommerce_order_id": 902, "note": "test"}
		).insert()
		move_retry_ids_to_rows.execute()
		self.assertEqual(pending_ids(self.store), [901])
		self.assertIsNone(
			frappe.db.get_value("WooCommerce Integration Settings", self.store, "retry_order_ids")
		)


class TestADamagedOrderFailsAlone(NeverSkipTestCase):
	def damaged_orders(self) -> list[dict]:
		"""Two orders a plugin or a migration could leave behind, and one a plugin bug spoils a
		little (a line's meta_data that is not a list: imported without it), among good ones."""
		made = self.fake.generate_orders(7, start=LATER)
		meta, digits, date = made[1], made[3], made[5]
		self.fake.orders[meta["id"]]["line_items"][0]["meta_data"] = 5
		self.fake.orders[digits["id"]]["line_items"][0]["product_id"] = "9" * 5000  # ValueError
		self.fake.orders[date["id"]]["date_created_gmt"] = "0001-01-01T00:30:00+01:00"  # no real date
		return made

	def test_any_exception_fails_that_order_alone_and_logs_once(self):
		made = self.damaged_orders()
		bad = {made[3]["id"], made[5]["id"]}
		started = now_datetime()
		run = sync_store(self.store, "Scheduler")
		self.assertEqual((run.counts["created"], run.counts["failed"]), (5, 2), run.failures)
		self.assertTrue(
			any(str(made[1]["id"]) in note and "meta_data" in note for note in run.notes), run.notes
		)
		self.assertEqual(imported(self.store), {o["id"] for o in made} - bad)
		self.assertEqual(set(pending_ids(self.store)), bad)
		self.assertEqual(
			str(frappe.db.get_value("WooCommerce Integration Settings", self.store, "last_sync")),
			made[-1]["date_modified_gmt"].replace("T", " "),
			"the cursor moves past the page",
		)
		reasons = " ".join(f["reason"] for f in run.failures)
		for error in ("ValueError", "OverflowError"):
			self.assertIn(error, reasons)
		self.assertEqual(self.error_logs_since(started), 2)
		# The next hour: the same two fail for the same reasons, with no new traceback.
		again_started = now_datetime()
		again = sync_store(self.store, "Scheduler")
		self.assertEqual(again.counts["failed"], 2, again.failures)
		self.assertEqual(self.error_logs_since(again_started), 0)
		self.assertEqual(
			{f["error_log"] for f in again.failures},
			{f["error_log"] for f in run.failures},
			"linked, not rewritten",
		)
		rows = frappe.get_all(ORDER_RETRY, filters={"store": self.store}, pluck="attempts")
		self.assertEqual(rows, [2, 2])

	def error_logs_since(self, moment) -> int:
		return frappe.db.count(
			"Error Log", {"creation": (">=", moment), "method": ("like", f"%{self.store}%")}
		)


class TestUndoAllOrNothing(SaleWorkflowTestCase):
	def test_an_invoice_that_refuses_keeps_payments_and_credit_notes(self):
		order = self.order()
		self.sync(order)
		self.refund(order, {"amount": "3.00"})
		self.sync(order)
		[invoice] = self.invoices(order)
		[note] = self.invoices(order, is_return=1)
		payments = self.payments(invoice.name) + self.payments(note.name)
		self.assertTrue(payments)
		real = SalesInvoice.before_cancel

		def refuses(doc):
			if doc.name == invoice.name:
				frappe.throw("Sales Invoice is locked for the audit")
			return real(doc)

		self.touch(order, status="cancelled")
		with patch.object(SalesInvoice, "before_cancel", refuses):
			run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(run.counts["failed"], 1)
		reason = frappe.get_doc(SYNC_LOG, run.name).failures[0].reason
		self.assertIn(invoice.name, reason)
		self.assertIn("locked for the audit", reason)
		for entry in payments:
			self.assertEqual(frappe.db.get_value("Payment Entry", entry, "docstatus"), 1, entry)
		self.assertEqual(frappe.db.get_value("Sales Invoice", note.name, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "docstatus"), 1)
		self.assertEqual(self.sales_order(order).docstatus, 1)
		self.assertEqual(self.sales_order(order).woocommerce_status, "cancelled")
