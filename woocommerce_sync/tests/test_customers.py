"""Customers both ways on a real site against the fake store: import (all, by ids, modified since,
idempotent, racing the order import) and Push to WooCommerce (create, update, refusals)."""

import json
import math
from datetime import datetime, timezone
from unittest.mock import patch

import frappe

from woocommerce_sync.constants import CUSTOMER_EMAIL_FIELD, CUSTOMER_KEY_FIELD
from woocommerce_sync.customers.customer_to_woocommerce import push_customer, push_to_store
from woocommerce_sync.customers.import_customers import CustomerFilters, import_store
from woocommerce_sync.orders.sync_sales_orders import ImportFilters, sync_store
from woocommerce_sync.tests.utils import StoreTestCase, run_concurrently

OLD = datetime(2026, 1, 1, tzinfo=timezone.utc)
NEW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def unique_email(label: str = "c") -> str:
	return f"{label}-{frappe.generate_hash(length=12)}@example.com"


def account_body(email: str, city: str = "San Francisco") -> dict:
	return {
		"email": email,
		"first_name": "Ada",
		"last_name": "Lovelace",
		"billing": {
			"first_name": "Ada",
			"last_name": "Lovelace",
			"address_1": "1 Market St",
			"city": city,
			"state": "CA",
			"postcode": "94105",
			"country": "US",
			"email": email,
			"phone": "+1 415 555 0100",
		},
		"shipping": {
			"first_name": "Ada",
			"last_name": "Lovelace",
			"address_1": "2 Harbor Rd",
			"city": "Oakland",
			"country": "US",
		},
	}


class CustomerTestCase(StoreTestCase):
	def customers_of(self, account_id: int) -> list[str]:
		return frappe.get_all(
			"Customer", filters={CUSTOMER_KEY_FIELD: f"{self.store}:{account_id}"}, pluck="name"
		)

	def addresses_of(self, customer: str) -> list[frappe._dict]:
		return frappe.get_all(
			"Address",
			filters=[
				["Dynamic Link", "link_doctype", "=", "Customer"],
				["Dynamic Link", "link_name", "=", customer],
			],
			fields=["name", "address_type", "city", "woocommerce_address_key"],
		)


class TestImportCustomers(CustomerTestCase):
	def test_import_all_makes_customer_contact_and_addresses(self):
		email = unique_email()
		account = self.fake.add_customer(account_body(email))
		bare = self.fake.add_customer({"email": unique_email("bare")})
		run = import_store(self.store, "Manual")
		self.assertEqual(
			frappe.db.get_value("WooCommerce Sync Log", run.name, "status"), "Success", run.failures
		)
		[name] = self.customers_of(account["id"])
		customer = frappe.get_doc("Customer", name)
		self.assertEqual(customer.get(CUSTOMER_EMAIL_FIELD), email)
		self.assertEqual(customer.customer_name, "Ada Lovelace")
		contacts = frappe.get_all(
			"Contact Email", filters={"email_id": email, "parenttype": "Contact"}, pluck="parent"
		)
		self.assertEqual(len(contacts), 1)
		types = sorted(a.address_type for a in self.addresses_of(name))
		self.assertEqual(types, ["Billing", "Shipping"])
		self.assertEqual(
			len(self.customers_of(bare["id"])), 1, "an account without addresses is a Customer too"
		)
		self.assertEqual(
			self.fake.request_count("GET", "/wp-json/wc/v3/customers"),
			math.ceil(len(self.fake.customers) / 100),
		)

	def test_a_second_run_creates_nothing(self):
		account = self.fake.add_customer(account_body(unique_email()))
		import_store(self.store, "Manual")
		customers, addresses, contacts = (frappe.db.count(d) for d in ("Customer", "Address", "Contact"))
		run = import_store(self.store, "Manual")
		self.assertEqual(run.counts["created"], 0)
		self.assertEqual(
			(frappe.db.count("Customer"), frappe.db.count("Address"), frappe.db.count("Contact")),
			(customers, addresses, contacts),
		)
		self.assertEqual(len(self.customers_of(account["id"])), 1)

	def test_import_by_ids_and_an_unknown_id(self):
		wanted = self.fake.add_customer(account_body(unique_email()))
		other = self.fake.add_customer(account_body(unique_email()))
		run = import_store(self.store, "Manual", CustomerFilters(ids=[wanted["id"], 987654]))
		self.assertEqual(len(self.customers_of(wanted["id"])), 1)
		self.assertEqual(self.customers_of(other["id"]), [])
		[failure] = run.failures
		self.assertEqual(failure["woocommerce_order_id"], "987654")
		self.assertIn(self.store, failure["reason"])

	def test_modified_since_skips_older_accounts(self):
		self.fake.set_time(OLD)
		old = self.fake.add_customer(account_body(unique_email()))
		self.fake.set_time(NEW)
		new = self.fake.add_customer(account_body(unique_email()))
		import_store(
			self.store, "Manual", CustomerFilters(modified_since=datetime(2026, 3, 1, tzinfo=timezone.utc))
		)
		self.assertEqual(self.customers_of(old["id"]), [])
		self.assertEqual(len(self.customers_of(new["id"])), 1)

	def test_a_customer_made_by_an_order_is_matched_and_linked(self):
		email = unique_email()
		existing = frappe.get_doc(
			{"doctype": "Customer", "customer_name": "Made by an order", CUSTOMER_EMAIL_FIELD: email}
		).insert()
		account = self.fake.add_customer(account_body(email))
		run = import_store(self.store, "Manual", CustomerFilters(ids=[account["id"]]))
		self.assertEqual(self.customers_of(account["id"]), [existing.name])
		self.assertEqual(run.counts["updated"], 1)

	def test_order_import_and_customer_import_racing_make_one_customer(self):
		email = unique_email("race")
		account = self.fake.add_customer(account_body(email))
		[order] = self.fake.generate_orders(1, start=NEW)
		order = self.fake.orders[order["id"]]
		order["customer_id"] = account["id"]
		order["billing"] = {**order["billing"], **account["billing"], "email": email}
		self.fake.latency = 0.05
		_results, errors = run_concurrently(
			lambda: sync_store(self.store, "Manual", ImportFilters(ids=[order["id"]])),
			lambda: import_store(self.store, "Manual", CustomerFilters(ids=[account["id"]])),
		)
		self.assertEqual(errors, [])
		self.assertEqual(len(frappe.get_all("Customer", filters={CUSTOMER_EMAIL_FIELD: email})), 1)
		[customer] = self.customers_of(account["id"])
		self.assertEqual(
			frappe.db.get_value("Sales Order", {"woocommerce_server": self.store}, "customer"), customer
		)

	def test_two_customer_imports_racing_make_one_customer(self):
		accounts = [self.fake.add_customer(account_body(unique_email("twin"))) for _ in range(5)]
		ids = [a["id"] for a in accounts]
		self.fake.latency = 0.05
		_results, errors = run_concurrently(
			*[lambda: import_store(self.store, "Manual", CustomerFilters(ids=ids))] * 2
		)
		self.assertEqual(errors, [])
		for account_id in ids:
			self.assertEqual(len(self.customers_of(account_id)), 1)


class TestPushCustomers(CustomerTestCase):
	def make_customer(self, email: str | None, city: str = "Lisbon") -> str:
		customer = frappe.get_doc(
			{"doctype": "Customer", "customer_name": f"Grace Hopper {frappe.generate_hash(length=6)}"}
		).insert()
		if email:
			contact = frappe.get_doc(
				{
					"doctype": "Contact",
					"first_name": "Grace",
					"last_name": "Hopper",
					"email_ids": [{"email_id": email, "is_primary": 1}],
					"links": [{"link_doctype": "Customer", "link_name": customer.name}],
				}
			).insert()
			customer.reload()
			customer.customer_primary_contact = contact.name
			customer.save()
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": customer.name,
				"address_type": "Billing",
				"address_line1": "Rua Augusta 1",
				"city": city,
				"country": "Portugal",
				"links": [{"link_doctype": "Customer", "link_name": customer.name}],
			}
		).insert()
		frappe.db.commit()
		return customer.name

	def test_push_creates_then_updates_without_a_password(self):
		self.fake.new_account_email = False
		email = unique_email("push")
		name = self.make_customer(email)
		run = push_to_store(name, self.store)
		self.assertEqual(run.counts["created"], 1, run.failures)
		[account] = [c for c in self.fake.customers.values() if c["email"] == email]
		self.assertEqual(
			frappe.db.get_value("Customer", name, CUSTOMER_KEY_FIELD), f"{self.store}:{account['id']}"
		)
		self.assertEqual(
			(account["first_name"], account["billing"]["city"], account["billing"]["country"]),
			("Grace", "Lisbon", "PT"),
		)
		posted = [
			json.loads(r["body"])
			for r in self.fake.requests
			if r["method"] == "POST" and r["path"].endswith("/customers")
		]
		self.assertTrue(posted and all("password" not in body and "username" not in body for body in posted))
		frappe.db.set_value("Address", {"address_title": name}, "city", "Porto")
		frappe.db.commit()
		run = push_to_store(name, self.store)
		self.assertEqual(run.counts["updated"], 1, run.failures)
		self.assertEqual(self.fake.customers[account["id"]]["billing"]["city"], "Porto")
		self.assertEqual(len([c for c in self.fake.customers.values() if c["email"] == email]), 1)
		self.assertEqual(self.fake.new_account_emails, [])

	def test_push_without_e_mail_is_refused(self):
		name = self.make_customer(None)
		with self.assertRaisesRegex(frappe.ValidationError, "has no e-mail"):
			push_customer(name, self.store)
		run = push_to_store(name, self.store)
		self.assertIn("has no e-mail", run.failures[0]["reason"])
		self.assertEqual(self.fake.request_count("POST"), 0)

	def test_no_account_while_woocommerce_would_send_its_new_account_e_mail(self):
		self.fake.new_account_email = True
		email = unique_email("mail")
		name = self.make_customer(email)
		run = push_to_store(name, self.store)
		self.assertIn("New account e-mail", run.failures[0]["reason"])
		self.assertFalse(any(c["email"] == email for c in self.fake.customers.values()))
		frappe.db.set_value("WooCommerce Integration Settings", self.store, "allow_new_account_email", 1)
		frappe.db.commit()
		run = push_to_store(name, self.store)
		self.assertEqual(run.counts["created"], 1, run.failures)
		self.assertEqual(self.fake.new_account_emails, [email])

	def test_an_existing_account_with_that_e_mail_is_linked_not_duplicated(self):
		self.fake.new_account_email = False
		email = unique_email("known")
		account = self.fake.add_customer({"email": email})
		name = self.make_customer(email)
		run = push_to_store(name, self.store)
		self.assertEqual(run.counts["updated"], 1, run.failures)
		self.assertEqual(self.customers_of(account["id"]), [name])
		self.assertEqual(len([c for c in self.fake.customers.values() if c["email"] == email]), 1)

	def test_push_on_save_queues_a_linked_customer(self):
		frappe.db.set_value("WooCommerce Integration Settings", self.store, "push_customers_on_save", 1)
		name = self.make_customer(unique_email("save"))
		frappe.db.set_value("Customer", name, CUSTOMER_KEY_FIELD, f"{self.store}:424242")
		with patch("woocommerce_sync.jobs.enqueue") as enqueue:
			doc = frappe.get_doc("Customer", name)
			doc.customer_details = "changed"
			doc.save()
		self.assertEqual(enqueue.call_args.kwargs["customer"], name)
		self.assertEqual(enqueue.call_args.kwargs["store"], self.store)
