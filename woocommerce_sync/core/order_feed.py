"""Orders modified since a moment, oldest first, a page at a time, none lost while the shop works.

Page numbers over `orderby=modified` shift when an order is modified during the run (it moves to
the end, the rest move up one place) and an unchanged order falls between two pages for good.
So every request starts again after the newest order already seen (keyset paging), excluding
the orders already handled at that boundary second; that also costs exactly ceil(N/100) calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from woocommerce_sync.core.client import MAX_PER_PAGE, WooCommerceClient

# WooCommerce dates have whole seconds; a second of overlap makes the boundary safe whether
# the store treats modified_after as exclusive or inclusive.
BOUNDARY = timedelta(seconds=1)


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


def iter_modified_orders(
	client: WooCommerceClient,
	since: datetime,
	statuses: list[str] | None = None,
	per_page: int = MAX_PER_PAGE,
) -> Iterator[OrderPage]:
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
		newest = max(parse_gmt(o["date_modified_gmt"]) for o in orders)
		yield OrderPage(orders, max(newest, cursor))
		total = _int(response.headers.get("X-WP-Total"))
		if total is not None and total <= len(orders):
			return
		if newest > cursor:
			cursor = newest
		for order in orders:
			handled_near_cursor[order["id"]] = parse_gmt(order["date_modified_gmt"])
		handled_near_cursor = {i: m for i, m in handled_near_cursor.items() if m >= cursor - BOUNDARY}


def _int(value: str | None) -> int | None:
	try:
		return int(value) if value is not None else None
	except ValueError:
		return None
