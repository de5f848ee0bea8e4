"""The Item Group tree against a store's categories: new, renamed, moved, deleted in the store."""

from woocommerce_sync.core.category_tree import (
	Category,
	Group,
	Link,
	pull_plan,
	push_plan,
)

GROUPS = [
	Group("Clothing", None),
	Group("Hoodies", "Clothing"),
	Group("Zip Hoodies", "Hoodies"),
	Group("Music", None),
]


def linked(*pairs):
	return [Link(group, cid, group) for group, cid in pairs]


def test_push_new_groups_come_parents_first():
	plan = push_plan(GROUPS, [], [])
	assert plan.create == [["Clothing", "Music"], ["Hoodies"], ["Zip Hoodies"]]
	assert plan.update == [] and plan.recreated == []


def test_push_in_step_is_empty():
	categories = [Category(1, "Clothing", 0), Category(2, "Hoodies", 1), Category(3, "Zip Hoodies", 2)]
	categories.append(Category(4, "Music", 0))
	plan = push_plan(
		GROUPS, categories, linked(("Clothing", 1), ("Hoodies", 2), ("Zip Hoodies", 3), ("Music", 4))
	)
	assert plan.empty


def test_push_renamed_and_moved_groups_update_their_category():
	groups = [Group("Apparel", None), Group("Hoodies", None), Group("Music", "Apparel")]
	categories = [Category(1, "Clothing", 0), Category(2, "Hoodies", 1), Category(4, "Music", 0)]
	links = [Link("Apparel", 1, "Clothing"), Link("Hoodies", 2, "Hoodies"), Link("Music", 4, "Music")]
	plan = push_plan(groups, categories, links)
	assert plan.create == []
	assert plan.update == ["Apparel", "Hoodies", "Music"]  # renamed; moved to the top; moved below


def test_push_recreates_a_category_deleted_in_the_store_and_moves_its_children():
	categories = [Category(1, "Clothing", 0), Category(3, "Zip Hoodies", 2), Category(4, "Music", 0)]
	plan = push_plan(
		GROUPS, categories, linked(("Clothing", 1), ("Hoodies", 2), ("Zip Hoodies", 3), ("Music", 4))
	)
	assert plan.create == [["Hoodies"]]
	assert plan.recreated == ["Hoodies"]
	assert plan.update == ["Zip Hoodies"]  # its parent gets a new id


def test_pull_new_categories_parents_first_and_unescaped():
	categories = [
		Category.from_json({"id": 9, "name": "Hoodies &amp; Sweaters", "parent": 8}),
		Category.from_json({"id": 8, "name": "Clothing", "parent": 0}),
		Category.from_json({"id": 10, "name": "Orphan", "parent": 77}),
	]
	plan = pull_plan(categories, [], [])
	assert plan.create == [[8, 10], [9]]
	assert categories[0].name == "Hoodies & Sweaters"


def test_pull_renamed_moved_and_deleted_in_the_store():
	categories = [Category(1, "Apparel", 0), Category(2, "Hoodies", 0), Category(3, "Music", 1)]
	groups = [Group("Clothing", None), Group("Hoodies", "Clothing"), Group("Music", None), Group("Old", None)]
	links = [
		Link("Clothing", 1, "Clothing"),
		Link("Hoodies", 2, "Hoodies"),
		Link("Music", 3, "Music"),
		Link("Old", 5, "Old"),
	]
	plan = pull_plan(categories, groups, links)
	assert plan.create == []
	assert plan.update == [1, 2, 3]  # renamed; moved to the top; moved below Apparel
	assert plan.unlink == ["Old"]


def test_pull_compares_the_synced_name_not_a_made_unique_group_name():
	categories = [Category(1, "Accessories", 0)]
	plan = pull_plan(
		categories, [Group("Accessories (1)", None)], [Link("Accessories (1)", 1, "Accessories")]
	)
	assert plan.empty
