"""WooCommerce -> ERPNext import on a real site against the fake store.

sync_store commits per order (that is its design), so these tests make their own store per test
(a fresh name) instead of relying on the test transaction's rollback.
"""

import copy
from datetime import datetime, timezone
from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.tests.utils import change_settings

from woocommerce_sync.benchmarks.queries import QueryCounter
from woocommerce_sync.constants import ITEM_LINK, ORDER, SYNC_LOG
from woocommerce_sync.orders.retries import pending_ids
from woocommerce_sync.orders.sync_sales_orders import (
	ImportFilters,
	OrderImporter,
	count_orders,
	parse_filters,
	sync_store,
)
from woocommerce_sync.tests.utils import (
	StoreTestCase,
	enable_euro,
	get_company,
	make_importing_settings,
	run_concurrently,
)

ORDERS = "/wp-json/wc/v3/orders"
LATER = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # after the recorded orders, same fiscal year


def sales_orders(store: str, **filters) -> list[frappe._dict]:
	return frappe.get_all(
		"Sales Order",
		filters={"woocommerce_server": store, **filters},
		fields=[
			"name",
			"woocommerce_id",
			"grand_total",
			"total_taxes_and_charges",
			"docstatus",
			"customer",
			"po_no",
		],
	)


class ImportTestCase(StoreTestCase):
	def tax_rows_total(self, so_name: str) -> Decimal:
		rows = frappe.get_all(
			"Sales Taxes and Charges",
			filters={"parent": so_name, "account_head": get_company().tax_account},
			pluck="tax_amount",
		)
		return sum((Decimal(str(r)) for r in rows), Decimal(0))


class TestImportRecordedOrders(ImportTestCase):
	def test_every_recorded_order_to_the_cent(self):
		run = sync_store(self.store, "Manual", ImportFilters(ids=[16, 17, 18]))
		self.assertEqual(run.counts["created"], 3, run.failures)
		for so in sales_orders(self.store):
			order = self.fake.orders[int(so.woocommerce_id)]
			self.assertEqual(Decimal(str(so.grand_total)), Decimal(order["total"]), so.woocommerce_id)
			self.assertEqual(self.tax_rows_total(so.name), Decimal(order["total_tax"]), so.woocommerce_id)

	def test_orders_of_one_buyer_sharing_a_number_each_get_their_own_po(self):
		"""A restored shop or a reset numbering plugin gives two orders the same number: ERPNext
		allows one live Sales Order per customer PO, so each takes a form of it nobody else has."""
		[first, second, third] = self.fake.generate_orders(3, status="processing")
		for order in (first, second, third):
			self.fake.orders[order["id"]].update(number="5001")
			# a fresh buyer: a Customer and Sales Orders of an earlier run on this site stay
			self.fake.orders[order["id"]]["billing"]["email"] = f"buyer.{self.store}@example.com"
		ids = [first["id"], second["id"], third["id"]]
		run = sync_store(self.store, "Manual", ImportFilters(ids=ids[:2]))
		self.assertEqual(run.counts["created"], 2, run.failures)
		run = sync_store(self.store, "Manual", ImportFilters(ids=ids[2:]))
		self.assertEqual(run.counts["created"], 1, run.failures)
		po = {int(so.woocommerce_id): so.po_no for so in sales_orders(self.store)}
		self.assertEqual(
			sorted(po[i] for i in ids),
			sorted(["5001", f"5001 ({self.store})", f"5001 ({self.store} #{third['id']})"]),
		)
		self.assertEqual(len({so.customer for so in sales_orders(self.store)}), 1)
		again = sync_store(self.store, "Manual", ImportFilters(ids=ids, update_existing=True))
		self.assertEqual(again.counts["failed"], 0, again.failures)
		self.assertEqual({int(so.woocommerce_id): so.po_no for so in sales_orders(self.store)}, po)

	def test_customer_contact_addresses_and_items(self):
		sync_store(self.store, "Manual", ImportFilters(ids=[16, 17]))
		so = frappe.get_doc("Sales Order", sales_orders(self.store, woocommerce_id="16")[0].name)
		self.assertEqual(
			frappe.db.get_value("Customer", so.customer, "woocommerce_email"), "jane.doe@example.com"
		)
		self.assertIn(so.po_no, ("16", f"16 ({self.store})"))
		self.assertEqual(so.woocommerce_status, "processing")
		self.assertEqual(frappe.db.get_value("Address", so.customer_address, "city"), "San Francisco")
		self.assertTrue(so.contact_person)
		self.assertEqual([i.item_code for i in so.items], ["TSHIRT-CLASSIC", "HOODIE-L"])
		self.assertIn("Size: L", so.items[1].description)
		link = frappe.get_all(
			ITEM_LINK,
			# the variation's own pair (a template HOODIE is paired too when the import made it)
			filters={
				"woocommerce_server": self.store,
				"woocommerce_product_id": 11,
				"woocommerce_variation_id": 13,
			},
			fields=["parent", "woocommerce_variation_id"],
		)
		self.assertEqual([(r.parent, r.woocommerce_variation_id) for r in link], [("HOODIE-L", 13)])
		guest = frappe.get_doc("Sales Order", sales_orders(self.store, woocommerce_id="17")[0].name)
		self.assertEqual(frappe.db.get_value("Address", guest.customer_address, "country"), "Japan")
		self.assertIn("山田", frappe.db.get_value("Customer", guest.customer, "customer_name"))

	def test_a_buyer_who_changed_e_mail_is_recognised_by_account(self):
		original = self.fake.orders[16]
		original["billing"]["email"] = f"jane.{frappe.generate_hash(length=8)}@example.com"
		sync_store(self.store, "Manual", ImportFilters(ids=[16]))
		first = sales_orders(self.store)[0].customer
		self.assertEqual(
			frappe.db.get_value("Customer", first, "woocommerce_customer_key"), f"{self.store}:2"
		)
		again = {k: v for k, v in original.items() if k not in ("id", "number", "order_key")}
		again["billing"] = {
			**original["billing"],
			"email": f"jane.{frappe.generate_hash(length=8)}@example.com",
		}
		new_id = self.fake.add_order(again)["id"]
		sync_store(self.store, "Manual", ImportFilters(ids=[new_id]))
		self.assertEqual(sales_orders(self.store, woocommerce_id=str(new_id))[0].customer, first)

	def test_a_new_buyer_twice_on_one_page_is_one_customer(self):
		"""The page's look-up finds neither buyer; each second order finds what its first one made in
		this run (by e-mail, and by the guest key when ERPNext refuses the e-mail)."""
		new_email = f"twice.{frappe.generate_hash(length=8)}@example.com"
		refused = f"müller-{frappe.generate_hash(length=8)}@bücher.de"  # a non-ASCII local part
		ids = []
		for source, email in ((16, new_email), (17, refused)):
			order = {
				k: v for k, v in self.fake.orders[source].items() if k not in ("id", "number", "order_key")
			}
			for _ in range(2):
				ids.append(
					self.fake.add_order({**order, "billing": {**order["billing"], "email": email}})["id"]
				)
		run = sync_store(self.store, "Manual", ImportFilters(ids=ids))
		self.assertEqual(run.counts["created"], 4, run.failures)
		docs = [frappe.get_doc("Sales Order", so.name) for so in sales_orders(self.store)]
		by_email = {}
		for so in docs:
			by_email.setdefault(so.woocommerce_billing_email, set()).add(
				(so.customer, so.customer_address, so.shipping_address_name, so.contact_person)
			)
		self.assertEqual({email: len(made) for email, made in by_email.items()}, {new_email: 1, refused: 1})
		self.assertEqual(frappe.db.count("Customer", {"woocommerce_email": new_email}), 1)
		self.assertEqual(frappe.db.count("Contact Email", {"email_id": new_email}), 1)
		self.assertEqual(
			frappe.db.count("Customer", {"woocommerce_customer_key": f"{self.store}:guest:{refused}"}), 1
		)

	def test_a_second_run_creates_nothing(self):
		sync_store(self.store, "Manual", ImportFilters(ids=[16, 17, 18]))
		run = sync_store(self.store, "Manual", ImportFilters(ids=[16, 17, 18], update_existing=True))
		self.assertEqual(run.counts["created"], 0)
		self.assertEqual(run.counts["skipped"], 3)
		self.assertEqual(len(sales_orders(self.store)), 3)

	def test_identical_address_is_reused(self):
		sync_store(self.store, "Manual", ImportFilters(ids=[16]))
		so = frappe.get_doc("Sales Order", sales_orders(self.store)[0].name)
		self.assertEqual(so.customer_address and bool(so.shipping_address_name), True)
		before = frappe.db.count("Address", {"woocommerce_address_key": ("is", "set")})
		other = make_importing_settings(self.fake)
		sync_store(other.name, "Manual", ImportFilters(ids=[16]))
		self.assertEqual(frappe.db.count("Address", {"woocommerce_address_key": ("is", "set")}), before)

	def test_shipping_to_the_billing_address_is_one_address(self):
		"""Most buyers ship to where they are billed: that place is one Address, marked as the
		shipping address too (the push back reads it so), not two copies; another place is its own."""
		[same, other] = self.fake.generate_orders(2, buyer=f"ship-{frappe.generate_hash(length=6)}-")
		self.fake.orders[other["id"]]["shipping"].update(address_1="9 Dock Rd", city="Oakland")
		run = sync_store(self.store, "Manual", ImportFilters(ids=[same["id"], other["id"]]))
		self.assertEqual(run.counts["created"], 2, run.failures)
		by_id = {
			int(so.woocommerce_id): frappe.get_doc("Sales Order", so.name) for so in sales_orders(self.store)
		}

		def addresses(so) -> list[frappe._dict]:
			names = frappe.get_all(
				"Dynamic Link",
				filters={"parenttype": "Address", "link_doctype": "Customer", "link_name": so.customer},
				pluck="parent",
			)
			return frappe.get_all(
				"Address",
				filters={"name": ("in", names)},
				fields=["name", "address_type", "is_shipping_address"],
			)

		one = by_id[same["id"]]
		self.assertEqual(one.customer_address, one.shipping_address_name)
		self.assertEqual([(a.address_type, a.is_shipping_address) for a in addresses(one)], [("Billing", 1)])
		two = by_id[other["id"]]
		self.assertNotEqual(two.customer_address, two.shipping_address_name)
		self.assertEqual(
			sorted((a.address_type, a.is_shipping_address) for a in addresses(two)),
			[("Billing", 0), ("Shipping", 0)],
		)
		self.assertEqual(frappe.db.get_value("Address", two.shipping_address_name, "city"), "Oakland")

	def test_a_page_reads_the_configuration_once_not_once_an_order(self):
		"""Frappe empties its cache of settings at every commit, and the import commits per order:
		the configuration is kept across them. It cost about 12 reads of settings an order; what is
		left is ERPNext's one uncached read (the payment schedule's)."""

		def settings_read(orders: int) -> int:
			made = self.fake.generate_orders(orders, buyer=f"cfg-{frappe.generate_hash(length=6)}-")
			with QueryCounter(needle="tabSingles") as singles:
				run = sync_store(self.store, "Manual", ImportFilters(ids=[o["id"] for o in made]))
			self.assertEqual(run.counts["created"], orders, run.failures)
			return singles.count

		settings_read(1)  # what a first order puts in Frappe's own caches
		two, six = settings_read(2), settings_read(6)
		self.assertLessEqual((six - two) / 4, 1.5, f"{two} reads of settings for 2 orders, {six} for 6")

	def test_cent_differences_are_one_note_a_page_not_one_a_line(self):
		"""3 x 3.33 is 9.99 where WooCommerce says 10.00: the rounding row settles it. Such orders are
		common (a coupon split over a quantity), so the Sync Log counts them once a page."""
		ids = []
		for _copy in range(3):
			order = copy.deepcopy(
				{k: v for k, v in self.fake.orders[17].items() if k not in ("id", "number", "order_key")}
			)
			order["line_items"][0].update(subtotal="10.00", total="10.00")
			order["total"] = "10.00"
			ids.append(self.fake.add_order(order)["id"])
		run = sync_store(self.store, "Manual", ImportFilters(ids=ids))
		self.assertEqual(run.counts["created"], 3, run.failures)
		[rounding] = [note for note in run.notes if "differ by cents" in note]
		self.assertIn("3 orders", rounding)
		self.assertIn("3 x 3.33 = 9.99", rounding)
		self.assertEqual(sum("ERPNext computes" in note for note in run.notes), 1, run.notes)

	def test_an_order_that_fails_gives_its_number_back(self):
		"""The Sales Order's number is taken before ERPNext validates it (workers must not queue on
		the series): an order ERPNext refuses, every hour, must not use up a number each time."""
		[order] = self.fake.generate_orders(1, buyer=f"num-{frappe.generate_hash(length=6)}-")

		def numbers_taken() -> int:
			return frappe.db.sql("select coalesce(sum(current), 0) from `tabSeries`")[0][0]

		before = numbers_taken()
		refused = frappe.ValidationError("refused by a validation hook")
		with patch(
			"erpnext.selling.doctype.sales_order.sales_order.SalesOrder.validate", side_effect=refused
		):
			for _hour in range(3):
				run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
				self.assertEqual(run.counts["failed"], 1, run.failures)
				self.assertIn("refused by a validation hook", run.failures[0]["reason"])
		self.assertEqual(numbers_taken(), before)
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["created"], 1, run.failures)
		self.assertEqual(numbers_taken(), before + 1)


class TestIncrementalSync(ImportTestCase):
	def test_cursor_requests_and_nothing_changed(self):
		made = self.fake.generate_orders(120, start=LATER)
		self.settings.db_set("last_sync", datetime(2026, 11, 23, 5, 0))
		frappe.db.commit()
		self.fake.reset_counters()
		run = sync_store(self.store, "Scheduler")
		self.assertEqual(run.counts["created"], 120, run.failures)
		self.assertEqual(self.fake.request_count("GET", ORDERS), 2)
		self.settings.reload()
		self.assertEqual(str(self.settings.last_sync), made[-1]["date_modified_gmt"].replace("T", " "))
		for so in sales_orders(self.store):
			self.assertEqual(
				Decimal(str(so.grand_total)), Decimal(self.fake.orders[int(so.woocommerce_id)]["total"])
			)
		self.fake.reset_counters()
		self.settings.db_set("sync_overlap_minutes", 0)
		frappe.db.commit()
		again = sync_store(self.store, "Scheduler")
		self.assertEqual(again.counts["created"], 0)
		self.assertEqual(self.fake.request_count(), 1, "an hourly run with nothing changed costs one request")

	def test_a_bad_order_fails_alone_and_is_retried(self):
		good = self.fake.generate_orders(2, start=LATER)
		bad = self.fake.generate_orders(1, start=LATER)[0]
		self.fake.orders[bad["id"]]["tax_lines"][0]["rate_id"] = 99
		for line in self.fake.orders[bad["id"]]["line_items"]:
			line["taxes"][0]["id"] = 99
		self.settings.db_set("last_sync", datetime(2026, 11, 23, 5, 0))
		frappe.db.commit()
		run = sync_store(self.store, "Scheduler")
		self.assertEqual(run.counts["created"], 2)
		self.assertEqual(run.counts["failed"], 1)
		log = frappe.get_doc(SYNC_LOG, run.name)
		self.assertEqual(log.status, "Partial Failure")
		reason = log.failures[0].reason
		self.assertIn(f"WooCommerce store {self.store}", reason)
		self.assertIn(f"order {bad['id']}", reason)
		self.assertIn("Tax Rate Accounts", reason)
		self.assertEqual({int(s.woocommerce_id) for s in sales_orders(self.store)}, {o["id"] for o in good})
		self.assertEqual(pending_ids(self.store), [bad["id"]])
		# The shop owner maps the rate; the next run fetches the failed order by id and imports it.
		self.settings.append("tax_accounts", {"tax_rate_id": 99, "account": get_company().tax_account})
		self.settings.save()
		frappe.db.commit()
		retry = sync_store(self.store, "Scheduler")
		self.assertEqual(retry.counts["created"], 1, retry.failures)
		self.assertEqual(pending_ids(self.store), [])

	def test_a_status_the_store_does_not_know_fails_the_run_visibly(self):
		self.settings.db_set("statuses_to_import", "processing\npartial-shipped")
		frappe.db.commit()
		run = sync_store(self.store, "Scheduler")
		log = frappe.get_doc(SYNC_LOG, run.name)
		self.assertEqual(log.status, "Failed")
		self.assertIn(f"WooCommerce store {self.store}", log.notes)
		self.assertIn("status", log.notes)
		self.fake.register_order_status("partial-shipped")
		self.assertEqual(sync_store(self.store, "Scheduler").counts["failed"], 0)

	def test_resume_after_a_killed_worker(self):
		class Killed(BaseException):
			pass

		self.fake.generate_orders(150, start=LATER)
		self.settings.db_set("last_sync", datetime(2026, 11, 23, 5, 0))
		frappe.db.commit()
		original = OrderImporter.import_order
		calls = {"n": 0}

		def dies_midway(importer, draft, current):
			calls["n"] += 1
			if calls["n"] == 130:
				raise Killed()
			return original(importer, draft, current)

		with patch.object(OrderImporter, "import_order", dies_midway), self.assertRaises(Killed):
			sync_store(self.store, "Scheduler")
		frappe.db.rollback()
		self.assertEqual(len(sales_orders(self.store)), 129)
		run = sync_store(self.store, "Scheduler")
		self.assertEqual(run.counts["failed"], 0, run.failures)
		ids = [s.woocommerce_id for s in sales_orders(self.store)]
		self.assertEqual(len(ids), 150)
		self.assertEqual(len(set(ids)), 150)


class TestOrderLifecycle(ImportTestCase):
	def test_draft_follows_the_store(self):
		order = self.fake.generate_orders(1, start=LATER)[0]
		sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.fake.set_time(datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc))
		self.fake.orders[order["id"]]["customer_note"] = "Leave at the door"
		self.fake.orders[order["id"]]["date_modified_gmt"] = "2026-11-23T07:00:00"
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(run.counts["updated"], 1, run.failures)
		so = frappe.get_doc("Sales Order", sales_orders(self.store)[0].name)
		self.assertEqual(so.woocommerce_customer_note, "Leave at the door")

	def test_cancelled_in_the_store_cancels_a_submitted_sales_order(self):
		self.settings.db_set("submit_orders", 1)
		frappe.db.commit()
		order = self.fake.generate_orders(1, start=LATER)[0]
		sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(sales_orders(self.store)[0].docstatus, 1)
		self.fake.orders[order["id"]].update(status="cancelled", date_modified_gmt="2026-11-23T07:00:00")
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]], update_existing=True))
		self.assertEqual(run.counts["updated"], 1, run.failures)
		so = sales_orders(self.store)[0]
		self.assertEqual(so.docstatus, 2)
		self.assertIsNone(frappe.db.get_value("Sales Order", so.name, "woocommerce_live_key"))

	def test_an_order_in_another_currency_gets_the_exchange_rate(self):
		enable_euro()
		order = self.fake.generate_orders(1, start=LATER)[0]
		self.fake.orders[order["id"]]["currency"] = "EUR"
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["created"], 1, run.failures)
		so = frappe.get_doc("Sales Order", sales_orders(self.store)[0].name)
		self.assertEqual(so.currency, "EUR")
		self.assertEqual(so.conversion_rate, 1.08)
		self.assertEqual(Decimal(str(so.grand_total)), Decimal(order["total"]))

	def test_orders_outside_the_statuses_are_skipped(self):
		order = self.fake.generate_orders(1, start=LATER, status="pending")[0]
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["skipped"], 1)
		self.assertEqual(sales_orders(self.store), [])


class TestExactlyOnce(ImportTestCase):
	def test_an_order_that_hits_a_deadlock_or_a_stale_document_is_tried_again(self):
		orders = self.fake.generate_orders(2, start=LATER)
		real = OrderImporter.import_order
		conflicts = [
			frappe.QueryDeadlockError("1213 Deadlock found"),
			frappe.TimestampMismatchError("modified"),
		]

		def collides_first(importer, draft, current):
			if conflicts:
				raise conflicts.pop(0)
			return real(importer, draft, current)

		with patch.object(OrderImporter, "import_order", collides_first):
			run = sync_store(self.store, "Manual", ImportFilters(ids=[o["id"] for o in orders]))
		self.assertEqual((run.counts["created"], run.counts["failed"]), (2, 0))

	def test_an_order_that_keeps_colliding_fails_alone_and_is_retried(self):
		order = self.fake.generate_orders(1, start=LATER)[0]
		with patch.object(OrderImporter, "import_order", side_effect=frappe.QueryDeadlockError("1213")):
			run = sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]]))
		self.assertEqual(run.counts["failed"], 1)
		self.assertIn("QueryDeadlockError", run.failures[0]["reason"])
		self.assertEqual(pending_ids(self.store), [order["id"]])

	def test_concurrent_imports_make_one_sales_order_each(self):
		ids = [o["id"] for o in self.fake.generate_orders(10, start=LATER)]
		self.fake.latency = 0.05
		results, errors = run_concurrently(
			*[lambda: sync_store(self.store, "Manual", ImportFilters(ids=ids)).counts] * 2
		)
		self.assertEqual(errors, [])
		created = sorted(int(s.woocommerce_id) for s in sales_orders(self.store))
		self.assertEqual(created, sorted(ids), "exactly one Sales Order per WooCommerce order")
		self.assertEqual(sum(r["created"] for r in results), 10)
		self.assertEqual(sum(r["failed"] for r in results), 0, results)


class TestManualImport(ImportTestCase):
	def test_dry_run_writes_nothing_but_the_log(self):
		customers = frappe.db.count("Customer")
		run = sync_store(self.store, "Command", ImportFilters(ids=[16, 17, 18]), dry_run=True)
		self.assertEqual(run.counts["created"], 3)
		self.assertEqual(sales_orders(self.store), [])
		self.assertEqual(frappe.db.count("Customer"), customers)
		self.assertIn("Dry run", frappe.db.get_value(SYNC_LOG, run.name, "notes"))

	def test_filters_from_text(self):
		with change_settings("System Settings", time_zone="UTC"):
			filters = parse_filters("111, 222,333", "Processing,on-hold", "2026-01-01", "2026-01-31", "1")
		self.assertEqual(filters.ids, [111, 222, 333])
		self.assertEqual(filters.statuses, ["processing", "on-hold"])
		self.assertEqual(filters.created_after, datetime(2026, 1, 1, tzinfo=timezone.utc))
		self.assertEqual(filters.created_before, datetime(2026, 1, 31, 23, 59, 59, tzinfo=timezone.utc))
		self.assertTrue(filters.update_existing)
		with self.assertRaisesRegex(frappe.ValidationError, "must be numbers"):
			parse_filters("12a")

	def test_created_dates_are_days_of_the_site_as_in_the_order_list(self):
		"""02:00 UTC on 1 November is 22:00 on 31 October in New York: a shop there asking for the
		orders created on 1 November does not mean this one, in the import as in the list."""
		[order] = self.fake.generate_orders(1, start=datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc))

		def imported(first: str, last: str) -> int:
			return count_orders(self.store, parse_filters(created_from=first, created_to=last))

		def listed(first: str, last: str) -> int:
			return len(
				frappe.get_list(
					ORDER,
					filters={"store": self.store, "date_created": ["between", [first, last]]},
					fields=["woocommerce_id"],
				)
			)

		with change_settings("System Settings", time_zone="America/New_York"):
			for first, last, expected in (
				("2026-11-01", "2026-11-01", 0),
				("2026-10-31", "2026-10-31", 1),
				("2026-10-01", "2026-10-31", 1),
			):
				self.assertEqual(imported(first, last), expected, (first, last))
				self.assertEqual(listed(first, last), expected, (first, last))
			after = parse_filters(created_from="2026-11-01").created_after
		self.assertEqual(after, datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc))  # EDT is UTC-4
		self.assertEqual(order["date_created_gmt"], "2026-11-01T02:00:00")

	def test_created_range_and_count(self):
		self.fake.generate_orders(5, start=LATER)
		# The recorded orders are from 23 November, 04:27 UTC: still the 22nd on a site west of London.
		filters = parse_filters(created_from="2026-11-22")
		self.assertEqual(count_orders(self.store, filters), 8)  # 3 recorded orders and 5 new ones
		run = sync_store(self.store, "Command", filters)
		self.assertEqual(run.counts["created"] + run.counts["skipped"], 8)
		self.assertEqual(len(sales_orders(self.store)), run.counts["created"])
