"""Delivery Note tracking reaches the WooCommerce order: once, after the submit, retried hourly."""

import json
import typing
from datetime import datetime, timezone
from unittest.mock import patch

import frappe
from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note
from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

from woocommerce_sync.constants import (
	TRACKING_NOTE,
	TRACKING_NOTE_AND_META,
	TRACKING_OFF,
	TRACKING_PENDING_FIELD,
	TRACKING_SENT_FIELD,
	TRACKING_STATUS_FIELD,
)
from woocommerce_sync.core.shipment_tracking import META_KEY
from woocommerce_sync.orders.sales_order_to_woocommerce import changed_sales_orders
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.sales.shipment_tracking import retry_pending, send_tracking
from woocommerce_sync.tests.utils import StoreTestCase

START = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
TRACKING = "1Z999AA10123456784"
CARRIER = "UPS"


def transporter() -> str:
	if not frappe.db.exists("Supplier", CARRIER):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": CARRIER,
				"supplier_group": "All Supplier Groups",
				"is_transporter": 1,
			}
		).insert(ignore_permissions=True)
	return CARRIER


class TrackingTestCase(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {
		"submit_orders": 1,
		"shipment_tracking": TRACKING_NOTE_AND_META,
		"complete_order_when_shipped": 1,
	}

	def setUp(self):
		super().setUp()
		self.queued: list[dict] = []
		queue = patch(
			"woocommerce_sync.sales.shipment_tracking.jobs.enqueue",
			lambda method, job_id, **kw: self.queued.append({"job_id": job_id, **kw}) or True,
		)
		queue.start()
		self.addCleanup(queue.stop)
		self.order = self.fake.generate_orders(1, start=START)[0]
		run = sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"]]))
		self.assertEqual(run.counts["failed"], 0, run.failures)
		self.sales_order = frappe.db.get_value(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(self.order["id"])}
		)

	def ship(self, tracking: str = TRACKING):
		so = frappe.get_doc("Sales Order", self.sales_order)
		for row in so.items:
			if frappe.db.get_value("Item", row.item_code, "is_stock_item"):
				make_stock_entry(
					item_code=row.item_code, target=so.set_warehouse, qty=row.qty, rate=1, company=so.company
				)
		note = make_delivery_note(so.name)
		note.lr_no = tracking
		note.transporter = transporter()
		note.insert()
		note.submit()
		frappe.db.commit()
		return note

	def run_queued(self):
		runs = []
		for job in self.queued:
			runs.append(send_tracking(job["store"], job["delivery_notes"], job["trigger"]))
		self.queued.clear()
		return runs

	def notes(self) -> list[dict]:
		return [n for n in self.fake.notes.get(self.order["id"], []) if n["customer_note"]]

	def tracking_items(self) -> list[dict]:
		meta = self.fake.orders[self.order["id"]].get("meta_data") or []
		return next((m["value"] for m in meta if m["key"] == META_KEY), [])


class TestTrackingWithMeta(TrackingTestCase):
	def test_a_shipment_makes_one_note_and_meta_and_completes_the_order(self):
		note = self.ship()
		self.assertEqual(len(self.queued), 1, "queued once, after the commit")
		self.assertEqual(self.notes(), [], "nothing is sent inside the submit")
		self.assertEqual(frappe.db.get_value("Delivery Note", note.name, TRACKING_PENDING_FIELD), 1)

		[run] = self.run_queued()
		self.assertEqual(run.failures, [])
		[sent] = self.notes()
		self.assertIn(TRACKING, sent["note"])
		self.assertIn(CARRIER, sent["note"])
		[item] = self.tracking_items()
		self.assertEqual((item["tracking_provider"], item["tracking_number"]), ("ups", TRACKING))
		order = self.fake.orders[self.order["id"]]
		self.assertEqual(order["status"], "completed")

		so = frappe.db.get_value(
			"Sales Order", self.sales_order, ["woocommerce_status", "woocommerce_modified"], as_dict=True
		)
		self.assertEqual(so.woocommerce_status, "completed")
		self.assertEqual(str(so.woocommerce_modified).replace(" ", "T"), order["date_modified_gmt"])
		self.assertNotIn(self.sales_order, changed_sales_orders(self.store), "our own change is no echo")
		values = frappe.db.get_value(
			"Delivery Note", note.name, [TRACKING_PENDING_FIELD, TRACKING_STATUS_FIELD], as_dict=True
		)
		self.assertEqual(values[TRACKING_PENDING_FIELD], 0)
		self.assertIn(TRACKING, values[TRACKING_STATUS_FIELD])

		# A retry, the hourly pass and a second import add nothing.
		self.fake.reset_counters()
		send_tracking(self.store, [note.name], "Manual")
		retry_pending()
		self.assertEqual([j for j in self.queued if note.name in j["delivery_notes"]], [])
		self.assertEqual(len(self.notes()), 1)
		self.assertEqual(len(self.tracking_items()), 1)
		self.assertEqual(self.fake.request_count("POST"), 0)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"]]))
		self.assertEqual(run.counts["updated"], 0, "the import does not take our write for the shop's")

	def test_a_lost_record_does_not_post_a_second_note(self):
		note = self.ship()
		self.run_queued()
		frappe.db.set_value(
			"Delivery Note", note.name, {TRACKING_SENT_FIELD: None, TRACKING_PENDING_FIELD: 1}
		)
		frappe.db.commit()
		send_tracking(self.store, [note.name], "Manual")
		self.assertEqual(len(self.notes()), 1, "found on the order by its text")
		self.assertEqual(len(self.tracking_items()), 1)
		sent = json.loads(frappe.db.get_value("Delivery Note", note.name, TRACKING_SENT_FIELD))
		self.assertEqual(next(iter(sent.values()))["note_id"], self.notes()[0]["id"])

	def test_a_store_failure_is_shown_on_the_delivery_note_and_retried_hourly(self):
		note = self.ship()
		self.fake.inject_fault(
			"status", times=20, code=500, path_prefix=f"/wp-json/wc/v3/orders/{self.order['id']}/notes"
		)
		with patch("woocommerce_sync.core.client.WooCommerceClient._delay", return_value=0):
			[run] = self.run_queued()
		self.assertEqual(len(run.failures), 1)
		self.assertIn(note.name, run.failures[0]["reason"])
		self.assertTrue(run.failures[0]["error_log"], "the traceback is in the Error Log")
		values = frappe.db.get_value(
			"Delivery Note", note.name, [TRACKING_PENDING_FIELD, TRACKING_STATUS_FIELD], as_dict=True
		)
		self.assertEqual(values[TRACKING_PENDING_FIELD], 1)
		self.assertIn("Not sent yet", values[TRACKING_STATUS_FIELD])
		self.assertEqual(self.notes(), [])

		self.fake.clear_faults()
		retry_pending()
		self.assertTrue(any(note.name in job["delivery_notes"] for job in self.queued))
		self.run_queued()
		self.assertEqual(len(self.notes()), 1)
		self.assertEqual(frappe.db.get_value("Delivery Note", note.name, TRACKING_PENDING_FIELD), 0)


class TestTrackingNoteOnly(TrackingTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1, "shipment_tracking": TRACKING_NOTE}

	def test_only_a_note_is_sent_and_the_order_is_left_as_it_is(self):
		self.ship()
		self.fake.reset_counters()
		self.run_queued()
		self.assertEqual(len(self.notes()), 1)
		self.assertEqual(self.tracking_items(), [])
		self.assertEqual(self.fake.orders[self.order["id"]]["status"], "processing")
		self.assertEqual(self.fake.request_count("POST", "/wp-json/wc/v3/orders/batch"), 0)


class TestTrackingOff(TrackingTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1, "shipment_tracking": TRACKING_OFF}

	def test_nothing_is_queued(self):
		note = self.ship()
		self.assertEqual(self.queued, [])
		self.assertEqual(frappe.db.get_value("Delivery Note", note.name, TRACKING_PENDING_FIELD), 0)
