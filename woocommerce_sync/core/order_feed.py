"""Orders modified since a moment, oldest first, a page at a time, none lost while the shop works.

Page numbers over `orderby=modified` shift when an order is modified during the run (it moves to
the end, the rest move up one place) and an unchanged order falls between two pages for good.
So every request starts again after the newest order already seen (keyset paging), excluding
the orders already handled at that boundary second; that also costs exactly ceil(N/100) calls.
When more orders share that second than one `exclude=` should name (a bulk edit, an import
plugin), that second is read on its own by id through offset pages, and the feed goes on after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from woocommerce_sync.core.client import MAX_PER_PAGE, WooCommerceClient

# WooCommerce dates have whole seconds; a second of overlap makes the boundary safe whether
# the store treats modified_after as exclusive or inclusive.
BOUNDARY = timedelta(seconds=1)
# Ids in one `exclude=`: the URL stays short however many orders share a second (a bulk edit).
MAX_EXCLUDE = 100


@dataclass
class OrderPage:
	orders: list[dict]
	# Safe to store as the cursor once this page is handled; None for orders fetched by id,
	# which say nothing about the orders between the cursor and them.
	newest_modified: datetime | None
	gone: list[int] = field(default_factory=list)  # asked for by id, deleted in the store
	# asked for by id, the store answered a 404 that is not WooCommerce's own: retried, never acted on
	unreadable: dict[int, Exception] = field(default_factory=dict)


def parse_gmt(value: str) -> datetime:
	"""WooCommerce's `*_gmt` fields are UTC without an offset."""
	return datetime.fromisoformat(value[:19]).replace(tzinfo=timezone.utc)


def format_gmt(moment: datetime) -> str:
	return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def modified_params(since: datetime, statuses: list[str] | None = None) -> dict[str, str]:
	"""The list query for orders modified after `since`; also used to count them up front."""
	params = {
		"modified_after": format_gmt(since - BOUNDARY),
		"dates_are_gmt": "true",
		"orderby": "modified",
		"order": "asc",
	}
	if statuses:
		params["status"] = ",".join(statuses)
	return params


def modified_at(order: object) -> datetime | None:
	"""The order's `date_modified_gmt`, or None when it is missing or not a date: such an order is
	still handed to the importer (which fails it alone if it cannot be read), it only says nothing
	about how far the cursor may move."""
	value = order.get("date_modified_gmt") if isinstance(order, dict) else None
	if not isinstance(value, str):
		return None
	try:
		return parse_gmt(value)
	except (ValueError, OverflowError):
		return None


def iter_modified_orders(
	client: WooCommerceClient,
	since: datetime,
	statuses: list[str] | None = None,
	per_page: int = MAX_PER_PAGE,
) -> Iterator[OrderPage]:
	"""Pages of orders modified since `since`, oldest first; each page's `newest_modified` is safe
	to store as the cursor once it is handled (None when no order of the page has a date)."""
	cursor = since
	handled_near_cursor: dict[int, datetime] = {}
	while True:
		params = {**modified_params(cursor, statuses), "per_page": per_page}
		if handled_near_cursor:
			params["exclude"] = ",".join(str(i) for i in sorted(handled_near_cursor))
		response = client.request("GET", "orders", params=params)
		orders = response.data if isinstance(response.data, list) else []
		if not orders:
			return
		dated = [moment for moment in map(modified_at, orders) if moment]
		newest = max([*dated, cursor])
		yield OrderPage(orders, newest if dated else None)
		total = _int(response.headers.get("X-WP-Total"))
		if total is not None and total <= len(orders):
			return
		new_ids = {_id(order) for order in orders} - set(handled_near_cursor) - {None}
		if not new_ids:
			return  # the store answered only orders already read: nothing more to gain
		cursor = newest
		for order_id in new_ids:
			handled_near_cursor[order_id] = _modified_or(orders, order_id, cursor)
		handled_near_cursor = _near(handled_near_cursor, cursor)
		if len(handled_near_cursor) > MAX_EXCLUDE:
			# More orders share the cursor's second than one `exclude=` may name: read that second on
			# its own, then go on after it.
			yield from _one_second(client, cursor, statuses, per_page, set(handled_near_cursor))
			cursor += BOUNDARY
			handled_near_cursor = {}


def _near(handled: dict[int, datetime], cursor: datetime) -> dict[int, datetime]:
	"""The handled orders the next request must exclude: those of the cursor's second, and those of
	the second before while there is room (only a store whose `modified_after` includes its own
	second would send them again)."""
	at_cursor = {i: m for i, m in handled.items() if m >= cursor}
	before = [i for i, m in handled.items() if cursor - BOUNDARY <= m < cursor]
	room = max(MAX_EXCLUDE - len(at_cursor), 0)
	return {**{i: handled[i] for i in before[:room]}, **at_cursor}


def _one_second(
	client: WooCommerceClient,
	second: datetime,
	statuses: list[str] | None,
	per_page: int,
	handled: set[int],
) -> Iterator[OrderPage]:
	"""Every order modified in `second`, by id, through `offset` pages that overlap by one order.

	An order modified again meanwhile leaves this second (it comes back later, in its new one) and
	moves the rest one place up; when a page does not start at the last order read, the walk steps
	back until it does, so nobody in between is lost. No order can enter a second that is over."""
	params = {
		"modified_after": format_gmt(second - BOUNDARY),
		"modified_before": format_gmt(second + BOUNDARY),
		"dates_are_gmt": "true",
		"orderby": "id",
		"order": "asc",
		"per_page": per_page,
	}
	if statuses:
		params["status"] = ",".join(statuses)
	offset, last_id = 0, 0
	while True:
		response = client.request("GET", "orders", params={**params, "offset": offset})
		orders = [o for o in (response.data if isinstance(response.data, list) else []) if _id(o)]
		if offset and (not orders or _id(orders[0]) > last_id):
			# The page overlaps the last one by an order; not seeing it means orders left: step back.
			offset = max(offset - per_page + 1, 0)
			continue
		if not orders:
			return
		fresh = [o for o in orders if _id(o) > last_id and _id(o) not in handled]
		if fresh:
			yield OrderPage(fresh, second)
		last_id = max(last_id, _id(orders[-1]))
		if len(response.data) < per_page:
			return
		offset += len(response.data) - 1


def _id(order: object) -> int | None:
	order_id = order.get("id") if isinstance(order, dict) else None
	return order_id if isinstance(order_id, int) and not isinstance(order_id, bool) else None


def _modified_or(orders: list, order_id: int, default: datetime) -> datetime:
	"""When this page's order was modified; an undated one counts as of the cursor's second."""
	return next((modified_at(o) for o in orders if _id(o) == order_id), None) or default


def _int(value: str | None) -> int | None:
	try:
		return int(value) if value is not None else None
	except ValueError:
		return None
