"""Item Groups <-> product categories on a real site against the fake store, both directions."""

import frappe

from woocommerce_sync.constants import (
	CATEGORIES_TO_ERPNEXT,
	CATEGORIES_TO_WOOCOMMERCE,
	CATEGORY_LINK,
	SETTINGS,
)
from woocommerce_sync.products.categories import sync_store_categories
from woocommerce_sync.products.export import export_item
from woocommerce_sync.testing.fake_store import add_category
from woocommerce_sync.tests.product_utils import make_item
from woocommerce_sync.tests.utils import StoreTestCase

BATCH = "/wp-json/wc/v3/products/categories/batch"


def tag() -> str:
	return frappe.generate_hash(length=6).upper()


def make_group(name: str, parent: str, is_group: int = 0) -> str:
	doc = frappe.get_doc(
		{"doctype": "Item Group", "item_group_name": name, "parent_item_group": parent, "is_group": is_group}
	)
	doc.flags.from_woocommerce = True  # set-up: no category job per group
	return doc.insert().name


class CategoryTestCase(StoreTestCase):
	direction = CATEGORIES_TO_WOOCOMMERCE

	def setUp(self):
		super().setUp()
		self.tag = tag()
		self.root = make_group(f"WC Root {self.tag}", "All Item Groups", is_group=1)
		frappe.db.set_value(
			SETTINGS, self.store, {"category_direction": self.direction, "category_root": self.root}
		)
		frappe.db.commit()
		# Stale stores must not collect Item Group jobs from later tests.
		self.addCleanup(lambda: (frappe.db.set_value(SETTINGS, self.store, "enabled", 0), frappe.db.commit()))

	def sync(self):
		run = sync_store_categories(self.store, "Manual")
		self.assertEqual(run.failures, [])
		return run

	def category_of(self, group: str) -> dict:
		category_id = frappe.db.get_value(
			CATEGORY_LINK, {"store": self.store, "item_group": group}, "category_id"
		)
		self.assertTrue(category_id, f"{group} has no category")
		return self.fake.categories[category_id]


class TestPushCategories(CategoryTestCase):
	def setUp(self):
		super().setUp()
		self.clothing = make_group(f"Clothing {self.tag}", self.root, is_group=1)
		self.hoodies = make_group(f"Hoodies {self.tag}", self.clothing)
		self.shirts = make_group(f"Shirts {self.tag}", self.clothing)
		self.music = make_group(f"Music {self.tag}", self.root)
		frappe.db.commit()

	def test_the_tree_is_created_parents_first_in_batches(self):
		run = self.sync()
		self.assertEqual(run.counts["created"], 4)
		self.assertEqual(self.fake.request_count("POST", BATCH), 2, "one batch per level")
		clothing = self.category_of(self.clothing)
		self.assertEqual(clothing["parent"], 0)
		self.assertEqual(self.category_of(self.hoodies)["parent"], clothing["id"])
		self.assertEqual(self.category_of(self.music)["parent"], 0)

	def test_a_second_run_changes_nothing(self):
		self.sync()
		self.fake.reset_counters()
		run = self.sync()
		self.assertEqual((run.counts["created"], run.counts["updated"]), (0, 0))
		self.assertEqual(self.fake.request_count("POST", BATCH), 0)

	def test_a_renamed_group_renames_its_category(self):
		self.sync()
		before = self.category_of(self.hoodies)
		renamed = frappe.rename_doc("Item Group", self.hoodies, f"Sweaters {self.tag}", force=True)
		frappe.db.commit()
		run = self.sync()
		self.assertEqual(run.counts["updated"], 1)
		after = self.category_of(renamed)
		self.assertEqual((after["id"], after["name"], after["slug"]), (before["id"], renamed, before["slug"]))

	def test_a_moved_group_moves_its_category_and_a_deleted_one_is_created_again(self):
		self.sync()
		doc = frappe.get_doc("Item Group", self.shirts)
		doc.parent_item_group = self.music
		doc.flags.from_woocommerce = True
		doc.save()
		frappe.db.set_value("Item Group", self.music, "is_group", 1)
		gone = self.category_of(self.hoodies)["id"]
		del self.fake.categories[gone]
		frappe.db.commit()
		run = self.sync()
		self.assertEqual(self.category_of(self.shirts)["parent"], self.category_of(self.music)["id"])
		self.assertNotEqual(self.category_of(self.hoodies)["id"], gone)
		self.assertEqual(run.counts["created"], 1)

	def test_a_category_the_store_has_is_linked_not_duplicated(self):
		existing = add_category(self.fake, self.music)
		run = self.sync()
		self.assertEqual(self.category_of(self.music)["id"], existing["id"])
		self.assertEqual(len([c for c in self.fake.categories.values() if c["name"] == self.music]), 1)
		self.assertEqual(run.counts["created"], 3)

	def test_an_exported_product_is_in_its_items_category(self):
		self.sync()
		code = make_item(f"WCCAT-{self.tag}", (self.store,), item_group=self.hoodies)
		frappe.db.commit()
		export_item(code, self.store)
		[product] = [p for p in self.fake.products.values() if p.get("sku") == code]
		self.assertEqual([c["id"] for c in product["categories"]], [self.category_of(self.hoodies)["id"]])


class TestPullCategories(CategoryTestCase):
	direction = CATEGORIES_TO_ERPNEXT

	def setUp(self):
		super().setUp()
		self.outer = add_category(self.fake, f"Outdoor {self.tag}")
		self.inner = add_category(self.fake, f"Tents {self.tag}", self.outer["id"])

	def group_of(self, category_id: int) -> str:
		return frappe.db.get_value(CATEGORY_LINK, f"{self.store}:{category_id}", "item_group")

	def test_missing_groups_are_created_below_the_root_parents_first(self):
		run = self.sync()
		outer = frappe.get_doc("Item Group", self.group_of(self.outer["id"]))
		inner = frappe.get_doc("Item Group", self.group_of(self.inner["id"]))
		self.assertEqual(
			(outer.name, outer.parent_item_group, outer.is_group), (f"Outdoor {self.tag}", self.root, 1)
		)
		self.assertEqual(inner.parent_item_group, outer.name)
		self.assertEqual(run.counts["created"], len(self.fake.categories))
		self.assertEqual(self.sync().counts["created"], 0, "a second run creates nothing")

	def test_rename_move_and_deletion_in_the_store(self):
		self.sync()
		other = add_category(self.fake, f"Camping {self.tag}")
		self.sync()
		self.fake.categories[self.inner["id"]].update(
			name=f"Domes &amp; Tunnels {self.tag}", parent=other["id"]
		)
		del self.fake.categories[self.outer["id"]]
		outer_group = self.group_of(self.outer["id"])
		self.sync()
		inner = frappe.get_doc("Item Group", self.group_of(self.inner["id"]))
		self.assertEqual(inner.name, f"Domes & Tunnels {self.tag}")
		self.assertEqual(inner.parent_item_group, self.group_of(other["id"]))
		self.assertTrue(frappe.db.exists("Item Group", outer_group), "a group is never deleted")
		self.assertIsNone(self.group_of(self.outer["id"]))

	def test_a_second_category_of_the_same_name_gets_its_id(self):
		twin = add_category(self.fake, f"Tents {self.tag}")  # another "Tents", at the top: made first
		self.sync()
		self.assertEqual(self.group_of(twin["id"]), f"Tents {self.tag}")
		self.assertEqual(self.group_of(self.inner["id"]), f"Tents {self.tag} ({self.inner['id']})")
