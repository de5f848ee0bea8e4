"""Keyset paging over modified orders against the fake store."""

import math
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from woocommerce_sync.core.client import Response, WooCommerceClient
from woocommerce_sync.core.order_feed import MAX_EXCLUDE, iter_modified_orders

ORDERS = "/wp-json/wc/v3/orders"
START = datetime(2027, 1, 1, tzinfo=timezone.utc)  # after the recorded orders


def client_for(store):
	return WooCommerceClient(store.url, store.consumer_key, store.consumer_secret, store_name="t")


def test_every_order_once_in_ceil_n_over_100_requests(fake_store):
	made = {o["id"] for o in fake_store.generate_orders(250, start=START)}
	fake_store.reset_counters()
	with client_for(fake_store) as client:
		pages = list(iter_modified_orders(client, START - timedelta(seconds=5)))
	seen = [o["id"] for page in pages for o in page.orders]
	assert sorted(seen) == sorted(made)
	assert fake_store.request_count("GET", ORDERS) == math.ceil(250 / 100)
	assert pages[-1].newest_modified == START + timedelta(seconds=249)


def test_nothing_changed_costs_one_request(fake_store):
	fake_store.reset_counters()
	with client_for(fake_store) as client:
		assert list(iter_modified_orders(client, datetime(2099, 1, 1, tzinfo=timezone.utc))) == []
	assert fake_store.request_count("GET", ORDERS) == 1


def test_an_order_modified_during_the_run_loses_nobody(fake_store):
	made = [o["id"] for o in fake_store.generate_orders(250, start=START)]
	later = datetime(2027, 6, 1, tzinfo=timezone.utc)
	seen = []
	with client_for(fake_store) as client:
		for number, page in enumerate(iter_modified_orders(client, START - timedelta(seconds=5))):
			seen += [o["id"] for o in page.orders]
			if number == 0:
				# The shop edits an order of the first page: with page numbers, every later
				# order would move up one place and one would never be read.
				fake_store.set_time(later)
				client.put(f"orders/{made[10]}", {"customer_note": "changed"})
	assert set(made) <= set(seen)
	assert seen.count(made[10]) == 2, "the edited order comes again with its new modified time"


def test_ties_across_a_page_boundary(fake_store):
	same_second = START + timedelta(minutes=5)
	made = []
	for _ in range(150):
		order = fake_store.generate_orders(1, start=START)[0]
		fake_store.orders[order["id"]]["date_modified_gmt"] = same_second.strftime("%Y-%m-%dT%H:%M:%S")
		made.append(order["id"])
	with client_for(fake_store) as client:
		pages = list(iter_modified_orders(client, START))
	seen = [o["id"] for page in pages for o in page.orders]
	assert sorted(seen) == sorted(made)
	assert all(page.newest_modified == same_second for page in pages)


def test_status_filter_is_sent(fake_store):
	fake_store.generate_orders(3, start=START, status="on-hold")
	fake_store.generate_orders(2, start=START, status="pending")
	with client_for(fake_store) as client:
		pages = list(iter_modified_orders(client, START - timedelta(seconds=5), statuses=["pending"]))
	assert {o["status"] for page in pages for o in page.orders} == {"pending"}


def _url_length(request: dict) -> int:
	return len(request["path"]) + len(urlencode(request["query"]))


def _share_one_second(store, orders: list[dict], second: datetime) -> None:
	stamp = second.strftime("%Y-%m-%dT%H:%M:%S")
	for order in orders:
		store.orders[order["id"]]["date_modified_gmt"] = store.orders[order["id"]]["date_modified"] = stamp


def test_500_orders_in_one_second_are_each_read_once_with_short_urls(fake_store):
	"""A bulk edit stamps 500 orders with one second: `exclude=` would grow to 400 ids."""
	before = fake_store.generate_orders(30, start=START)
	crowd = fake_store.generate_orders(500, start=START + timedelta(minutes=1))
	after = fake_store.generate_orders(30, start=START + timedelta(minutes=2))
	second = START + timedelta(minutes=1)
	_share_one_second(fake_store, crowd, second)
	fake_store.reset_counters()
	with client_for(fake_store) as client:
		pages = list(iter_modified_orders(client, START - timedelta(seconds=5)))
	seen = [o["id"] for page in pages for o in page.orders]
	assert sorted(seen) == sorted(o["id"] for o in before + crowd + after), "every order exactly once"
	listings = [r for r in fake_store.requests if r["path"] == ORDERS]
	assert max(len(r["query"].get("exclude", "").split(",")) for r in listings) <= MAX_EXCLUDE
	assert max(_url_length(r) for r in listings) < 1000
	assert len(listings) <= math.ceil(560 / 99) + 4, len(listings)
	cursors = [page.newest_modified for page in pages]
	assert cursors == sorted(cursors), "the cursor never goes back"
	assert cursors[-1] == START + timedelta(minutes=2, seconds=29)


def test_orders_leaving_the_crowded_second_meanwhile_lose_nobody(fake_store):
	crowd = fake_store.generate_orders(400, start=START)
	second = START + timedelta(minutes=1)
	_share_one_second(fake_store, crowd, second)
	later = datetime(2027, 6, 1, tzinfo=timezone.utc)
	seen = []
	with client_for(fake_store) as client:
		for number, page in enumerate(iter_modified_orders(client, START)):
			seen += [o["id"] for o in page.orders]
			if number == 2:
				# The shop edits 150 orders already read: the rest of the second moves up 150 places.
				fake_store.set_time(later)
				for order in crowd[:150]:
					client.put(f"orders/{order['id']}", {"customer_note": "changed"})
	assert {o["id"] for o in crowd} <= set(seen)


def test_missing_and_odd_dates_do_not_stop_the_feed(fake_store):
	good = fake_store.generate_orders(3, start=START)
	odd = fake_store.generate_orders(1, start=START)[0]
	fake_store.orders[odd["id"]]["date_modified_gmt"] = "not a date"  # the store still lists it
	with client_for(fake_store) as client:
		pages = list(iter_modified_orders(client, START - timedelta(seconds=5)))
	assert {o["id"] for page in pages for o in page.orders} == {o["id"] for o in good} | {odd["id"]}
	assert pages[-1].newest_modified == START + timedelta(seconds=2)


class _Answers:
	"""A client answering one page of orders as a store or a plugin might have damaged them."""

	def __init__(self, orders: list):
		self.orders = orders
		self.calls = 0

	def request(self, method: str, endpoint: str, params: dict | None = None) -> Response:
		self.calls += 1
		data = self.orders if self.calls == 1 else []
		return Response(200, {"X-WP-Total": str(len(self.orders) + 1)}, data)


def test_dates_that_are_not_dates_say_nothing_about_the_cursor():
	orders = [
		{"id": 1, "date_modified_gmt": None},
		{"id": 2},
		{"id": 3, "date_modified_gmt": 1700000000},
		{"id": 4, "date_modified_gmt": "0000-00-00T00:00:00"},
		{"id": 5, "date_modified_gmt": "2027-01-01T00:00:07"},
		"not an order",
	]
	pages = list(iter_modified_orders(_Answers(orders), START))
	assert [o if isinstance(o, str) else o["id"] for o in pages[0].orders] == [1, 2, 3, 4, 5, "not an order"]
	assert pages[0].newest_modified == START + timedelta(seconds=7)
	undated = list(iter_modified_orders(_Answers(orders[:4]), START))
	assert undated[0].newest_modified is None, "no date in the page: the cursor stays"
