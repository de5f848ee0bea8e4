"""Counting the SQL statements a piece of work issues in this process, for the benchmarks' figures.

Every statement goes through `frappe.db.sql` (the ORM, the query builder, commits), so wrapping it
for the run counts them all. With `breakdown`, each statement is also filed by its shape (literals
replaced by ?), its table and the code that asked for it, to show where the queries go.
"""

import re
import sys
from collections import Counter
from unittest.mock import patch

import frappe

_STRINGS = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"")
_NUMBERS = re.compile(r"\b\d+(?:\.\d+)?\b")
_LISTS = re.compile(r"\(\s*\?(?:\s*,\s*\?)*\s*\)")
_SPACE = re.compile(r"\s+")
_TABLE = re.compile(r"`(tab[^`]+)`")
_TRACE = re.compile(r"/\* FRAPPE_TRACE_ID: [^*]*\*/")
# Frames of Frappe's own query plumbing: the caller shown is the first frame above them.
_PLUMBING = (
	"/frappe/database/",
	"/frappe/query_builder/",
	"/frappe/model/db_query.py",
	"/frappe/model/utils/",
	"/frappe/utils/caching.py",
	"/frappe/__init__.py",
	"/benchmarks/queries.py",
	"/pypika/",
)


class QueryCounter:
	"""Counts SQL statements while active: all of them, or those that mention `needle`."""

	def __init__(self, needle: str | None = None, breakdown: bool = False):
		self.needle = needle
		self.breakdown = breakdown
		self.count = 0
		self.shapes: Counter[str] = Counter()
		self.tables: Counter[str] = Counter()
		self.callers: Counter[str] = Counter()
		self._patch = None

	def __enter__(self) -> "QueryCounter":
		original = frappe.db.sql

		def counting(query, *args, **kwargs):
			text = str(query)
			if kwargs.get("run", True) and (self.needle is None or self.needle in text):
				self.count += 1
				if self.breakdown:
					self._file(text)
			return original(query, *args, **kwargs)

		self._patch = patch.object(frappe.db, "sql", counting)
		self._patch.start()
		return self

	def __exit__(self, *exc_info) -> None:
		self._patch.stop()

	def _file(self, text: str) -> None:
		shape = _shape(text)
		self.shapes[shape[:160]] += 1
		table = _TABLE.search(text)
		self.tables[table.group(1) if table else shape.split(" ")[0].lower()] += 1
		self.callers[_caller()] += 1

	def report(self, top: int = 25) -> str:
		"""The top statement shapes, tables and callers, with their counts."""
		lines = []
		for title, counter in (("tables", self.tables), ("callers", self.callers), ("shapes", self.shapes)):
			lines.append(f"-- top {top} {title} of {self.count} statements")
			lines.extend(f"{count:>7}  {key}" for key, count in counter.most_common(top))
		return "\n".join(lines)


def _shape(text: str) -> str:
	text = _TRACE.sub("", text)
	text = _NUMBERS.sub("?", _STRINGS.sub("?", text))
	text = _LISTS.sub("(?…)", text.replace("%s", "?"))
	return _SPACE.sub(" ", text).strip()


def _caller() -> str:
	"""`app frame < frappe frame`: the first frame outside the query plumbing, and the first frame
	outside frappe (ERPNext's or this app's code that led to it)."""
	frame = sys._getframe(2)
	first = app = None
	while frame and not app:
		path = frame.f_code.co_filename
		if not any(part in path for part in _PLUMBING):
			where = f"{_short(path)}:{frame.f_code.co_name}"
			first = first or where
			if "/frappe/frappe/" not in path and "/apps/frappe/" not in path:
				app = where
		frame = frame.f_back
	return first if first == app or not app else f"{app} < {first}"


def _short(path: str) -> str:
	for root in ("/apps/", "/site-packages/"):
		if root in path:
			return path.split(root, 1)[1]
	return path
