"""The Item Group tree <-> a store's product categories, in the one direction the store chose.

Sync Categories on the settings form and `bench ... woocommerce sync-categories` run
`sync_store_categories`; with ERPNext -> WooCommerce, saving or renaming an Item Group queues it
too. The decisions are core/category_tree.py's; this module reads both trees, writes, and keeps
the links (WooCommerce Category Link: one per store and Item Group, one per store and category,
both unique in the database).

- Push: the store's categories are listed (100 a request), then the missing ones are created
  with `products/categories/batch`, 100 a request, level by level so that every parent exists
  (and its id is known) before its children; renamed or moved ones follow in update batches.
  A category WooCommerce already has under that parent and name (400 term_exists, its id in
  data.resource_id) is linked, not duplicated. Nothing is deleted in the store.
- Pull: missing Item Groups are created below the store's root Item Group, parents first;
  renamed categories rename their group (frappe.rename_doc, so every Item follows), moved ones
  move it. Item Group names are unique in ERPNext: a second category of the same name gets
  "<name> (<category id>)". A category deleted in the store only unlinks its group.
- Export: a product's categories are its Item's group's category (`product_categories`), when
  the store pushes categories.
"""

from collections.abc import Callable

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.rename_doc import rename_doc
from frappe.utils import escape_html

from woocommerce_sync import jobs
from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import (
	CATEGORIES_TO_ERPNEXT,
	CATEGORIES_TO_WOOCOMMERCE,
	CATEGORY_LINK,
	CATEGORY_SYNC_JOB,
	MANAGER_ROLES,
	SETTINGS,
)
from woocommerce_sync.core.category_tree import Category, Group, Link, pull_plan, push_plan
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.manual_access import check_documents, check_store
from woocommerce_sync.progress import progress_reporter
from woocommerce_sync.runs import SyncRun, sync_run

ENDPOINT = "products/categories"
Progress = Callable[[int], None] | None


# Entry points ---------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def sync_categories(store: str) -> dict:
	"""Desk's Sync Categories: a long job, its progress sent to the user who asked."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store)
	direction = check_direction(settings)
	if direction == CATEGORIES_TO_ERPNEXT:
		check_documents(store, [("Item Group", "create"), ("Item Group", "write")])
	return {"queued": enqueue_sync(store, "Manual", notify_user=frappe.session.user)}


def enqueue_sync(store: str, trigger: str, **kwargs) -> bool:
	return jobs.enqueue(
		"woocommerce_sync.products.categories.sync_store_categories",
		jobs.job_id(CATEGORY_SYNC_JOB, store),
		store=store,
		trigger=trigger,
		**kwargs,
	)


def on_item_group_change(doc: Document, method: str | None = None, *args) -> None:
	"""Item Group on_update and after_rename: stores whose categories follow ERPNext sync soon
	(one queued job per store, however many groups change)."""
	if doc.flags.from_woocommerce:
		return  # made or renamed by a pull
	for store in frappe.get_all(
		SETTINGS, filters={"enabled": 1, "category_direction": CATEGORIES_TO_WOOCOMMERCE}, pluck="name"
	):
		enqueue_sync(store, "Scheduler")


def check_direction(settings: Document) -> str:
	direction = settings.get("category_direction")
	if direction not in (CATEGORIES_TO_WOOCOMMERCE, CATEGORIES_TO_ERPNEXT):
		frappe.throw(
			_(
				"Store {0} does not sync categories: choose a direction in Sync Categories (Customers and "
				"Categories tab of its settings), then try again."
			).format(settings.name)
		)
	if not settings.get("category_root") or not frappe.db.exists("Item Group", settings.category_root):
		frappe.throw(
			_(
				"Store {0}: choose the Root Item Group of the Categories in its settings, then try again."
			).format(settings.name)
		)
	return direction


def sync_store_categories(
	store: str, trigger: str = "Manual", notify_user: str | None = None, on_progress: Progress = None
) -> SyncRun | None:
	"""One Sync Log per run. None when the store (no longer) syncs categories and nobody asked."""
	settings = frappe.get_doc(SETTINGS, store)
	if trigger == "Scheduler" and (
		not settings.enabled or settings.get("category_direction") != CATEGORIES_TO_WOOCOMMERCE
	):
		return None
	direction = check_direction(settings)
	with sync_run(store, trigger, "category sync") as run:
		run.note(_("Categories: {0}, below Item Group {1}.").format(_(direction), settings.category_root))
		with get_client(settings) as client:
			categories = [
				Category.from_json(c) for c in client.iter_all(ENDPOINT, {"orderby": "id", "order": "asc"})
			]
			tree = CategoryTree(
				settings,
				client,
				run,
				progress_reporter("woocommerce_categories_progress", store, notify_user, on_progress),
			)
			if direction == CATEGORIES_TO_WOOCOMMERCE:
				tree.push(categories)
			else:
				tree.pull(categories)
	if notify_user:
		frappe.publish_realtime(
			"woocommerce_categories_done",
			{"store": store, "sync_log": run.name, "error": run.error, **run.counts},
			user=notify_user,
		)
	return run


def count_to_sync(store: str) -> int:
	"""How many objects a run walks, for a progress bar: the groups below the root (push), or the
	store's categories (pull; one request, per_page=1)."""
	settings = frappe.get_doc(SETTINGS, store)
	if check_direction(settings) == CATEGORIES_TO_WOOCOMMERCE:
		lft, rgt = frappe.db.get_value("Item Group", settings.category_root, ["lft", "rgt"])
		return frappe.db.count("Item Group", {"lft": (">", lft), "rgt": ("<", rgt)})
	with get_client(settings) as client:
		response = client.request("GET", ENDPOINT, params={"per_page": 1})
	return int(response.headers.get("X-WP-Total") or 0)


def product_categories(settings: Document, item_group: str | None) -> list[dict] | None:
	"""The `categories` of an exported product: its Item's group's category, when the store's
	categories follow ERPNext and that group has one; None leaves the product's categories alone."""
	if settings.get("category_direction") != CATEGORIES_TO_WOOCOMMERCE or not item_group:
		return None
	category_id = frappe.db.get_value(
		CATEGORY_LINK, {"store": settings.name, "item_group": item_group}, "category_id"
	)
	return [{"id": category_id}] if category_id else None


# Both directions ------------------------------------------------------------------------------


class CategoryTree:
	def __init__(self, settings, client: WooCommerceClient, run: SyncRun, progress: Callable[[int], None]):
		self.settings = settings
		self.store = settings.name
		self.root = settings.category_root
		self.client = client
		self.run = run
		self.progress = progress
		self.groups = self._groups()
		self.links = self._links()

	def _links(self) -> dict[str, frappe._dict]:
		rows = frappe.get_all(
			CATEGORY_LINK,
			filters={"store": self.store},
			fields=["name", "item_group", "category_id", "synced_name"],
		)
		return {row.item_group: row for row in rows}

	def _groups(self) -> dict[str, Group]:
		"""The Item Groups below the root (the root itself is not a category)."""
		lft, rgt = frappe.db.get_value("Item Group", self.root, ["lft", "rgt"])
		rows = frappe.get_all(
			"Item Group",
			filters={"lft": (">", lft), "rgt": ("<", rgt)},
			fields=["name", "parent_item_group"],
			order_by="lft asc",
		)
		return {
			r.name: Group(r.name, None if r.parent_item_group == self.root else r.parent_item_group)
			for r in rows
		}

	def _link_rows(self) -> list[Link]:
		return [Link(row.item_group, row.category_id, row.synced_name or "") for row in self.links.values()]

	def link(self, group: str, category_id: int, name: str) -> None:
		current = self.links.get(group)
		if current and current.category_id == category_id:
			frappe.db.set_value(CATEGORY_LINK, current.name, "synced_name", name)
			current.synced_name = name
			return
		if current:
			frappe.delete_doc(CATEGORY_LINK, current.name, ignore_permissions=True, force=True)
		doc = frappe.get_doc(
			{
				"doctype": CATEGORY_LINK,
				"store": self.store,
				"item_group": group,
				"category_id": category_id,
				"synced_name": name,
			}
		).insert(ignore_permissions=True)
		self.links[group] = frappe._dict(
			name=doc.name, item_group=group, category_id=category_id, synced_name=name
		)

	def unlink(self, group: str) -> None:
		row = self.links.pop(group, None)
		if row:
			frappe.delete_doc(CATEGORY_LINK, row.name, ignore_permissions=True, force=True)

	def fail(self, what: str, reference: tuple[str, str] | None, message: str) -> None:
		self.run.fail(
			what, _("Store {0}, {1}: {2}").format(self.store, what, escape_html(message)), reference=reference
		)

	# ERPNext -> WooCommerce ----------------------------------------------------------------------

	def push(self, categories: list[Category]) -> None:
		plan = push_plan(self.groups.values(), categories, self._link_rows())
		for group in plan.recreated:
			self.run.note(
				_("The category of Item Group {0} was deleted in the store; it is created again.").format(
					group
				)
			)
			self.unlink(group)
		for level in plan.create:
			self._push_level(level)
		self._push_updates(plan.update)
		frappe.db.commit()
		self.run.counts["skipped"] += len(self.groups) - len(plan.update) - sum(map(len, plan.create))

	def _category_of(self, group: str | None) -> int | None:
		if group is None:
			return 0
		row = self.links.get(group)
		return row.category_id if row else None

	def _push_level(self, level: list[str]) -> None:
		creates, groups = [], []
		for group in level:
			parent = self._category_of(self.groups[group].parent)
			if parent is None:
				self.fail(
					f"Item Group {group}", ("Item Group", group), _("its parent group has no category yet")
				)
				continue
			creates.append({"name": group, "parent": parent})
			groups.append(group)
		answers = self.client.batch(ENDPOINT, create=creates)["create"]
		for group, answer in zip(groups, answers, strict=False):
			error = answer.get("error") if isinstance(answer, dict) else None
			existing = (error or {}).get("data", {}).get("resource_id") if error else None
			if error and error.get("code") == "term_exists" and existing:
				self.link(group, int(existing), group)  # the store has it already: link, never duplicate
				self.run.count("updated")
			elif error:
				self.fail(
					f"Item Group {group}",
					("Item Group", group),
					str(error.get("message") or error.get("code")),
				)
			else:
				self.link(group, int(answer["id"]), group)
				self.run.count("created")
		frappe.db.commit()
		self.progress(len(level))

	def _push_updates(self, groups: list[str]) -> None:
		updates, names = [], []
		for group in groups:
			parent = self._category_of(self.groups[group].parent)
			category_id = self._category_of(group)
			if category_id is None or parent is None:
				continue  # its creation failed above, and is in the Sync Log
			updates.append({"id": category_id, "name": group, "parent": parent})
			names.append(group)
		answers = self.client.batch(ENDPOINT, update=updates)["update"] if updates else []
		for group, answer in zip(names, answers, strict=False):
			error = answer.get("error") if isinstance(answer, dict) else None
			if error:
				self.fail(
					f"Item Group {group}",
					("Item Group", group),
					str(error.get("message") or error.get("code")),
				)
			else:
				self.link(group, int(answer["id"]), group)
				self.run.count("updated")
		self.progress(len(names))

	# WooCommerce -> ERPNext ----------------------------------------------------------------------

	def pull(self, categories: list[Category]) -> None:
		by_id = {category.id: category for category in categories}
		parents = {category.parent for category in categories}
		plan = pull_plan(categories, self.groups.values(), self._link_rows())
		for group in plan.unlink:
			self.run.note(
				_(
					"The category of Item Group {0} was deleted in the store; the group is kept, unlinked."
				).format(group)
			)
			self.unlink(group)
			self.run.count("updated")
		frappe.db.commit()
		for level in plan.create:
			for category_id in level:
				self._guarded(by_id[category_id], lambda c: self._create_group(c, c.id in parents))
			self.progress(len(level))
		for category_id in plan.update:
			self._guarded(by_id[category_id], self._update_group)
		self.progress(len(plan.update))
		self.run.counts["skipped"] += len(categories) - len(plan.update) - sum(map(len, plan.create))

	def _guarded(self, category: Category, work: Callable[[Category], str]) -> None:
		"""One category, one transaction: a refused one fails alone."""
		try:
			self.run.count(work(category))
			frappe.db.commit()
		except Exception as exc:
			frappe.db.rollback()
			self.links = self._links()  # what the rollback undid is not linked
			self.fail(f"category {category.id}", None, str(exc))

	def _group_of(self, category_id: int) -> str:
		"""The group a category's children go below: its linked group, else the root."""
		return next((g for g, row in self.links.items() if row.category_id == category_id), self.root)

	def _free_name(self, category: Category, current: str | None = None) -> str:
		"""The category's name, unless another Item Group has it: then "<name> (<id>)", or with the
		store's name too when even that is taken (a second store pulling into the same site)."""
		if category.name == current:
			return current
		candidates = (
			category.name,
			f"{category.name} ({category.id})",
			f"{category.name} ({self.store} {category.id})",
		)
		for name in candidates:
			if not frappe.db.exists("Item Group", name):
				return name
		frappe.throw(
			_(
				"Store {0}: every name for category {1} ({2}) is taken by another Item Group; rename one of them."
			).format(self.store, category.id, escape_html(category.name))
		)

	def _create_group(self, category: Category, has_children: bool) -> str:
		"""A group below the root of the category's name that no category of the store has is
		adopted (made by hand before the first pull); otherwise a new group is made."""
		parent = self._group_of(category.parent)
		self._make_group_node(parent)
		if category.name in self.groups and category.name not in self.links:
			self.link(category.name, category.id, category.name)
			self._move(category.name, parent)
			return "updated"
		doc = frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": self._free_name(category),
				"parent_item_group": parent,
				"is_group": 1 if has_children else 0,
			}
		)
		doc.flags.from_woocommerce = True
		doc.insert(ignore_permissions=True)
		self.link(doc.name, category.id, category.name)
		return "created"

	def _move(self, group: str, parent: str) -> None:
		if frappe.db.get_value("Item Group", group, "parent_item_group") != parent:
			self._make_group_node(parent)
			doc = frappe.get_doc("Item Group", group)
			doc.parent_item_group = parent
			doc.flags.from_woocommerce = True
			doc.save(ignore_permissions=True)

	def _update_group(self, category: Category) -> str:
		group = self._group_of(category.id)
		if category.name != self.links[group].synced_name:
			new_name = self._free_name(category, current=group)
			if new_name != group:
				old = group
				group = rename_doc(
					doctype="Item Group",
					old=old,
					new=new_name,
					force=True,
					ignore_permissions=True,
					show_alert=False,
				)
				self.links[group] = self.links.pop(old)  # rename_doc re-pointed the link's Item Group
				self.links[group].item_group = group
		self._move(group, self._group_of(category.parent))
		self.link(group, category.id, category.name)
		return "updated"

	def _make_group_node(self, group: str) -> None:
		"""A group that gets children must be a group node."""
		if group != self.root and not frappe.db.get_value("Item Group", group, "is_group"):
			frappe.db.set_value("Item Group", group, "is_group", 1)
