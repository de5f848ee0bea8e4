"""ERPNext -> WooCommerce on a real site: submit, cancel, status change, export, the push jobs
they queue, the hourly two-way pass and its echo rule, against the fake store."""

import json
import time
import typing
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from unittest.mock import patch

import frappe

from woocommerce_sync import connection
from woocommerce_sync.constants import PUSH_JOB
from woocommerce_sync.core.client import ClientProfile
from woocommerce_sync.orders.sales_order_export import META_KEY
from woocommerce_sync.orders.sales_order_to_woocommerce import (
	PUSH_METHOD,
	push_sales_order,
	retry_push,
	sync_both_ways,
	sync_with_woocommerce,
	woocommerce_admin_url,
)
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.tests.utils import StoreTestCase, get_company

API = "/wp-json/wc/v3/orders"


class PushJobs:
	"""A request's side of the push: what it queues on commit, and the worker running it."""

	def queued(self, action: Callable[[], object]) -> list:
		"""Run `action` as a request does (it commits); the push jobs it queued, not run yet."""
		with patch("frappe.enqueue") as enqueue:
			action()
			frappe.db.commit()
		calls = [c for c in enqueue.call_args_list if c.args and c.args[0] == PUSH_METHOD]
		for call in calls:
			self.assertTrue(call.kwargs["deduplicate"] and call.kwargs["enqueue_after_commit"])
			self.assertTrue(call.kwargs["job_id"].startswith(PUSH_JOB))
		return calls

	def run_jobs(self, calls: list) -> None:
		"""What the worker does with them."""
		for call in calls:
			push_sales_order(call.kwargs["sales_order"])

	def pushed(self, action: Callable[[], object]) -> list:
		calls = self.queued(action)
		self.run_jobs(calls)
		return calls

	def push_state(self, name: str) -> frappe._dict:
		return frappe.db.get_value(
			"Sales Order",
			name,
			["woocommerce_push_state", "woocommerce_push_error", "woocommerce_pushed"],
			as_dict=True,
		)


class TwoWayTestCase(PushJobs, StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def setUp(self):
		super().setUp()
		self.order = self.fake.generate_orders(1, status="processing")[0]
		sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"]]))
		self.so = frappe.get_doc(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(self.order["id"])}
		)
		self.fake.reset_counters()

	def sent(self, method: str = "PUT") -> list[dict]:
		return [
			json.loads(r["body"])
			for r in self.fake.requests
			if r["method"] == method and r["path"].startswith(API)
		]

	def store_order(self) -> dict:
		return self.fake.orders[self.order["id"]]

	def later(self, minutes: int) -> None:
		"""The store's clock moves on, so its next change is newer than everything so far."""
		self.fake.set_time(datetime.now(timezone.utc) + timedelta(minutes=minutes))


class TestSubmitAndStatus(TwoWayTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 0}

	def test_submit_pushes_what_changed_and_only_that(self):
		self.so.woocommerce_status = "completed"
		self.so.woocommerce_customer_note = "Gift wrap"
		self.so.save()
		[job] = self.queued(self.so.submit)
		self.assertEqual(self.fake.requests, [], "the submit itself asks the store nothing")
		self.assertEqual(self.push_state(self.so.name).woocommerce_push_state, "Queued")
		self.run_jobs([job])
		self.assertEqual(self.sent(), [{"status": "completed", "customer_note": "Gift wrap"}])
		self.assertEqual(self.push_state(self.so.name).woocommerce_push_state, "Sent")
		self.assertEqual(self.store_order()["status"], "completed")
		synced = frappe.db.get_value(
			"Sales Order", self.so.name, ["woocommerce_sync_hash", "woocommerce_modified"], as_dict=True
		)
		self.assertTrue(synced.woocommerce_sync_hash)
		self.assertEqual(synced.woocommerce_modified.isoformat(), self.store_order()["date_modified_gmt"])

	def test_submit_without_changes_sends_nothing(self):
		self.pushed(self.so.submit)
		self.assertEqual(self.sent(), [])
		self.assertEqual(self.fake.request_count("GET", f"{API}/{self.order['id']}"), 1)


class TestSubmittedOrders(TwoWayTestCase):
	def test_status_change_on_a_submitted_order_is_pushed(self):
		self.so.woocommerce_status = "on-hold"
		[job] = self.queued(self.so.save)
		self.assertEqual(self.fake.requests, [])
		self.run_jobs([job])
		self.assertEqual(self.sent(), [{"status": "on-hold"}])
		self.assertEqual(self.store_order()["status"], "on-hold")

	def test_a_change_saved_while_its_job_runs_is_sent_by_that_job(self):
		"""The second job is dropped as a duplicate while the first runs: the first sends it."""
		from woocommerce_sync.orders import sales_order_to_woocommerce as push

		self.so.woocommerce_status = "on-hold"
		[job] = self.queued(self.so.save)
		original, saved = push._send, []

		def person_saves_meanwhile(client, so):
			answer = original(client, so)
			if not saved:
				doc = frappe.get_doc("Sales Order", self.so.name)
				doc.woocommerce_status = "completed"
				saved.extend(self.queued(doc.save))
			return answer

		with patch.object(push, "_send", person_saves_meanwhile):
			self.run_jobs([job])
		self.assertEqual(len(saved), 1)
		self.assertEqual(self.sent(), [{"status": "on-hold"}, {"status": "completed"}])
		self.assertEqual(self.store_order()["status"], "completed")

	def test_cancel_cancels_the_woocommerce_order(self):
		[job] = self.queued(self.so.cancel)
		self.assertEqual(self.fake.requests, [])
		self.run_jobs([job])
		self.assertEqual(self.sent(), [{"status": "cancelled"}])
		self.assertEqual(self.store_order()["status"], "cancelled")

	def test_a_store_that_is_down_never_blocks_the_person_and_the_hourly_pass_catches_up(self):
		self.fake.inject_fault("unauthorized", times=5)
		self.so.woocommerce_status = "completed"
		self.pushed(self.so.save)  # not blocked
		self.assertEqual(self.store_order()["status"], "processing")
		state = self.push_state(self.so.name)
		self.assertEqual(state.woocommerce_push_state, "Failed")
		self.assertIn("consumer key", state.woocommerce_push_error)
		self.assertIn(self.store, state.woocommerce_push_error)
		self.fake.clear_faults()
		runs = []
		jobs = self.queued(lambda: runs.append(sync_both_ways(self.store)))
		self.assertEqual(
			[job.kwargs["sales_order"] for job in jobs], [self.so.name], "retried by its own job"
		)
		self.assertTrue(any("queued again" in note for note in runs[0].notes), runs[0].notes)
		self.assertEqual(self.store_order()["status"], "processing", "not sent twice: left to the job")
		self.run_jobs(jobs)
		self.assertEqual(self.store_order()["status"], "completed")
		self.assertEqual(self.push_state(self.so.name).woocommerce_push_state, "Sent")

	def test_an_order_deleted_in_the_store_is_said_in_plain_words(self):
		del self.fake.orders[self.order["id"]]
		self.so.woocommerce_status = "completed"
		self.pushed(self.so.save)
		state = self.push_state(self.so.name)
		self.assertEqual(state.woocommerce_push_state, "Failed")
		self.assertIn("no longer exists", state.woocommerce_push_error)

	def test_orders_cancelled_by_the_store_are_not_sent_back(self):
		self.later(5)
		self.store_order()["status"] = "cancelled"
		self.fake._stamp(self.store_order())
		queued = self.queued(lambda: sync_store(self.store, "Manual", ImportFilters(ids=[self.order["id"]])))
		self.assertEqual(frappe.db.get_value("Sales Order", self.so.name, "docstatus"), 2)
		self.assertEqual(queued, [], "the import's own cancel is not pushed")
		self.assertEqual(self.sent(), [])


class TestEditableLines(TwoWayTestCase):
	def setUp(self):
		super().setUp()
		self.so.woocommerce_status = "on-hold"  # WooCommerce lets one edit an on-hold order's items
		self.pushed(self.so.save)
		self.fake.reset_counters()

	def test_update_items_on_an_editable_order_sends_the_new_quantity(self):
		from erpnext.controllers.accounts_controller import update_child_qty_rate

		row = self.so.items[0]
		items = [
			{
				"docname": r.name,
				"item_code": r.item_code,
				"qty": r.qty + (1 if r.name == row.name else 0),
				"rate": r.rate,
				"conversion_factor": r.conversion_factor,
				"uom": r.uom,
				"delivery_date": str(r.delivery_date),
			}
			for r in self.so.items
		]
		self.pushed(lambda: update_child_qty_rate("Sales Order", json.dumps(items), self.so.name))
		sent = self.sent()
		self.assertEqual(len(sent), 1, sent)
		[change] = sent[0]["line_items"]
		self.assertEqual((change["id"], change["quantity"]), (int(row.woocommerce_line_id), int(row.qty) + 1))
		line = next(li for li in self.store_order()["line_items"] if li["id"] == change["id"])
		self.assertEqual(line["quantity"], int(row.qty) + 1)


class TestHourlyTwoWayPass(TwoWayTestCase):
	def test_woocommerce_newer_is_pulled_erpnext_newer_is_pushed_and_nothing_echoes(self):
		self.later(5)
		self.store_order()["status"] = "completed"
		self.fake._stamp(self.store_order())
		sync_both_ways(self.store)
		self.assertEqual(frappe.db.get_value("Sales Order", self.so.name, "woocommerce_status"), "completed")
		self.assertEqual(self.sent(), [])

		self.fake.reset_counters()
		sync_both_ways(self.store)
		self.assertEqual(self.sent(), [], "an import is not pushed back")

		frappe.db.set_value("Sales Order", self.so.name, "woocommerce_customer_note", "Call before delivery")
		sync_both_ways(self.store)
		self.assertEqual(self.sent(), [{"customer_note": "Call before delivery"}])
		self.assertEqual(self.store_order()["customer_note"], "Call before delivery")

		self.fake.reset_counters()
		modified = frappe.db.get_value("Sales Order", self.so.name, "modified")
		sync_both_ways(self.store)
		self.assertEqual(self.sent(), [], "our push does not come back as a WooCommerce change")
		self.assertEqual(frappe.db.get_value("Sales Order", self.so.name, "modified"), modified)

	def test_both_changed_within_the_overlap_is_left_for_a_person(self):
		frappe.db.set_value("Sales Order", self.so.name, "woocommerce_customer_note", "ERPNext note")
		self.store_order()["customer_note"] = "Shop note"
		self.fake._stamp(self.store_order())
		run = sync_both_ways(self.store)
		self.assertEqual(self.sent(), [])
		self.assertTrue(any("both changed" in f["reason"] for f in run.failures), run.failures)

	def test_the_wp_admin_link(self):
		self.assertEqual(
			woocommerce_admin_url(self.so.name),
			f"{self.fake.url}/wp-admin/post.php?post={self.order['id']}&action=edit",
		)

	def test_sync_with_woocommerce_answers_what_happened(self):
		self.assertIn("nothing to do", sync_with_woocommerce(self.so.name))
		frappe.db.set_value("Sales Order", self.so.name, "woocommerce_status", "on-hold")
		self.assertIn("updated", sync_with_woocommerce(self.so.name))
		self.assertEqual(self.store_order()["status"], "on-hold")


class TestExport(PushJobs, StoreTestCase):
	def setUp(self):
		super().setUp()
		self.product = next(p for p in self.fake.products.values() if p.get("type") == "simple")
		self.item = self._item(link=True)
		self.customer = self._customer()

	def _item(self, link: bool) -> str:
		code = f"WC-EXPORT-{frappe.generate_hash(length=6)}"
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		)
		if link:
			item.append(
				"woocommerce_links",
				{"woocommerce_server": self.store, "woocommerce_product_id": self.product["id"]},
			)
		return item.insert(ignore_permissions=True).name

	def _customer(self) -> frappe._dict:
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": "Ada Lovelace", "customer_type": "Individual"}
		).insert(ignore_permissions=True)
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": customer.name,
				"address_type": "Billing",
				"address_line1": "12 St James's Square",
				"city": "London",
				"pincode": "SW1Y 4JH",
				"country": "United Kingdom",
				"email_id": "ada@example.com",
				"links": [{"link_doctype": "Customer", "link_name": customer.name}],
			}
		).insert(ignore_permissions=True)
		return frappe._dict(name=customer.name, address=address.name)

	def sales_order(self, *items: str):
		company = get_company()
		return frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": company.name,
				"customer": self.customer.name,
				"customer_address": self.customer.address,
				"transaction_date": frappe.utils.today(),
				"delivery_date": frappe.utils.add_days(frappe.utils.today(), 7),
				"woocommerce_server": self.store,
				"items": [
					{"item_code": code, "qty": 2, "rate": 12.5, "warehouse": company.warehouse}
					for code in items
				],
			}
		).insert(ignore_permissions=True)

	def test_an_erpnext_order_is_created_in_the_store_and_linked(self):
		so = self.sales_order(self.item)
		self.pushed(so.submit)
		so.reload()
		self.assertTrue(so.woocommerce_id)
		order = self.fake.orders[int(so.woocommerce_id)]
		self.assertEqual(order["line_items"][0]["product_id"], self.product["id"])
		self.assertEqual(order["line_items"][0]["quantity"], 2)
		self.assertEqual(order["line_items"][0]["total"], "25.00")
		self.assertEqual(order["billing"]["city"], "London")
		self.assertEqual(order["billing"]["email"], "ada@example.com")
		self.assertEqual(so.woocommerce_live_key, f"{self.store}:{so.woocommerce_id}")
		self.fake.reset_counters()
		sync_both_ways(self.store)
		self.assertEqual(self.fake.request_count("PUT"), 0, "nothing to send after the export")

	def test_unpaired_items_are_named_and_nothing_is_created(self):
		unpaired = self._item(link=False)
		so = self.sales_order(self.item, unpaired)
		before = len(self.fake.orders)
		self.fake.reset_counters()
		with self.assertRaises(frappe.ValidationError) as raised:
			so.submit()
		self.assertIn(unpaired, str(raised.exception))
		self.assertEqual(len(self.fake.orders), before)
		self.assertEqual(self.fake.requests, [], "refused from this site's data alone")

	def test_a_product_deleted_in_the_store_fails_the_push_with_the_reason_and_retry_sends_it(self):
		so = self.sales_order(self.item)
		product = self.fake.products.pop(self.product["id"])
		self.pushed(so.submit)
		state = self.push_state(so.name)
		self.assertEqual(state.woocommerce_push_state, "Failed")
		self.assertIn("Product ID provided is invalid", state.woocommerce_push_error)
		self.assertIn(self.store, state.woocommerce_push_error)
		self.assertIsNone(
			frappe.db.get_value("Sales Order", so.name, "woocommerce_id"), "nothing half-written"
		)
		self.assertEqual(self.error_logs(so.name), 1)
		self.pushed(lambda: retry_push(so.name))  # the same failure again: no second Error Log
		self.assertEqual(self.error_logs(so.name), 1)

		self.fake.products[product["id"]] = product
		self.fake.reset_counters()
		self.pushed(lambda: retry_push(so.name))
		so.reload()
		self.assertEqual(so.woocommerce_push_state, "Sent")
		self.assertFalse(so.woocommerce_push_error)
		self.assertIn(int(so.woocommerce_id), self.fake.orders)
		self.assertEqual(self.fake.request_count("POST", API), 1)

	def test_submit_makes_no_request_and_the_job_exports_once(self):
		so = self.sales_order(self.item)
		before = len(self.fake.orders)
		self.fake.reset_counters()
		[job] = self.queued(so.submit)
		self.assertEqual(self.fake.requests, [], "no request inside the submit")
		self.assertEqual(self.push_state(so.name).woocommerce_push_state, "Queued")
		self.run_jobs([job])
		self.assertEqual([r["method"] for r in self.fake.requests], ["POST"], "one create, no search")
		self.assertEqual(len(self.fake.orders), before + 1)
		self.assertEqual(self.push_state(so.name).woocommerce_push_state, "Sent")

	def test_a_hanging_store_does_not_make_submit_wait(self):
		so = self.sales_order(self.item)
		self.fake.latency = 60  # every request would hang for a minute (the client gives up at 30 s)
		started = time.monotonic()
		calls = self.queued(so.submit)
		elapsed = time.monotonic() - started
		self.fake.latency = 0
		self.assertLess(elapsed, 5, "submit waited on the store")
		self.assertEqual(len(calls), 1)
		self.assertEqual(self.fake.requests, [])

	def test_an_export_whose_answer_was_lost_is_linked_on_retry_not_made_twice(self):
		so = self.sales_order(self.item)
		self.fake.inject_fault("lost_answer", seconds=5, path_prefix=API)
		quick = ClientProfile(timeout=(2.0, 1.0), max_retries=1)
		original = connection.get_client
		with patch(
			"woocommerce_sync.orders.sales_order_to_woocommerce.get_client",
			lambda store, *args: original(store, quick),
		):
			self.pushed(so.submit)
			state = self.push_state(so.name)
			self.assertEqual(state.woocommerce_push_state, "Failed")
			self.assertIn("slow", state.woocommerce_push_error)
			self.assertEqual(len(self.made_for(so.name)), 1, "the store wrote the order")
			self.pushed(lambda: retry_push(so.name))
		[order_id] = self.made_for(so.name)
		so.reload()
		self.assertEqual(so.woocommerce_id, str(order_id))
		self.assertEqual(so.woocommerce_live_key, f"{self.store}:{order_id}")
		self.assertEqual(so.woocommerce_push_state, "Sent")
		self.assertEqual(self.fake.request_count("POST", API), 1, "the retry searched, it did not create")

	def test_a_sales_order_cancelled_before_its_lost_export_was_confirmed_cancels_that_order(self):
		so = self.sales_order(self.item)
		self.fake.inject_fault("lost_answer", seconds=5, path_prefix=API)
		quick = ClientProfile(timeout=(2.0, 1.0), max_retries=1)
		original = connection.get_client
		with patch(
			"woocommerce_sync.orders.sales_order_to_woocommerce.get_client",
			lambda store, *args: original(store, quick),
		):
			self.pushed(so.submit)
			so.reload()
			self.pushed(so.cancel)
		[order_id] = self.made_for(so.name)
		self.assertEqual(self.fake.orders[order_id]["status"], "cancelled")
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "woocommerce_id"), str(order_id))

	def made_for(self, sales_order: str) -> list[int]:
		return [
			order["id"]
			for order in self.fake.orders.values()
			if any(m.get("key") == META_KEY and m.get("value") == sales_order for m in order["meta_data"])
		]

	def error_logs(self, sales_order: str) -> int:
		return frappe.db.count(
			"Error Log", {"reference_doctype": "Sales Order", "reference_name": sales_order}
		)
