"""What outlives the import's commits: configuration, never the documents the import writes."""

import frappe
from frappe.tests.utils import FrappeTestCase

from woocommerce_sync import configuration_cache
from woocommerce_sync.tests.utils import get_company


class TestConfigurationCache(FrappeTestCase):
	def test_configuration_outlives_the_commit_and_documents_and_misses_do_not(self):
		company = get_company().name
		customer = frappe.get_all("Customer", limit=1, pluck="name")[0]
		frappe.db.get_single_value("Selling Settings", "cust_master_name")
		frappe.db.get_value("Company", company, "name", cache=True)
		frappe.db.get_value(
			"Company", f"No such company {frappe.generate_hash(length=6)}", "name", cache=True
		)
		frappe.db.get_value("Customer", customer, "name", cache=True)
		missing = next(
			key
			for key in frappe.db.value_cache
			if isinstance(key, tuple) and key[0] == "Company" and key[1] != company
		)
		for end in (configuration_cache.commit, configuration_cache.rollback):
			with self.subTest(end.__name__):
				frappe.db.get_value("Customer", customer, "name", cache=True)
				end()
				cache = frappe.db.value_cache
				self.assertIn("cust_master_name", cache["Selling Settings"])
				self.assertIn(("Company", company, "name"), cache)
				self.assertNotIn(missing, cache, "a miss is asked again")
				self.assertNotIn(("Customer", customer, "name"), cache, "the import writes Customers")
		frappe.db.commit()
		self.assertEqual(frappe.db.value_cache, {}, "Frappe's own commit still empties it all")
