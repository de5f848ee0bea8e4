"""Which WooCommerce list page answers Frappe's (start, page length) in one request.

Frappe pages by offset, WooCommerce by page number with at most 100 per page. When the offset is
a multiple of the page length (Desk's paging always is) the answer is that page; otherwise the
smallest page size that holds the whole window in one page is used, and when none does (a long
window far from a page boundary) the page holding `start` is cut at its end, so a caller asking
for more sees a short page rather than the store being asked twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from woocommerce_sync.core.client import MAX_PER_PAGE


@dataclass(frozen=True)
class PageWindow:
	page: int  # WooCommerce's page number, from 1
	per_page: int
	skip: int  # rows of that page before `start`
	take: int  # rows wanted from there

	def cut(self, rows: list) -> list:
		return rows[self.skip : self.skip + self.take]


def page_window(start: int, length: int) -> PageWindow:
	start = max(int(start or 0), 0)
	length = min(max(int(length or 0), 1), MAX_PER_PAGE)
	for per_page in range(length, MAX_PER_PAGE + 1):
		page_index = start // per_page
		if (page_index + 1) * per_page >= start + length:
			return PageWindow(page_index + 1, per_page, start - page_index * per_page, length)
	page_index = start // MAX_PER_PAGE
	skip = start - page_index * MAX_PER_PAGE
	return PageWindow(page_index + 1, MAX_PER_PAGE, skip, MAX_PER_PAGE - skip)
