"""The webhook endpoint on a real site: recorded deliveries, signatures, unknown stores, the job."""

import json
import statistics
import time
import typing
from datetime import datetime, timedelta, timezone
from unittest.mock import patch

import frappe
import requests
from frappe.tests.utils import FrappeTestCase
from frappe.utils.background_jobs import get_job
from werkzeug.test import EnvironBuilder

from woocommerce_sync import webhook
from woocommerce_sync.constants import SYNC_LOG, WEBHOOK_DELIVERY
from woocommerce_sync.core.webhook import ORDER_TOPICS, body_hash, signature
from woocommerce_sync.orders.sync_sales_orders import sync_store
from woocommerce_sync.testing.fake_store import FIXTURES, FakeWooCommerceStore
from woocommerce_sync.testing.site_server import serve_site, site_headers
from woocommerce_sync.tests.utils import (
	StoreTestCase,
	make_settings,
	run_concurrently,
)
from woocommerce_sync.webhooks import deliveries
from woocommerce_sync.webhooks.registration import delivery_url, register_webhooks, remove_webhooks


def recorded(number: int) -> tuple[dict, bytes]:
	delivery = json.loads((FIXTURES / f"webhook_delivery_{number}.json").read_text())
	headers = {k: v for k, v in delivery["headers"].items() if k not in ("Host", "Content-Length")}
	return headers, delivery["body"].encode()


def signed(topic: str, payload: dict, secret: str = "s3cret", delivery_id: str = "d-1") -> tuple[dict, bytes]:
	body = json.dumps(payload).encode()
	return {
		"Content-Type": "application/json",
		"X-WC-Webhook-Topic": topic,
		"X-WC-Webhook-Delivery-ID": delivery_id,
		"X-WC-Webhook-Signature": signature(secret, body),
	}, body


class WebhookTestCase(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"webhook_secret": "s3cret", "submit_orders": 1}

	def post(self, headers: dict, body: bytes, store: str | None = None) -> tuple[int, dict, list]:
		builder = EnvironBuilder(
			method="POST", query_string={"store": store or self.store}, data=body, headers=headers
		)
		frappe.local.request = builder.get_request()
		frappe.local.response = frappe._dict()
		with patch("frappe.enqueue") as enqueue:
			result = webhook.receive()
		status = frappe.local.response.get("http_status_code") or 200
		return status, result, enqueue.call_args_list

	def run_jobs(self, calls: list) -> None:
		"""What the worker does with the queued jobs."""
		for call in calls:
			deliveries.process_deliveries(call.kwargs["store"], call.kwargs["order_id"])

	def deliveries(self) -> list[frappe._dict]:
		return frappe.get_all(
			WEBHOOK_DELIVERY,
			filters={"store": self.store},
			fields=["topic", "order_id", "delivery_id", "status", "sync_log", "reason", "creation", "name"],
			order_by="creation asc",
		)

	def live_orders(self) -> list[frappe._dict]:
		return frappe.get_all(
			"Sales Order",
			filters={"woocommerce_server": self.store, "docstatus": ("<", 2)},
			fields=["name", "woocommerce_id", "woocommerce_status"],
		)


class TestWebhookEndpoint(WebhookTestCase):
	def test_a_signed_delivery_is_recorded_queued_and_makes_the_sales_order(self):
		self.fake.add_order({**json.loads(recorded(1)[1]), "date_modified_gmt": "2026-11-23T04:27:22"})
		status, result, calls = self.post(*recorded(1))
		self.assertEqual((status, result), (200, {"ok": True}))
		self.assertEqual(len(calls), 1)
		job = calls[0].kwargs
		self.assertEqual(job["job_id"], f"woocommerce-webhook::{self.store}::21")
		self.assertTrue(job["deduplicate"] and job["enqueue_after_commit"])
		[delivery] = self.deliveries()
		self.assertEqual(
			(delivery.topic, delivery.order_id, delivery.status),
			("order.created", 21, "Queued"),
		)
		self.assertEqual(delivery.delivery_id, recorded(1)[0]["X-WC-Webhook-Delivery-ID"])
		self.run_jobs(calls)
		self.assertEqual([o.woocommerce_id for o in self.live_orders()], ["21"])
		[delivery] = self.deliveries()
		self.assertEqual(delivery.status, "Processed")
		self.assertEqual(frappe.db.get_value(SYNC_LOG, delivery.sync_log, "trigger"), "Webhook")

	def test_redeliveries_and_a_late_older_delivery_make_one_sales_order(self):
		self.fake.add_order({**json.loads(recorded(1)[1]), "date_modified_gmt": "2026-11-23T04:27:22"})
		created = recorded(1)
		resent = ({**created[0], "X-WC-Webhook-Delivery-ID": "resent"}, created[1])
		calls = []
		for headers, body in (created, recorded(3), resent):  # created, updated, created again
			calls += self.post(headers, body)[2]
		self.assertEqual({c.kwargs["job_id"] for c in calls}, {f"woocommerce-webhook::{self.store}::21"})
		self.run_jobs(calls)
		self.assertEqual(len(self.live_orders()), 1)
		self.assertEqual({d.status for d in self.deliveries()}, {"Processed"})
		self.assertEqual(len(self.deliveries()), 3, "every delivery is on record")

	def test_a_replayed_delivery_is_answered_without_a_second_row_or_job(self):
		order, other = self.fake.generate_orders(2, status="processing")
		first = self.post(*signed("order.created", order, delivery_id="same-second"))
		replay = self.post(*signed("order.created", order, delivery_id="same-second"))
		self.assertEqual((first[0], len(first[2])), (200, 1))
		self.assertEqual((replay[0], replay[1], replay[2]), (200, {"ok": True}, []))
		# WooCommerce's delivery id is wp_hash(webhook id . second): another order may share it.
		sibling = self.post(*signed("order.created", other, delivery_id="same-second"))
		self.assertEqual((sibling[0], len(sibling[2])), (200, 1))
		self.assertEqual(
			sorted((d.order_id, d.delivery_id) for d in self.deliveries()),
			sorted([(order["id"], "same-second"), (other["id"], "same-second")]),
		)
		[hashed] = frappe.get_all(
			WEBHOOK_DELIVERY, filters={"store": self.store, "order_id": order["id"]}, pluck="body_hash"
		)
		self.assertEqual(hashed, body_hash(signed("order.created", order)[1]))

	def test_two_copies_arriving_at_once_make_one_row_and_one_job(self):
		"""Both requests check for a replay before either has recorded it; the unique replay key
		lets one row in, and the other copy is answered 200 with no job."""
		[order] = self.fake.generate_orders(1, status="processing")
		with patch("woocommerce_sync.webhook._is_replay", return_value=False):
			first = self.post(*signed("order.created", order, delivery_id="at-once"))
			second = self.post(*signed("order.created", order, delivery_id="at-once"))
		self.assertEqual((first[0], len(first[2])), (200, 1))
		self.assertEqual((second[0], second[1], second[2]), (200, {"ok": True}, []))
		self.assertEqual(len(self.deliveries()), 1)

	def test_an_order_id_beyond_the_int_column_is_rejected_on_record(self):
		status, result, calls = self.post(*signed("order.updated", {"id": 2**70}))
		self.assertEqual((status, result, calls), (400, {"ok": False}, []))
		[delivery] = self.deliveries()
		self.assertEqual((delivery.status, delivery.order_id), ("Rejected", 0))
		self.assertIn(str(2**70), delivery.reason)

	def test_a_signed_deeply_nested_body_is_rejected_on_record(self):
		body = b'{"id": 7, "meta_data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
		headers = {"X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Signature": signature("s3cret", body)}
		status, result, calls = self.post(headers, body)
		self.assertEqual((status, result, calls), (400, {"ok": False}, []))
		[delivery] = self.deliveries()
		self.assertEqual(delivery.status, "Rejected")
		self.assertIn("nested too deeply", delivery.reason)

	def test_frappe_does_not_sanitise_the_anonymous_body(self):
		"""Frappe runs its HTML sanitiser over a guest's arguments unless the method is xss_safe; the
		raw body is what is verified, so that work is wasted on every delivery."""
		self.addCleanup(frappe.set_user, frappe.session.user)
		frappe.set_user("Guest")
		frappe.local.form_dict = frappe._dict(note="<img src=x onerror=alert(1)>")
		frappe.is_whitelisted(webhook.receive)
		self.assertEqual(frappe.local.form_dict.note, "<img src=x onerror=alert(1)>")

	def test_ping_gets_200_and_queues_nothing(self):
		status, result, calls = self.post(*recorded(2))
		self.assertEqual((status, result, calls), (200, {"ok": True}, []))
		self.assertEqual(self.deliveries(), [])

	def test_unsigned_tampered_and_wrong_store_get_401_and_change_nothing(self):
		started = frappe.utils.now_datetime()
		headers, body = recorded(1)
		unsigned = {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"}
		cases = [
			(unsigned, body, None),
			(headers, body.replace(b'"21.65"', b'"0.01"'), None),
			(headers, body, "no-such-store"),
			({**headers, "X-WC-Webhook-Signature": signature("other", body)}, body, None),
			# the database's collation would match these; the store's name must match exactly
			(headers, body, self.store.upper()),
			(headers, body, f"{self.store} "),
		]
		for case_headers, case_body, store in cases:
			status, result, calls = self.post(case_headers, case_body, store)
			self.assertEqual((status, result, calls), (401, {"ok": False}, []))
		self.assertEqual(
			frappe.db.count(WEBHOOK_DELIVERY, {"store": ("in", [self.store, "no-such-store"])}), 0
		)
		self.assertEqual(frappe.db.count(WEBHOOK_DELIVERY, {"creation": (">=", started)}), 0)

	def test_signed_garbage_is_a_400_on_record_not_a_500(self):
		body = b"not json at all"
		headers = {"X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Signature": signature("s3cret", body)}
		status, result, calls = self.post(headers, body)
		self.assertEqual((status, result, calls), (400, {"ok": False}, []))
		[delivery] = self.deliveries()
		self.assertEqual((delivery.status, delivery.topic), ("Rejected", "order.created"))
		self.assertIn("not JSON", delivery.reason)


class TestUnknownStoresAnswerInTheSameTime(WebhookTestCase):
	def test_known_and_unknown_stores_take_the_same_time_to_refuse(self):
		"""A wrong signature for a real store and for a made-up one: the same work (one query, one
		decryption, one HMAC), so the answer's timing does not tell which store names exist."""
		headers, body = signed("order.created", {"id": 5}, secret="not-the-secret")

		def receive_time(store: str) -> float:
			frappe.local.request = EnvironBuilder(
				method="POST", query_string={"store": store}, data=body, headers=headers
			).get_request()
			frappe.local.response = frappe._dict()
			started = time.perf_counter()
			webhook.receive()
			elapsed = time.perf_counter() - started
			self.assertEqual(frappe.local.response.http_status_code, 401)
			return elapsed

		known, unknown = [], []
		for attempt in range(240):  # interleaved, so load on the machine falls on both alike
			pair = (known, self.store), (unknown, "no-such-store")
			for times, store in pair if attempt % 2 else pair[::-1]:
				times.append(receive_time(store))
		known, unknown = statistics.median(known[40:]), statistics.median(unknown[40:])  # warm
		self.assertLess(abs(known - unknown) / max(known, unknown), 0.10, (known, unknown))


class TestDeletedAndRestoredOrders(WebhookTestCase):
	def test_trash_restore_and_delete_follow_the_store(self):
		order = self.fake.generate_orders(1, status="processing")[0]
		self.run_jobs(self.post(*signed("order.created", order))[2])
		[first] = self.live_orders()
		self.assertEqual(frappe.db.get_value("Sales Order", first.name, "docstatus"), 1)

		self.fake.orders[order["id"]]["status"] = "trash"  # Move to Trash in wp-admin
		self.fake._stamp(self.fake.orders[order["id"]])
		self.run_jobs(self.post(*signed("order.deleted", {"id": order["id"]}, delivery_id="d-2"))[2])
		self.assertEqual(self.live_orders(), [])
		self.assertEqual(
			frappe.db.get_value("Sales Order", first.name, ["docstatus", "woocommerce_status"]), (2, "trash")
		)

		self.fake.orders[order["id"]]["status"] = "processing"  # Restore
		self.fake._stamp(self.fake.orders[order["id"]])
		self.run_jobs(
			self.post(*signed("order.restored", self.fake.orders[order["id"]], delivery_id="d-3"))[2]
		)
		[second] = self.live_orders()
		self.assertNotEqual(second.name, first.name, "the restored order is a Sales Order again")

		del self.fake.orders[order["id"]]  # Delete Permanently
		self.run_jobs(self.post(*signed("order.deleted", {"id": order["id"]}, delivery_id="d-4"))[2])
		self.assertEqual(self.live_orders(), [])
		self.assertEqual(
			frappe.db.get_value("Sales Order", second.name, ["docstatus", "woocommerce_status"]),
			(2, "deleted"),
		)
		self.assertEqual({d.status for d in self.deliveries()}, {"Processed"})

	def test_the_hourly_sync_cancels_an_order_trashed_while_webhooks_were_down(self):
		order = self.fake.generate_orders(1, status="processing")[0]
		sync_store(self.store, "Scheduler")
		[so] = [o for o in self.live_orders() if o.woocommerce_id == str(order["id"])]
		self.fake.set_time(datetime.now(timezone.utc) + timedelta(hours=1))
		self.fake.orders[order["id"]]["status"] = "trash"
		self.fake._stamp(self.fake.orders[order["id"]])
		sync_store(self.store, "Scheduler")
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "docstatus"), 2)


class TestNothingIsLost(WebhookTestCase):
	def test_a_store_that_cannot_be_read_keeps_the_delivery_for_the_sweep(self):
		order = self.fake.generate_orders(1, status="processing")[0]
		calls = self.post(*signed("order.created", order))[2]
		self.fake.inject_fault("unauthorized", times=100)
		self.run_jobs(calls)
		[delivery] = self.deliveries()
		self.assertEqual(delivery.status, "Queued")
		self.assertIn("consumer key", delivery.reason)
		self.assertEqual(self.live_orders(), [])

		frappe.db.set_value(
			WEBHOOK_DELIVERY, delivery.name, "creation", delivery.creation - timedelta(minutes=11)
		)
		with patch("frappe.enqueue") as enqueue:
			deliveries.requeue_stale_deliveries()
		requeued = [c for c in enqueue.call_args_list if c.kwargs["store"] == self.store]
		self.assertEqual([c.kwargs["order_id"] for c in requeued], [order["id"]])
		self.fake.clear_faults()
		self.run_jobs(requeued)
		self.assertEqual([o.woocommerce_id for o in self.live_orders()], [str(order["id"])])
		self.assertEqual(self.deliveries()[0].status, "Processed")

	def test_a_delivery_arriving_while_its_job_runs_is_handled_by_that_job(self):
		order = self.fake.generate_orders(1, status="processing")[0]
		calls = self.post(*signed("order.created", order))[2]
		real_sync_store = deliveries.sync_store

		def sync_then_another_delivery(*args, **kwargs):
			run = real_sync_store(*args, **kwargs)
			if len(self.deliveries()) == 1:  # the store sends order.updated mid-job; the enqueue is dropped
				self.fake.orders[order["id"]]["status"] = "completed"
				self.fake.set_time(datetime.now(timezone.utc) + timedelta(minutes=5))
				self.fake._stamp(self.fake.orders[order["id"]])
				self.post(*signed("order.updated", self.fake.orders[order["id"]], delivery_id="d-2"))
				frappe.db.commit()
			return run

		with patch.object(deliveries, "sync_store", side_effect=sync_then_another_delivery) as sync:
			self.run_jobs(calls)
		self.assertEqual(sync.call_count, 2)
		self.assertEqual([d.status for d in self.deliveries()], ["Processed", "Processed"])
		[so] = self.live_orders()
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "woocommerce_status"), "completed")

	def test_the_webhook_job_and_the_hourly_sync_racing_make_one_sales_order(self):
		orders = self.fake.generate_orders(5, status="processing")
		calls = []
		for order in orders:
			calls += self.post(*signed("order.created", order, delivery_id=f"d-{order['id']}"))[2]
		frappe.db.commit()
		self.fake.latency = 0.05
		_, errors = run_concurrently(
			lambda: self.run_jobs(calls), lambda: sync_store(self.store, "Scheduler")
		)
		self.assertEqual(errors, [])
		made = frappe.get_all(
			"Sales Order",
			filters={
				"woocommerce_server": self.store,
				"woocommerce_id": ("in", [str(o["id"]) for o in orders]),
			},
			pluck="woocommerce_id",
		)
		self.assertEqual(sorted(map(int, made)), [o["id"] for o in orders], "each order made exactly once")
		self.assertEqual({d.status for d in self.deliveries()}, {"Processed"})


class TestThroughGunicorn(WebhookTestCase):
	"""The real WSGI stack: Frappe's request handling, the guest method, the commit, the queue."""

	def test_signed_unsigned_ping_and_unknown_store_over_http(self):
		frappe.db.commit()  # gunicorn's workers read the settings through their own connections
		self.addCleanup(frappe.db.commit)
		endpoint = "/api/method/woocommerce_sync.webhook.receive"
		order = self.fake.generate_orders(1, status="processing")[0]
		headers, body = signed("order.created", order, delivery_id="d-http")
		with serve_site(workers=1) as url:

			def post(store, extra_headers, data):
				return requests.post(
					f"{url}{endpoint}",
					params={"store": store},
					headers={**site_headers(), **extra_headers},
					data=data,
					timeout=30,
				)

			ok = post(self.store, headers, body)
			unsigned = post(self.store, {"Content-Type": "application/json"}, body)
			unknown = post("no-such-store", headers, body)
			ping = post(self.store, {"Content-Type": "application/x-www-form-urlencoded"}, b"webhook_id=7")
		self.assertEqual((ok.status_code, ok.json()["message"]), (200, {"ok": True}))
		self.assertEqual((unsigned.status_code, unknown.status_code, ping.status_code), (401, 401, 200))
		self.assertNotIn("Traceback", unsigned.text + unknown.text)
		[delivery] = self.deliveries()
		self.assertEqual((delivery.delivery_id, delivery.status), ("d-http", "Queued"))
		job = get_job(f"woocommerce-webhook::{self.store}::{order['id']}")
		self.assertIsNotNone(job, "the request queued the job after its commit")
		self.assertEqual(job.kwargs["kwargs"]["order_id"], order["id"])
		job.cancel()
		job.delete()
		deliveries.process_deliveries(self.store, order["id"])
		self.assertEqual([o.woocommerce_id for o in self.live_orders()], [str(order["id"])])


class TestWebhookRegistration(FrappeTestCase):
	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.settings = make_settings(self.fake).insert()
		self.fake.webhooks[900] = {
			"id": 900,
			"name": "Another tool",
			"status": "active",
			"topic": "order.created",
			"delivery_url": "https://elsewhere.example.com/hook",
		}

	def ours(self) -> list[dict]:
		url = delivery_url(self.settings.name)
		return [h for h in self.fake.webhooks.values() if h["delivery_url"] == url]

	def test_register_creates_repairs_and_remove_deletes_only_ours(self):
		result = register_webhooks(self.settings.name)
		self.assertTrue(result["ok"], result["message"])
		hooks = self.ours()
		self.assertEqual(sorted(h["topic"] for h in hooks), sorted(ORDER_TOPICS))
		secret = self.settings.get_password("webhook_secret")
		self.assertTrue(all(h["secret"] == secret and h["status"] == "active" for h in hooks))
		hooks[0]["status"] = "disabled"  # WooCommerce disables a webhook after repeated failures
		result = register_webhooks(self.settings.name)
		self.assertIn("re-enabled (was disabled)", result["message"])
		self.assertEqual(len(self.ours()), 4)
		self.assertTrue(all(h["status"] == "active" for h in self.ours()))
		result = remove_webhooks(self.settings.name)
		self.assertTrue(result["ok"])
		self.assertEqual(self.ours(), [])
		self.assertIn(900, self.fake.webhooks, "another tool's webhook is left alone")

	def test_bad_keys_are_explained(self):
		self.settings.consumer_secret = "cs_" + "0" * 40
		self.settings.save()
		result = register_webhooks(self.settings.name)
		self.assertFalse(result["ok"])
		self.assertIn("refused the consumer key/secret", result["message"])

	def test_the_hourly_sync_notices_a_disabled_webhook(self):
		register_webhooks(self.settings.name)
		self.ours()[1]["status"] = "disabled"
		run = sync_store(self.settings.name, "Scheduler")
		notes = frappe.db.get_value(SYNC_LOG, run.name, "notes")
		self.assertIn("webhook is disabled", notes)
		self.assertIn("Register Webhooks", notes)
