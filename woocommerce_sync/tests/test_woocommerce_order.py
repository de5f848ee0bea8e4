"""The live WooCommerce Order DocType on a real site against the fake store: list, filters,
count and form read the store on every call (one request per page), the sync action imports
through the normal path, and Desk's list calls and /api/resource see the same."""

import copy
import json
import time
from datetime import datetime, timedelta, timezone

import frappe
import frappe.api
from frappe.app import make_form_dict
from frappe.desk import reportview
from frappe.desk.form import load
from frappe.utils import convert_utc_to_system_timezone
from werkzeug.test import EnvironBuilder

from woocommerce_sync.constants import ORDER
from woocommerce_sync.orders.order_view import OrderNotFound
from woocommerce_sync.tests.utils import StoreTestCase, make_importing_settings
from woocommerce_sync.woocommerce_sync.doctype.woocommerce_order.woocommerce_order import sync_order

ORDERS = "/wp-json/wc/v3/orders"
SEEDED = {16, 17, 18}  # the recorded orders the fake store starts with, created 2026-11-23; 18 is on hold
MARCH_2 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
MARCH_5 = datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc)
# What Desk's list view asks for: its standard fields, then the DocType's list columns.
DESK_FIELDS = (
	"name",
	"owner",
	"creation",
	"modified",
	"modified_by",
	"_user_tags",
	"_comments",
	"_assign",
	"_liked_by",
	"docstatus",
	"idx",
	"store",
	"status",
	"total",
	"date_created",
	"customer_name",
)
LATER = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)


class WooCommerceOrderTestCase(StoreTestCase):
	def list_requests(self) -> list[dict]:
		return [r for r in self.fake.requests if r["method"] == "GET" and r["path"] == ORDERS]

	def ids(self, rows) -> list[int]:
		return [row.woocommerce_id for row in rows]


class TestListCountAndRead(WooCommerceOrderTestCase):
	def setUp(self):
		super().setUp()
		self.march_2 = [o["id"] for o in self.fake.generate_orders(2, start=MARCH_2)]
		self.march_5 = [o["id"] for o in self.fake.generate_orders(3, start=MARCH_5, status="on-hold")]
		self.bulk = [
			o["id"] for o in self.fake.generate_orders(20, start=datetime(2026, 6, 1, tzinfo=timezone.utc))
		]
		by_date = sorted(
			self.fake.orders.values(), key=lambda o: (o["date_created_gmt"], o["id"]), reverse=True
		)
		self.newest_first = [o["id"] for o in by_date]
		self.fake.reset_counters()

	def test_pages_are_read_live_one_request_each(self):
		filters = {"store": self.store}
		first = frappe.get_list(
			ORDER, filters=filters, fields=["name", "woocommerce_id"], limit_page_length=20
		)
		second = frappe.get_list(
			ORDER, filters=filters, fields=["name", "woocommerce_id"], limit_start=20, limit_page_length=20
		)
		self.assertEqual(self.ids(first) + self.ids(second), self.newest_first)
		self.assertEqual(len(second), 8)
		self.assertEqual(second[0].name, f"{self.store}:{self.newest_first[20]}")
		requests = self.list_requests()
		self.assertEqual(len(requests), 2, "one REST request per list page")
		self.assertEqual((requests[1]["query"]["page"], requests[1]["query"]["per_page"]), ("2", "20"))

	def test_rows_carry_the_order_and_its_sales_order(self):
		sync_order(f"{self.store}:16")
		rows = frappe.get_list(ORDER, filters={"store": self.store, "name": f"{self.store}:16"}, fields=["*"])
		self.assertEqual(len(rows), 1)
		row = rows[0]
		self.assertEqual(
			(row.status, row.customer_name, row.email), ("processing", "Jane Doe", "jane.doe@example.com")
		)
		self.assertEqual((row.currency, row.total, row.total_tax), ("USD", 88.46, 6.73))
		self.assertEqual(
			row.sales_order, frappe.db.get_value("Sales Order", {"woocommerce_live_key": f"{self.store}:16"})
		)
		self.assertTrue(row.sales_order)

	def test_filter_by_status(self):
		rows = frappe.get_list(
			ORDER, filters={"store": self.store, "status": "on-hold"}, fields=["woocommerce_id"]
		)
		self.assertEqual(sorted(self.ids(rows)), sorted([18, *self.march_5]))
		self.assertEqual(self.list_requests()[-1]["query"]["status"], "on-hold")

	def test_filter_by_date_created_in_site_time(self):
		def ids_for(condition):
			rows = frappe.get_list(
				ORDER,
				filters={"store": self.store, "date_created": condition},
				fields=["woocommerce_id"],
				limit_page_length=100,
			)
			return sorted(self.ids(rows))

		self.assertEqual(ids_for(["between", ["2026-03-05", "2026-03-05"]]), sorted(self.march_5))
		self.assertEqual(ids_for(["<=", "2026-03-02"]), sorted(self.march_2))
		self.assertEqual(ids_for(["<", "2026-03-05"]), sorted(self.march_2))
		self.assertEqual(ids_for([">", "2026-11-21"]), sorted(SEEDED))
		first_of_march_5 = convert_utc_to_system_timezone(MARCH_5.replace(tzinfo=None))
		self.assertEqual(
			ids_for([">=", first_of_march_5.strftime("%Y-%m-%d %H:%M:%S")]),
			sorted(SEEDED | set(self.march_5) | set(self.bulk)),
		)
		query = self.list_requests()[-1]["query"]
		self.assertEqual(query["dates_are_gmt"], "true")
		self.assertEqual(query["after"], (MARCH_5 - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"))

	def test_search_by_id(self):
		rows = frappe.get_list(
			ORDER, filters={"store": self.store, "name": ["like", "%17%"]}, fields=["name"]
		)
		self.assertEqual([r.name for r in rows], [f"{self.store}:17"])
		self.assertEqual(self.list_requests()[-1]["query"]["include"], "17")
		by_name = frappe.get_list(ORDER, filters={"name": f"{self.store}:18"}, fields=["woocommerce_id"])
		self.assertEqual(self.ids(by_name), [18], "the store comes from the name")
		by_text = frappe.get_list(
			ORDER, filters={"store": self.store, "name": ["like", "%Jane%"]}, fields=["name"]
		)
		self.assertEqual(
			[r.name for r in by_text], [f"{self.store}:18", f"{self.store}:16"], "WooCommerce's search"
		)

	def test_count_from_the_total_header(self):
		self.assertEqual(
			frappe.client.get_count(ORDER, filters={"store": self.store}), len(self.newest_first)
		)
		self.assertEqual(
			reportview_call(
				"get_count",
				doctype=ORDER,
				filters=[[ORDER, "store", "=", self.store], [ORDER, "status", "=", "on-hold"]],
			),
			4,
		)
		self.assertEqual(self.list_requests()[-1]["query"]["per_page"], "1")

	def test_get_the_order_with_its_lines(self):
		doc = frappe.get_doc(ORDER, f"{self.store}:16")
		order = self.fake.orders[16]
		self.assertEqual(
			(doc.store, doc.woocommerce_id, doc.number, doc.status), (self.store, 16, "16", "processing")
		)
		self.assertEqual(
			doc.date_created,
			convert_utc_to_system_timezone(datetime.fromisoformat(order["date_created_gmt"])).replace(
				tzinfo=None
			),
		)
		self.assertEqual((doc.shipping_total, doc.discount_total), (7.95, 8.2))
		self.assertEqual(doc.payment_method_title, "Direct bank transfer")
		self.assertIn("San Francisco", doc.billing_address)
		self.assertEqual([line.sku for line in doc.lines], [i["sku"] for i in order["line_items"]])
		self.assertEqual([line.quantity for line in doc.lines], [i["quantity"] for i in order["line_items"]])
		self.assertIsNone(doc.sales_order)
		self.assertEqual(self.fake.request_count("GET", f"{ORDERS}/16"), 1)

	def test_the_store_cannot_be_written_through_it(self):
		doc = frappe.get_doc(ORDER, f"{self.store}:16")
		with self.assertRaises(frappe.ValidationError):
			doc.save()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc({"doctype": ORDER, "store": self.store}).insert()


class TestDeskAndRestApi(WooCommerceOrderTestCase):
	def setUp(self):
		super().setUp()
		self.fake.generate_orders(22)
		self.fake.reset_counters()

	def test_client_get_list_and_count(self):
		rows = frappe.client.get_list(
			ORDER, fields=["name", "status"], filters={"store": self.store}, limit_page_length=5
		)
		self.assertEqual(len(rows), 5)
		self.assertEqual(frappe.client.get_count(ORDER, filters={"store": self.store}), 25)
		self.assertEqual(
			frappe.client.get_count(ORDER, filters=json.dumps({"store": self.store, "status": "processing"})),
			sum(1 for o in self.fake.orders.values() if o["status"] == "processing"),
		)

	def test_desk_list_view_calls(self):
		fields = [f"`tab{ORDER}`.`{f}`" for f in DESK_FIELDS]
		filters = [[ORDER, "store", "=", self.store], [ORDER, "status", "like", "%processing%"]]
		data = reportview_call(
			"get",
			doctype=ORDER,
			fields=fields,
			filters=filters,
			start=20,
			page_length=20,
			order_by=f"`tab{ORDER}`.`date_created` desc",
			with_comment_count=1,
		)
		self.assertEqual(data["keys"], list(DESK_FIELDS))
		expected = sum(1 for o in self.fake.orders.values() if o["status"] == "processing")
		self.assertEqual(len(data["values"]), expected - 20)
		self.assertEqual(reportview_call("get_count", doctype=ORDER, filters=filters), expected)
		self.assertEqual(len(self.list_requests()), 2)

	def test_desk_form_and_sidebar(self):
		frappe.local.response = frappe._dict(docs=[])
		load.getdoc(ORDER, f"{self.store}:16")
		doc = frappe.response.docs[0]
		self.assertEqual((doc.name, doc.customer_name), (f"{self.store}:16", "Jane Doe"))
		self.assertEqual(len(doc.lines), len(self.fake.orders[16]["line_items"]))
		stats = reportview.get_sidebar_stats(json.dumps(["_user_tags"]), ORDER, json.dumps([]))
		self.assertEqual(stats, {"stats": {}})

	def test_api_resource_list_and_one_order(self):
		status, body = api_get(
			f"/api/resource/{ORDER}",
			filters=json.dumps([["store", "=", self.store]]),
			fields=json.dumps(["name", "woocommerce_id", "total"]),
			limit_page_length=3,
		)
		self.assertEqual(status, 200)
		self.assertEqual(len(body["data"]), 3)
		self.assertEqual(set(body["data"][0]), {"name", "woocommerce_id", "total"})
		status, body = api_get(f"/api/resource/{ORDER}/{self.store}:17")
		self.assertEqual(status, 200)
		self.assertEqual(
			(body["data"]["woocommerce_id"], body["data"]["status"]), (17, self.fake.orders[17]["status"])
		)
		self.assertEqual(len(body["data"]["lines"]), len(self.fake.orders[17]["line_items"]))

	def test_no_access_without_the_roles(self):
		frappe.set_user("Guest")
		self.addCleanup(frappe.set_user, "Administrator")
		with self.assertRaises(frappe.PermissionError):
			frappe.client.get_list(ORDER, filters={"store": self.store})
		with self.assertRaises(frappe.PermissionError):
			sync_order(f"{self.store}:16")


class TestSyncAction(WooCommerceOrderTestCase):
	def test_creates_then_updates_then_has_nothing_to_do(self):
		name = f"{self.store}:16"
		created = frappe.get_doc(ORDER, name).sync_with_erpnext()
		self.assertEqual(created["outcome"], "created", created["message"])
		self.assertIn("was created", created["message"])
		self.assertEqual(frappe.get_doc(ORDER, name).sales_order, created["sales_order"])
		self.fake.set_time(LATER)
		self.fake.orders[16]["customer_note"] = "Leave it at the door"
		self.fake._stamp(self.fake.orders[16])
		updated = sync_order(name)
		self.assertEqual((updated["outcome"], updated["sales_order"]), ("updated", created["sales_order"]))
		self.assertEqual(
			frappe.db.get_value("Sales Order", created["sales_order"], "woocommerce_status"), "processing"
		)
		again = sync_order(name)
		self.assertEqual(again["outcome"], "skipped")
		self.assertIn("nothing to do", again["message"])

	def test_an_order_deleted_in_the_store_cancels_its_sales_order(self):
		store = make_importing_settings(self.fake, submit_orders=1).name
		created = sync_order(f"{store}:16")
		self.assertEqual(frappe.db.get_value("Sales Order", created["sales_order"], "docstatus"), 1)
		del self.fake.orders[16]
		result = sync_order(f"{store}:16")
		self.assertEqual((result["outcome"], result["sales_order"]), ("updated", created["sales_order"]))
		self.assertIn("was cancelled", result["message"])
		self.assertEqual(frappe.db.get_value("Sales Order", created["sales_order"], "docstatus"), 2)

	def test_a_status_the_store_does_not_import_says_so(self):
		order = {
			k: v for k, v in copy.deepcopy(self.fake.orders[16]).items() if k not in ("number", "order_key")
		}
		self.fake.add_order({**order, "id": 500, "status": "pending"})
		result = sync_order(f"{self.store}:500")
		self.assertEqual((result["outcome"], result["sales_order"]), ("skipped", None))
		self.assertIn("pending", result["message"])

	def test_a_failed_import_names_the_reason_and_the_sync_log(self):
		self.fake.orders[16]["currency"] = "XYZ"
		self.fake._stamp(self.fake.orders[16])
		result = sync_order(f"{self.store}:16")
		self.assertEqual(result["outcome"], "failed")
		self.assertIn("XYZ", result["message"])
		self.assertIn(result["sync_log"], result["message"])


class TestErrors(WooCommerceOrderTestCase):
	def test_a_deleted_order_is_a_clear_not_found(self):
		with self.assertRaises(OrderNotFound) as caught:
			frappe.get_doc(ORDER, f"{self.store}:999999")
		self.assertIn(f"{self.store}:999999 was not found", str(caught.exception))
		with self.assertRaises(OrderNotFound):
			api_get(f"/api/resource/{ORDER}/{self.store}:999999")
		self.assertEqual(OrderNotFound.http_status_code, 404)
		with self.assertRaises(OrderNotFound):
			load.getdoc(ORDER, f"{self.store}:999999")  # Desk's form shows the message, not a blank page
		with self.assertRaises(OrderNotFound):
			sync_order(f"{self.store}:999999")

	def test_a_hanging_store_is_said_to_be_slow_within_ten_seconds(self):
		"""The live view is read while a person waits: one retry, 10 s in all."""
		self.fake.latency = 60
		started = time.monotonic()
		with self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_doc(ORDER, f"{self.store}:16")
		elapsed = time.monotonic() - started
		self.fake.latency = 0
		self.assertLessEqual(elapsed, 10.5)
		self.assertIn(f"WooCommerce store {self.store} is slow", str(caught.exception))
		self.assertEqual(self.fake.request_count("GET", f"{ORDERS}/16"), 2, "one retry")

	def test_refused_keys_are_explained(self):
		self.fake.inject_fault("unauthorized", times=2)
		with self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_list(ORDER, filters={"store": self.store})
		self.assertIn("refused the consumer key", str(caught.exception))
		self.assertIn(self.store, str(caught.exception))
		with self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_doc(ORDER, f"{self.store}:16")
		self.assertIn("Order 16", str(caught.exception))
		self.assertIn("refused the consumer key", str(caught.exception))

	def test_a_bad_name_or_filter_says_what_to_use(self):
		with self.assertRaises(OrderNotFound):
			frappe.get_doc(ORDER, "no-colon-here")
		with self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_list(ORDER, filters={"store": self.store, "total": [">", 5]})
		self.assertIn("filter by store, status", str(caught.exception))


def reportview_call(method: str, **form):
	"""What Desk's list view sends to frappe.desk.reportview (JSON-encoded like the browser does)."""
	frappe.local.form_dict = frappe._dict(
		{k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in form.items()}
	)
	return getattr(reportview, method)()


def api_get(path: str, **query) -> tuple[int, dict]:
	"""A GET through frappe.api's handler, as /api/resource requests arrive."""
	request = EnvironBuilder(method="GET", path=path, query_string=query).get_request()
	frappe.local.request = request
	frappe.local.response = frappe._dict()
	make_form_dict(request)
	response = frappe.api.handle(request)
	return response.status_code, json.loads(response.get_data())
