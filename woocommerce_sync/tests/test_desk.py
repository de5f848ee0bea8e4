"""The app's home in Desk on known data: workspace, number cards, charts, the sync status console
(retry, ignore), the reports, the stores' health, the daily digest and the guided first run."""

import email
import json
import re
import typing
from datetime import datetime, timedelta, timezone
from unittest.mock import patch

import frappe
from frappe.desk.desktop import get_desktop_page
from frappe.utils import add_days, get_datetime, getdate, now_datetime, nowdate

from woocommerce_sync.constants import STOCK_OPERATION
from woocommerce_sync.desk import cards, console, first_run, health
from woocommerce_sync.desk.digest import send_due_digests
from woocommerce_sync.orders.retries import pending_ids
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.runs import sync_run
from woocommerce_sync.tests.utils import StoreTestCase, get_company
from woocommerce_sync.woocommerce_sync.dashboard_chart_source.woocommerce_sync_activity import (
	woocommerce_sync_activity as activity_source,
)
from woocommerce_sync.woocommerce_sync.report.woocommerce_orders_missing_in_erpnext import (
	woocommerce_orders_missing_in_erpnext as missing_report,
)
from woocommerce_sync.woocommerce_sync.report.woocommerce_sales import woocommerce_sales as sales_report
from woocommerce_sync.woocommerce_sync.report.woocommerce_sync_status import (
	woocommerce_sync_status as status_report,
)

SETTINGS = "WooCommerce Integration Settings"
NOW_UTC = datetime.now(timezone.utc).replace(microsecond=0)


def sales_orders(store: str) -> dict[str, frappe._dict]:
	return {
		so.woocommerce_id: so
		for so in frappe.get_all(
			"Sales Order",
			filters={"woocommerce_server": store, "docstatus": ("<", 2)},
			fields=[
				"name",
				"woocommerce_id",
				"docstatus",
				"base_net_total",
				"base_discount_amount",
				"grand_total",
			],
		)
	}


def figure(html: str, css_class: str) -> str | None:
	"""The text of the element with this class (the e-mail's CSS is inlined into style attributes)."""
	found = re.search(rf'class="{css_class}"[^>]*>([^<]*)<', html)
	return found.group(1).strip() if found else None


class DeskTestCase(StoreTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 1}

	def import_new(self, n: int, start: datetime = NOW_UTC, **kwargs) -> list[dict]:
		orders = self.fake.generate_orders(n, start=start - timedelta(minutes=5), **kwargs)
		run = sync_store(self.store, "Manual", filters=ImportFilters(ids=[o["id"] for o in orders]))
		self.assertFalse(run.failures, run.failures)
		return orders

	def break_order(self, order: dict) -> None:
		"""A tax rate the settings do not map: the order fails to import until it is mapped."""
		stored = self.fake.orders[order["id"]]
		stored["tax_lines"][0]["rate_id"] = 99
		for line in stored["line_items"]:
			line["taxes"][0]["id"] = 99


class TestWorkspaceAndCards(DeskTestCase):
	def test_workspace_loads_with_its_cards_charts_and_shortcuts(self):
		page = get_desktop_page(json.dumps({"name": "WooCommerce", "title": "WooCommerce"}))
		self.assertEqual(
			{card.number_card_name for card in page["number_cards"]["items"]},
			{
				"WooCommerce Orders Imported Today",
				"WooCommerce Orders Waiting for Retry",
				"WooCommerce Webhook Deliveries Stuck",
				"WooCommerce Stores Not Syncing",
			},
		)
		self.assertEqual(len(page["charts"]["items"]), 3)
		shortcuts = {s.label: s for s in page["shortcuts"]["items"]}
		self.assertEqual(shortcuts["Sync Status"].link_to, "WooCommerce Sync Status")
		# Links, not DocType shortcuts: those count the whole log table on every load, and the
		# live order list's count would ask a store.
		self.assertEqual(shortcuts["WooCommerce Orders"].type, "URL")
		self.assertEqual(shortcuts["Request Log"].type, "URL")
		workspace = frappe.get_doc("Workspace", "WooCommerce")
		self.assertTrue(workspace.public)
		self.assertEqual({r.role for r in workspace.roles}, {"System Manager", "WooCommerce Manager"})

	def test_cards_count_todays_imports_retries_deliveries_and_stale_stores(self):
		before = {
			"today": cards.orders_imported_today()["value"],
			"retry": cards.orders_waiting_for_retry()["value"],
			"stuck": cards.stuck_webhook_deliveries()["value"],
		}
		self.import_new(3)
		bad = self.fake.generate_orders(1, start=NOW_UTC)[0]
		self.break_order(bad)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[bad["id"]]))
		for status, age in (("Failed", 0), ("Queued", 30), ("Queued", 1), ("Processed", 30)):
			delivery = frappe.get_doc(
				{
					"doctype": "WooCommerce Webhook Delivery",
					"store": self.store,
					"topic": "order.updated",
					"order_id": bad["id"],
					"status": status,
				}
			).insert(ignore_permissions=True)
			frappe.db.set_value(
				delivery.doctype, delivery.name, "creation", now_datetime() - timedelta(minutes=age)
			)
		frappe.db.commit()
		self.assertEqual(cards.orders_imported_today()["value"], before["today"] + 3)
		self.assertEqual(cards.orders_waiting_for_retry()["value"], before["retry"] + 1)
		self.assertEqual(cards.stuck_webhook_deliveries()["value"], before["stuck"] + 2)
		# This store synced a moment ago: not stale; two hours and a minute later it is.
		row = health.store_rows([self.store])[0]
		self.assertFalse(health.is_stale(row))
		self.assertTrue(
			health.is_stale(row, now=get_datetime(row.last_success) + timedelta(hours=2, minutes=1))
		)
		stale_before = cards.stale_stores()["value"]
		frappe.db.set_value(SETTINGS, self.store, "last_success", now_datetime() - timedelta(hours=3))
		self.assertEqual(cards.stale_stores()["value"], stale_before + 1)


class TestCharts(DeskTestCase):
	def test_imported_and_failed_orders_per_day_by_store(self):
		self.import_new(2)
		bad = self.fake.generate_orders(1, start=NOW_UTC)[0]
		self.break_order(bad)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[bad["id"]]))
		today = getdate(nowdate())
		imported = activity_source.activity("Sales Orders Imported", [self.store], today)
		self.assertEqual(len(imported["labels"]), 30)
		self.assertEqual(imported["datasets"], [{"name": self.store, "values": [0] * 29 + [2]}])
		failed = activity_source.activity("Failed Orders", [self.store], today)
		self.assertEqual(failed["datasets"][0]["values"][-1], 1)
		with sync_run(self.store, "Scheduler", "stock and price push", operation=STOCK_OPERATION) as push:
			for _product in range(3):
				push.count("updated")
		pushed = activity_source.activity("Stock and Price Pushes", [self.store], today)
		self.assertEqual(pushed["datasets"][0]["values"][-1], 3)
		# Many stores: the five busiest get a line each, the rest one summed line.
		rows = [(f"shop-{n}", today, n) for n in range(1, 9)]
		with patch.object(activity_source, "_imported", return_value=rows):
			many = activity_source.activity("Sales Orders Imported", [row[0] for row in rows], today)
		self.assertEqual(
			[(line["name"], line["values"][-1]) for line in many["datasets"]],
			[
				("shop-4", 4),
				("shop-5", 5),
				("shop-6", 6),
				("shop-7", 7),
				("shop-8", 8),
				("Other stores (3)", 6),
			],
		)
		chart = frappe.get_doc("Dashboard Chart", "WooCommerce Orders Imported per Day")
		answer = activity_source.get(
			chart_name=chart.name, filters={"metric": "Sales Orders Imported", "store": self.store}, refresh=1
		)
		self.assertEqual(answer["datasets"][0]["values"][-1], 2)


class TestConsole(DeskTestCase):
	def test_a_failing_order_is_listed_retried_and_imported(self):
		bad = self.fake.generate_orders(1, start=NOW_UTC)[0]
		self.break_order(bad)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[bad["id"]]))
		first = console.failing_orders([self.store])
		self.assertEqual([row["woocommerce_order_id"] for row in first], [bad["id"]])
		self.assertIn("Tax Rate Accounts", first[0]["reason"])
		self.assertIsNotNone(first[0]["first_failed"])
		_columns, rows, *_rest = status_report.execute({"store": self.store, "show": "Failing Orders"})
		self.assertEqual([row["woocommerce_order"] for row in rows], [f"{self.store}:{bad['id']}"])
		# Retried before the fix it fails again, keeping its first failure time.
		again = console.retry_orders(self.store, json.dumps([bad["id"]]))
		self.assertFalse(again["ok"])
		second = console.failing_orders([self.store])[0]
		self.assertEqual((second["first_failed"], second["failures"]), (first[0]["first_failed"], 2))
		self.settings.reload()
		self.settings.append("tax_accounts", {"tax_rate_id": 99, "account": get_company().tax_account})
		self.settings.save()
		frappe.db.commit()
		done = console.retry_orders(self.store, str(bad["id"]))
		self.assertTrue(done["ok"], done)
		self.assertIn(str(bad["id"]), sales_orders(self.store))
		self.assertEqual(console.failing_orders([self.store]), [])

	def test_many_retries_are_one_background_job(self):
		bad = self.fake.generate_orders(3, start=NOW_UTC)
		for order in bad:
			self.break_order(order)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[o["id"] for o in bad]))
		with patch("woocommerce_sync.desk.console.enqueue_sync", return_value=object()) as enqueue:
			answer = console.retry_orders(self.store)
		self.assertTrue(answer["queued"])
		enqueue.assert_called_once()
		self.assertEqual(sorted(enqueue.call_args.kwargs["filters"].ids), sorted(o["id"] for o in bad))

	def test_an_ignored_order_leaves_the_retry_list_and_is_skipped_later(self):
		bad = self.fake.generate_orders(1, start=NOW_UTC)[0]
		self.break_order(bad)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[bad["id"]]))
		console.ignore_orders(self.store, [bad["id"]], "Test order placed by the developer")
		self.assertEqual(pending_ids(self.store), [])
		ignored = frappe.get_doc(
			"WooCommerce Ignored Order", {"store": self.store, "woocommerce_order_id": bad["id"]}
		)
		self.assertEqual(
			(ignored.ignored_by, ignored.note), ("Administrator", "Test order placed by the developer")
		)
		self.assertIn("Tax Rate Accounts", ignored.last_reason)
		# Fixed in the store and changed again: still not imported, neither by id nor incrementally.
		self.fake.orders[bad["id"]] = {**self.fake.generate_orders(1, start=NOW_UTC)[0], "id": bad["id"]}
		by_id = sync_store(self.store, "Manual", filters=ImportFilters(ids=[bad["id"]]))
		self.assertEqual((by_id.counts["skipped"], by_id.counts["created"]), (1, 0))
		self.settings.db_set("last_sync", (NOW_UTC - timedelta(hours=1)).replace(tzinfo=None))
		frappe.db.commit()
		sync_store(self.store, "Scheduler")
		self.assertNotIn(str(bad["id"]), sales_orders(self.store))
		with self.assertRaises(frappe.ValidationError):
			console.ignore_orders(self.store, [bad["id"]], "  ")

	def test_a_failed_webhook_delivery_is_queued_again(self):
		delivery = frappe.get_doc(
			{
				"doctype": "WooCommerce Webhook Delivery",
				"store": self.store,
				"topic": "order.created",
				"order_id": 17,
				"status": "Failed",
				"reason": "boom",
			}
		).insert(ignore_permissions=True)
		_columns, rows, *_rest = status_report.execute({"store": self.store, "show": "Webhook Deliveries"})
		self.assertEqual([row.name for row in rows], [delivery.name])
		with patch("woocommerce_sync.desk.console.enqueue") as enqueue:
			console.retry_deliveries(json.dumps([delivery.name]))
		enqueue.assert_called_once_with(self.store, 17)
		self.assertEqual(frappe.db.get_value(delivery.doctype, delivery.name, "status"), "Queued")

	def test_only_managers_may_act(self):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": f"clerk-{frappe.generate_hash(length=6)}@example.com",
				"first_name": "Clerk",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		user.add_roles("Sales User")
		frappe.set_user(user.name)
		try:
			for call in (
				lambda: console.retry_orders(self.store, "1"),
				lambda: console.ignore_orders(self.store, "1", "no"),
				lambda: console.import_missing(self.store, "1"),
				lambda: cards.get_store_health(self.store),
				lambda: first_run.store_choices(self.store),
			):
				with self.assertRaises(frappe.PermissionError):
					call()
		finally:
			frappe.set_user("Administrator")


class TestMissingOrdersReport(DeskTestCase):
	store_overrides: typing.ClassVar[dict] = {"submit_orders": 0}  # drafts can be deleted

	def test_finds_exactly_the_orders_deleted_from_erpnext(self):
		orders = self.import_new(5)
		gone = [orders[1]["id"], orders[3]["id"]]
		for order_id in gone:
			frappe.delete_doc(
				"Sales Order", sales_orders(self.store)[str(order_id)].name, ignore_permissions=True
			)
		self.fake.orders[orders[4]["id"]]["status"] = "cancelled"  # not synced yet
		pending = self.fake.generate_orders(1, start=NOW_UTC, status="pending")[0]  # not an imported status
		frappe.db.commit()
		filters = {"store": self.store, "from_date": add_days(nowdate(), -1), "to_date": nowdate()}
		_columns, rows, _message, chart, summary = missing_report.execute(filters)
		problems = {row["woocommerce_order_id"]: row["problem_key"] for row in rows}
		self.assertEqual(
			problems,
			{
				gone[0]: missing_report.MISSING,
				gone[1]: missing_report.MISSING,
				orders[4]["id"]: missing_report.CANCELLED_IN_WOOCOMMERCE,
			},
		)
		self.assertNotIn(pending["id"], problems)
		self.assertEqual(chart["data"]["datasets"][0]["values"][0], 2)
		self.assertEqual(summary[0]["value"], 2)
		# Pages of 100: the store was asked with per_page=100 and the date window.
		listed = [r for r in self.fake.requests if r["path"].endswith("/orders") and r["method"] == "GET"]
		self.assertEqual(listed[-1]["query"]["per_page"], "100")
		self.assertIn("after", listed[-1]["query"])
		with patch("woocommerce_sync.desk.console.enqueue_sync", return_value=object()) as enqueue:
			console.import_missing(
				self.store,
				[row["woocommerce_order_id"] for row in rows if row["problem_key"] == missing_report.MISSING],
			)
		queued = enqueue.call_args.kwargs["filters"]
		self.assertEqual(sorted(queued.ids), sorted(gone))
		sync_store(self.store, "Manual", filters=queued)
		_columns, rows, *_rest = missing_report.execute(filters)
		self.assertEqual([row["woocommerce_order_id"] for row in rows], [orders[4]["id"]])

	def test_a_store_that_cannot_be_read_is_said_plainly(self):
		self.fake.inject_fault("unauthorized", times=3)
		with self.assertRaises(frappe.ValidationError) as caught:
			missing_report.execute({"store": self.store, "from_date": nowdate(), "to_date": nowdate()})
		self.assertIn(f"WooCommerce store {self.store}", str(caught.exception))
		self.assertIn("consumer key", str(caught.exception))


class TestSalesReport(DeskTestCase):
	def test_orders_net_sales_tax_and_shipping_per_day(self):
		self.import_new(3)
		today = getdate(nowdate())
		made = sales_orders(self.store)
		_columns, rows, _message, chart = sales_report.execute(
			{"store": self.store, "from_date": add_days(today, -2), "to_date": today, "period": "Monthly"}
		)
		self.assertEqual(len(rows), 1)
		row = rows[0]
		self.assertEqual((row["store"], row["period"], row["orders"]), (self.store, today.replace(day=1), 3))
		self.assertAlmostEqual(row["net_sales"], sum(so.base_net_total for so in made.values()), places=2)
		self.assertAlmostEqual(
			row["discounts"], sum(so.base_discount_amount for so in made.values()), places=2
		)
		self.assertAlmostEqual(
			row["net_sales"] + row["tax"] + row["shipping"] + row["fees"],
			sum(so.grand_total for so in made.values()),
			places=2,
		)
		self.assertGreater(row["shipping"], 0)
		self.assertEqual(chart["data"]["datasets"][0]["name"], self.store)


class TestHealthAndDigest(DeskTestCase):
	def test_health_follows_the_runs_webhooks_and_connection(self):
		self.import_new(1)
		row = health.store_rows([self.store])[0]
		self.assertEqual(row.last_run_status, "Success")
		self.assertEqual(health.assess(row), ("green", ["Syncing"]))
		self.fake.inject_fault("unauthorized", times=3)
		sync_store(self.store, "Scheduler")
		color, reasons = health.assess(health.store_rows([self.store])[0])
		self.assertEqual(color, "red")
		self.assertIn("the last sync failed", reasons)
		health.record_webhooks(self.store, {"order.created": "active", "order.updated": "disabled"})
		page = cards.get_store_health(self.store)
		self.assertEqual(page["webhook_state"], health.DISABLED)
		self.assertIn("order.updated: disabled", page["webhook_problems"])
		self.assertEqual(page["last_run"]["status"], "Failed")

	def outgoing_account(self) -> None:
		"""The site's default outgoing Email Account, as a production site has one (removed after)."""
		if frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
			return
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test WooCommerce Digest",
				"email_id": "digest@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
		self.addCleanup(
			lambda: (frappe.delete_doc("Email Account", account.name, force=True), frappe.db.commit())
		)

	def test_the_digest_is_queued_with_yesterdays_figures(self):
		self.outgoing_account()
		yesterday = datetime.combine(getdate(add_days(nowdate(), -1)), datetime.min.time()).replace(
			hour=12, tzinfo=timezone.utc
		)
		self.import_new(2, start=yesterday)
		bad = self.fake.generate_orders(1, start=NOW_UTC)[0]
		self.break_order(bad)
		sync_store(self.store, "Manual", filters=ImportFilters(ids=[bad["id"]]))
		frappe.db.set_value(
			SETTINGS, self.store, {"digest_recipients": "owner@example.com", "digest_hour": 0}
		)
		frappe.db.commit()
		send_due_digests()
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": SETTINGS, "reference_name": self.store},
			fields=["name", "message"],
		)
		self.assertEqual(len(queued), 1)
		html = next(
			part.get_payload(decode=True).decode()
			for part in email.message_from_string(queued[0].message).walk()
			if part.get_content_type() == "text/html"
		)
		made = [so for so in sales_orders(self.store).values() if so.woocommerce_id != str(bad["id"])]
		net = frappe.utils.fmt_money(
			sum(so.base_net_total for so in made),
			currency=frappe.db.get_value("Company", get_company().name, "default_currency"),
		)
		self.assertEqual(figure(html, "digest-orders"), "2")
		self.assertEqual(figure(html, "digest-net-sales"), net)
		self.assertEqual(figure(html, "digest-failing"), "1")
		self.assertEqual(figure(html, "digest-deliveries"), "0")
		self.assertIn(f"Order {bad['id']}", html)
		self.assertIn("Tax Rate Accounts", html)
		# Once a day.
		send_due_digests()
		self.assertEqual(
			frappe.db.count("Email Queue", {"reference_doctype": SETTINGS, "reference_name": self.store}), 1
		)


class TestFirstRun(DeskTestCase):
	def test_tax_rates_and_gateways_come_from_the_store(self):
		choices = first_run.store_choices(self.store)
		self.assertTrue(choices["ok"])
		self.assertEqual([(t["tax_rate_id"], t["mapped"]) for t in choices["taxes"]], [(1, True), (2, True)])
		self.assertIn("CA State (US-CA, 7.25%)", choices["taxes"][0]["tax_rate_label"])
		self.assertEqual(
			[(g["payment_method"], g["mode_of_payment"]) for g in choices["gateways"]],
			[
				("bacs", "Wire Transfer" if frappe.db.exists("Mode of Payment", "Wire Transfer") else None),
				("cod", "Cash"),
			],
		)


class TestPlainErrors(DeskTestCase):
	def test_a_store_that_is_down_is_said_in_plain_words_in_the_order_list(self):
		from woocommerce_sync.orders import order_view

		self.fake.stop()
		no_wait = patch("woocommerce_sync.core.client.WooCommerceClient._delay", return_value=0)
		with no_wait, self.assertRaises(frappe.ValidationError) as caught:
			order_view.get_list({"filters": [["store", "=", self.store]]})
		message = str(caught.exception)
		self.assertIn(f"WooCommerce store {self.store}", message)
		self.assertIn("connection refused", message)
		self.assertIn("Check the Store URL", message)
		for library_text in ("HTTPConnectionPool", "Max retries", "oauth_signature", "Errno"):
			self.assertNotIn(library_text, message)
