"""Keyset paging over modified orders against the fake store."""

import math
from datetime import datetime, timedelta, timezone

from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.order_feed import iter_modified_orders

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
