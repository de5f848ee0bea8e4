"""Who may call the app's whitelisted methods, and how: POST only for anything that changes
state, the store checked (exists, enabled, the user's access), every document the action makes
or submits checked as the user, Test Connection on the saved settings only.

Requests go through Frappe's real request path (frappe.api.handle -> frappe.handler), so the
HTTP method, guest and whitelist checks are Frappe's own.
"""

import ast
import importlib
import json
from pathlib import Path

import frappe
import frappe.api
from frappe.app import make_form_dict
from frappe.permissions import add_permission, update_permission_property
from werkzeug.test import EnvironBuilder

from woocommerce_sync.orders.sales_order_to_woocommerce import sync_with_woocommerce
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.sales.sync_invoice import create_invoice
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.tests.utils import SETTINGS, StoreTestCase, ensure_user, make_settings
from woocommerce_sync.webhooks.registration import register_webhooks

PACKAGE = Path(__file__).resolve().parents[1]
READ_ONLY = {
	"woocommerce_sync.orders.sales_order_to_woocommerce.woocommerce_admin_url",
	# Desk's workspace cards, activity chart and store health: they only read.
	"woocommerce_sync.desk.cards.orders_imported_today",
	"woocommerce_sync.desk.cards.orders_waiting_for_retry",
	"woocommerce_sync.desk.cards.stuck_webhook_deliveries",
	"woocommerce_sync.desk.cards.stale_stores",
	"woocommerce_sync.desk.cards.get_store_health",
	"woocommerce_sync.desk.cards.retry_counts",
	"woocommerce_sync.woocommerce_sync.dashboard_chart_source.woocommerce_sync_activity.woocommerce_sync_activity.get",
}
GUEST_METHODS = {"woocommerce_sync.webhook.receive"}
TEST_CONNECTION = (
	"woocommerce_sync.woocommerce_sync.doctype.woocommerce_integration_settings."
	"woocommerce_integration_settings.test_connection"
)
NO_ROLE_USER = "wcsync-no-role@example.com"
MANAGER = "wcsync-manager@example.com"
CLERK = "wcsync-invoice-clerk@example.com"
CLERK_ROLE = "_Test WooCommerce Invoice Clerk"


def package_whitelist() -> dict[str, object]:
	"""Every @frappe.whitelist function and doc method of the package, by dotted name."""
	for path in PACKAGE.rglob("*.py"):
		if "frappe.whitelist" in path.read_text():
			relative = path.relative_to(PACKAGE.parent).with_suffix("")
			importlib.import_module(".".join(relative.parts))
	return {
		f"{fn.__module__}.{fn.__qualname__}": fn
		for fn in frappe.whitelisted
		if fn.__module__.split(".")[0] == "woocommerce_sync"
	}


def decorated_count() -> int:
	"""How many definitions in the source carry @frappe.whitelist, to prove none was missed."""
	count = 0
	for path in PACKAGE.rglob("*.py"):
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef):
				count += any("frappe.whitelist" in ast.unparse(d) for d in node.decorator_list)
	return count


def api_call(http_method: str, cmd: str, **form):
	"""One /api/method request as Desk sends it: GET in the query string, POST as a form."""
	builder = (
		EnvironBuilder(method="GET", path=f"/api/method/{cmd}", query_string=form)
		if http_method == "GET"
		else EnvironBuilder(method="POST", path=f"/api/method/{cmd}", data=form)
	)
	request = builder.get_request()
	frappe.local.request = request
	frappe.local.response = frappe._dict()
	make_form_dict(request)
	try:
		response = frappe.api.handle(request)
	finally:
		frappe.local.request = None
	return json.loads(response.get_data()).get("message")


class AccessTestCase(StoreTestCase):
	def setUp(self):
		super().setUp()
		self.addCleanup(frappe.set_user, "Administrator")

	def import_order(self, order_id: int = 16) -> str:
		run = sync_store(self.store, "Manual", ImportFilters(ids=[order_id]))
		self.assertEqual(run.counts["failed"], 0, run.failures)
		self.fake.requests.clear()
		return frappe.db.get_value(
			"Sales Order", {"woocommerce_server": self.store, "woocommerce_id": str(order_id)}
		)


class TestHttpMethods(AccessTestCase):
	def test_every_state_changing_method_refuses_get(self):
		methods = package_whitelist()
		self.assertEqual(len(methods), decorated_count())
		accepting_get = sorted(
			name
			for name, fn in methods.items()
			if "GET" in frappe.allowed_http_methods_for_whitelisted_func[fn] and name not in READ_ONLY
		)
		self.assertEqual(accepting_get, [], "these change state and must be POST only")

	def test_a_get_to_a_state_change_is_refused_and_changes_nothing(self):
		self.settings.db_set("webhooks_registered", 1)
		frappe.db.commit()
		with self.assertRaises(frappe.PermissionError):
			api_call("GET", "woocommerce_sync.webhooks.registration.remove_webhooks", store=self.store)
		with self.assertRaises(frappe.PermissionError):
			api_call("GET", TEST_CONNECTION, store=self.store)
		self.assertEqual(self.fake.requests, [])
		self.assertEqual(frappe.db.get_value(SETTINGS, self.store, "webhooks_registered"), 1)
		# The same request by POST is served, so the refusal above is the method's, not the path's.
		result = api_call("POST", "woocommerce_sync.webhooks.registration.remove_webhooks", store=self.store)
		self.assertTrue(result["ok"], result["message"])
		self.assertTrue(self.fake.requests)


class TestWhoMayCall(AccessTestCase):
	def test_guests_and_users_without_roles_are_refused_everywhere(self):
		sales_order = self.import_order()
		item_code = frappe.get_all("Item", pluck="name", limit=1)[0]
		args = {
			"store": self.store,
			"sales_order": sales_order,
			"item_code": item_code,
			"name": f"{self.store}:16",
			"product_id": 16,
			"reason": "a test of who may call",
			"order_ids": "16",
			"note": "a test of who may call",
			"names": "[]",
			"delivery_note": "a test of who may call",
			"coupon_code": "a test of who may call",
			"customer": frappe.get_all("Customer", pluck="name", limit=1)[0],
		}
		ensure_user(NO_ROLE_USER, [])
		frappe.db.commit()
		methods = package_whitelist()
		for user in ("Guest", NO_ROLE_USER):
			frappe.set_user(user)
			for name, fn in methods.items():
				if name in GUEST_METHODS:
					continue
				with self.subTest(user=user, method=name), self.assertRaises(frappe.PermissionError):
					if "." in fn.__qualname__:  # a doc method: Desk's run_doc_method on the stored doc
						doctype = "WooCommerce Order" if "WooCommerceOrder" in name else SETTINGS
						dn = args["name"] if doctype == "WooCommerce Order" else self.store
						api_call("POST", "run_doc_method", dt=doctype, dn=dn, method=fn.__name__)
					else:
						api_call("POST", name, **args)
		self.assertEqual(self.fake.requests, [])

	def test_a_manager_limited_to_another_store_is_refused(self):
		other = make_settings(self.fake).insert()
		ensure_user(MANAGER, ["WooCommerce Manager"])
		frappe.db.delete("User Permission", {"user": MANAGER})
		frappe.get_doc(
			{"doctype": "User Permission", "user": MANAGER, "allow": SETTINGS, "for_value": other.name}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		frappe.set_user(MANAGER)
		with self.assertRaises(frappe.PermissionError) as caught:
			register_webhooks(self.store)
		self.assertIn(self.store, str(caught.exception))
		self.assertEqual(self.fake.requests, [])

	def test_a_disabled_store_refuses_manual_actions(self):
		sales_order = self.import_order()
		self.settings.db_set("enabled", 0)
		frappe.db.commit()
		calls = {
			"woocommerce_sync.webhooks.registration.register_webhooks": {"store": self.store},
			"woocommerce_sync.orders.sync_sales_orders.import_orders": {"store": self.store},
			"woocommerce_sync.products.pull.pull_product": {"store": self.store, "product_id": 16},
			"woocommerce_sync.products.full_pass.sync_stock_now": {"store": self.store},
			"woocommerce_sync.products.mapping.map_existing_products": {"store": self.store},
			"woocommerce_sync.sales.sync_invoice.create_invoice": {"sales_order": sales_order},
			"woocommerce_sync.orders.sales_order_to_woocommerce.sync_with_woocommerce": {
				"sales_order": sales_order
			},
			"woocommerce_sync.orders.sales_order_to_woocommerce.retry_push": {"sales_order": sales_order},
			TEST_CONNECTION: {"store": self.store},
			"woocommerce_sync.customers.import_customers.import_customers": {"store": self.store},
			"woocommerce_sync.products.categories.sync_categories": {"store": self.store},
		}
		for cmd, form in calls.items():
			with self.subTest(cmd), self.assertRaises(frappe.ValidationError) as caught:
				api_call("POST", cmd, **form)
			self.assertIn(f"Store {self.store} is disabled: tick Enabled", str(caught.exception))
		self.assertEqual(self.fake.requests, [])
		self.assertFalse(frappe.db.exists("Sales Invoice", {"woocommerce_server": self.store}))


class TestNoEscalation(AccessTestCase):
	store_overrides = {"submit_orders": 1, "submit_invoice": 1, "create_payment": 1}  # noqa: RUF012

	def setUp(self):
		super().setUp()
		if not frappe.db.exists("Role", CLERK_ROLE):
			frappe.get_doc({"doctype": "Role", "role_name": CLERK_ROLE, "desk_access": 1}).insert()
		for doctype, ptypes in (("Sales Order", ["read"]), ("Sales Invoice", ["read", "create", "write"])):
			add_permission(doctype, CLERK_ROLE)
			for ptype in ptypes:
				update_permission_property(doctype, CLERK_ROLE, 0, ptype, 1)
		ensure_user(CLERK, [CLERK_ROLE, "WooCommerce Manager"])
		frappe.db.commit()
		self.addCleanup(self.remove_clerk_permissions)

	def remove_clerk_permissions(self):
		frappe.db.delete("Custom DocPerm", {"role": CLERK_ROLE})
		frappe.db.commit()
		for doctype in ("Sales Order", "Sales Invoice"):
			frappe.clear_cache(doctype=doctype)

	def test_create_invoice_without_submit_permission_makes_nothing(self):
		sales_order = self.import_order()
		payments = frappe.db.count("Payment Entry")
		frappe.set_user(CLERK)
		with self.assertRaises(frappe.PermissionError) as caught:
			create_invoice(sales_order)
		self.assertIn("submit", str(caught.exception))
		self.assertIn("Sales Invoice", str(caught.exception))
		self.assertIn(self.store, str(caught.exception))
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Sales Invoice Item", {"sales_order": sales_order}))
		self.assertEqual(frappe.db.count("Payment Entry"), payments)
		self.assertEqual(self.fake.requests, [])

	def test_sync_with_woocommerce_needs_what_an_import_makes(self):
		sales_order = self.import_order()
		update_permission_property("Sales Order", CLERK_ROLE, 0, "write", 1)
		frappe.db.commit()
		frappe.set_user(CLERK)
		with self.assertRaises(frappe.PermissionError) as caught:
			sync_with_woocommerce(sales_order)
		self.assertIn("Sales Order", str(caught.exception))
		self.assertEqual(self.fake.requests, [])


class TestConnectionUsesStoredSettings(AccessTestCase):
	def setUp(self):
		super().setUp()
		self.elsewhere = FakeWooCommerceStore().start()
		self.addCleanup(self.elsewhere.stop)

	def test_a_url_sent_by_the_browser_is_ignored(self):
		tampered = frappe.get_doc(SETTINGS, self.store).as_dict()
		tampered["store_url"] = self.elsewhere.url
		with self.assertRaises(frappe.PermissionError):
			api_call(
				"POST",
				"run_doc_method",
				docs=json.dumps(tampered, default=str),
				method="test_connection",
			)
		result = api_call("POST", TEST_CONNECTION, store=self.store, store_url=self.elsewhere.url)
		self.assertTrue(result["ok"], result["message"])
		self.assertTrue(self.fake.requests)
		self.assertEqual(self.elsewhere.requests, [])

	def test_a_new_url_needs_new_keys(self):
		doc = frappe.get_doc(SETTINGS, self.store)
		doc.store_url = self.elsewhere.url
		with self.assertRaises(frappe.ValidationError) as caught:
			doc.save()
		self.assertIn("Enter the new shop's consumer key and secret", str(caught.exception))
		self.assertIn(self.store, str(caught.exception))
		doc = frappe.get_doc(SETTINGS, self.store)
		doc.update({"store_url": self.elsewhere.url, "consumer_key": self.elsewhere.consumer_key})
		with self.assertRaises(frappe.ValidationError):
			doc.save()  # the old secret would still go to the new address
		self.assertEqual(frappe.db.get_value(SETTINGS, self.store, "store_url"), self.fake.url)
		doc = frappe.get_doc(SETTINGS, self.store)
		doc.update(
			{
				"store_url": self.elsewhere.url,
				"consumer_key": self.elsewhere.consumer_key,
				"consumer_secret": self.elsewhere.consumer_secret,
			}
		)
		doc.save()
		self.assertEqual(doc.get_password("consumer_key"), self.elsewhere.consumer_key)
		self.assertTrue(frappe.get_doc(SETTINGS, self.store).test_connection()["ok"])
		self.assertTrue(self.elsewhere.requests)

	def test_no_request_drains_the_site_wide_deferred_insert_queues(self):
		offenders = [
			str(path.relative_to(PACKAGE))
			for path in PACKAGE.rglob("*.py")
			# testing/ and benchmarks/ run from the command line (figures), never in a request
			if not {"tests", "testing", "benchmarks"} & set(path.parts) and "save_to_db" in path.read_text()
		]
		self.assertEqual(offenders, [])
