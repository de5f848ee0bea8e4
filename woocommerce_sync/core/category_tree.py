"""The Item Group tree against a store's product categories: what to create, rename, move or unlink.

Pure decisions, no I/O. One side is the master, chosen per store:

- ERPNext -> WooCommerce (`push_plan`): the Item Groups below the shop's root are the categories.
  A group without a category, or whose category was deleted in the store, is created; a group
  whose category has another name or parent is updated. Creates come level by level, parents
  first, so every child is created with its parent's id. Nothing is ever deleted in the store.
- WooCommerce -> ERPNext (`pull_plan`): the categories are the Item Groups below the root. A
  category without a group gets one, parents first; a renamed category renames its group (the
  name it was last synced under is compared, so a group whose name had to be made unique does
  not churn); a moved one moves it. A group whose category was deleted in the store is only
  unlinked: the group, and the Items in it, stay.

WooCommerce answers term names HTML-escaped ("Hoodies &amp; Sweaters"); `Category.from_json`
unescapes them, so both sides compare plain text.
"""

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Group:
	"""An Item Group below the shop's root; `parent` None means directly below the root."""

	name: str
	parent: str | None


@dataclass(frozen=True)
class Category:
	"""A product category; `parent` 0 means top level."""

	id: int
	name: str
	parent: int

	@classmethod
	def from_json(cls, data: Mapping) -> "Category":
		return cls(int(data["id"]), html.unescape(str(data.get("name") or "")), int(data.get("parent") or 0))


@dataclass(frozen=True)
class Link:
	"""What the app remembers per store and Item Group: its category and the name last synced."""

	group: str
	category_id: int
	synced_name: str


@dataclass
class PushPlan:
	create: list[list[str]] = field(default_factory=list)  # groups by level, parents first
	update: list[str] = field(default_factory=list)  # linked groups whose category is renamed or moved
	recreated: list[str] = field(default_factory=list)  # linked, but the category was deleted in the store

	@property
	def empty(self) -> bool:
		return not (self.create or self.update)


@dataclass
class PullPlan:
	create: list[list[int]] = field(default_factory=list)  # category ids by level, parents first
	update: list[int] = field(default_factory=list)  # linked categories renamed or moved in the store
	unlink: list[str] = field(default_factory=list)  # groups whose category was deleted in the store

	@property
	def empty(self) -> bool:
		return not (self.create or self.update or self.unlink)


def push_plan(groups: Iterable[Group], categories: Iterable[Category], links: Iterable[Link]) -> PushPlan:
	groups = {group.name: group for group in groups}
	by_id = {category.id: category for category in categories}
	category_of = {link.group: link.category_id for link in links if link.group in groups}
	plan = PushPlan()
	missing = set()
	for name in groups:
		if name not in category_of:
			missing.add(name)
		elif category_of[name] not in by_id:
			missing.add(name)
			plan.recreated.append(name)
	plan.create = _levels(missing, lambda name: groups[name].parent)
	for name, group in groups.items():
		if name in missing:
			continue
		category = by_id[category_of[name]]
		wanted_parent = category_of.get(group.parent, 0) if group.parent else 0
		parent_new = group.parent in missing
		if category.name != name or parent_new or category.parent != wanted_parent:
			plan.update.append(name)
	return plan


def pull_plan(categories: Iterable[Category], groups: Iterable[Group], links: Iterable[Link]) -> PullPlan:
	by_id = {category.id: category for category in categories}
	groups = {group.name: group for group in groups}
	links = [link for link in links if link.group in groups]
	plan = PullPlan(unlink=sorted(link.group for link in links if link.category_id not in by_id))
	linked = {link.category_id: link for link in links if link.category_id in by_id}
	missing = {cid for cid in by_id if cid not in linked}

	def parent(cid: int) -> int | None:
		parent_id = by_id[cid].parent
		return parent_id if parent_id in by_id else None  # a parent outside the answer: top level

	plan.create = _levels(missing, parent)
	for cid, link in linked.items():
		category = by_id[cid]
		parent_id = parent(cid)
		wanted_parent = linked[parent_id].group if parent_id in linked else None
		if (
			category.name != link.synced_name
			or parent_id in missing
			or groups[link.group].parent != wanted_parent
		):
			plan.update.append(cid)
	plan.update.sort()
	return plan


def _levels(nodes: set, parent_of) -> list[list]:
	"""`nodes` by depth among themselves: a node comes after its parent when the parent is also a
	node, so each level's parents exist when it is written. A cycle is cut where it closes."""
	depth: dict = {}

	def depth_of(node, seen=()) -> int:
		if node not in depth:
			parent = parent_of(node)
			depth[node] = 0 if parent not in nodes or parent in seen else depth_of(parent, (*seen, node)) + 1
		return depth[node]

	levels: list[list] = []
	for node in sorted(nodes):
		level = depth_of(node)
		while len(levels) <= level:
			levels.append([])
		levels[level].append(node)
	return levels
