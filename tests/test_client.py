"""The WooCommerce client against the fake store over real HTTP."""

import json
import math
import socket
import time
import traceback
from dataclasses import asdict

import pytest
import requests

from woocommerce_sync.core.client import (
	BACKGROUND,
	INTERACTIVE,
	MAX_BATCH,
	WooCommerceAddressRefused,
	WooCommerceAuthError,
	WooCommerceBadResponse,
	WooCommerceClient,
	WooCommerceConnectionError,
	WooCommerceError,
	WooCommerceNotFound,
	WooCommerceRequestError,
	WooCommerceSlow,
	WooCommerceUnavailable,
	WooCommerceUnreadableAnswer,
)

ORDERS = "/wp-json/wc/v3/orders"


class Recorder:
	"""Collects request-log records and sleeps, so retries are checked without waiting."""

	def __init__(self):
		self.records = []
		self.sleeps = []

	def log(self, record):
		self.records.append(record)

	def sleep(self, seconds):
		self.sleeps.append(seconds)


@pytest.fixture
def recorder():
	return Recorder()


def make_client(store, recorder, **kwargs):
	options = dict(store_name="test-shop", on_request=recorder.log, sleep=recorder.sleep, timeout=(2, 5))
	options.update(kwargs)
	return WooCommerceClient(store.url, store.consumer_key, store.consumer_secret, **options)


def free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


# Pagination, look-ups and batches -----------------------------------------------------------------


def test_pagination_is_exact(fake_store, recorder):
	fake_store.generate_orders(250, status="partial-shipped")
	expected = sorted(o["id"] for o in fake_store.orders.values() if o["status"] == "partial-shipped")
	assert len(expected) == 250
	fake_store.reset_counters()
	with make_client(fake_store, recorder) as client:
		pages = list(
			client.iter_pages("orders", {"status": "partial-shipped", "orderby": "id", "order": "asc"})
		)
	assert [len(p) for p in pages] == [100, 100, 50]
	seen = [o["id"] for page in pages for o in page]
	assert seen == expected, "every order exactly once, in order"
	assert fake_store.request_count("GET", ORDERS) == 3
	assert [r.params["page"] for r in recorder.records] == [1, 2, 3]
	assert all(r.params["per_page"] == 100 for r in recorder.records)


def test_empty_list_costs_one_request(fake_store, recorder):
	fake_store.reset_counters()
	with make_client(fake_store, recorder) as client:
		assert list(client.iter_all("orders", {"modified_after": "2099-01-01T00:00:00"})) == []
	assert fake_store.request_count("GET", ORDERS) == 1


def test_per_page_over_100_is_refused_before_asking_the_store(fake_store, recorder):
	with make_client(fake_store, recorder) as client:
		with pytest.raises(ValueError):
			list(client.iter_pages("orders", per_page=101))
		# The store itself answers 400, as the real one does: not capped.
		with pytest.raises(WooCommerceRequestError) as raised:
			client.get("orders", {"per_page": 101})
	assert raised.value.status_code == 400
	assert raised.value.code == "rest_invalid_param"
	assert "test-shop" in str(raised.value)


def test_get_by_ids_uses_include_in_chunks_of_100(fake_store, recorder):
	ids = [o["id"] for o in fake_store.generate_orders(230)]
	fake_store.reset_counters()
	with make_client(fake_store, recorder) as client:
		found = client.get_by_ids("orders", ids + ids[:5])
	assert sorted(o["id"] for o in found) == sorted(ids)
	assert fake_store.request_count("GET", ORDERS) == math.ceil(230 / 100)


def test_batch_splits_into_calls_of_at_most_100(fake_store, recorder):
	orders = fake_store.generate_orders(250)
	fake_store.reset_counters()
	updates = [{"id": o["id"], "status": "completed"} for o in orders]
	with make_client(fake_store, recorder) as client:
		result = client.batch("orders", update=updates)
	assert len(result["update"]) == 250
	assert fake_store.request_count("POST", f"{ORDERS}/batch") == 3
	sizes = [len(json.loads(r.request_body)["update"]) for r in recorder.records]
	assert sizes == [MAX_BATCH, MAX_BATCH, 50]
	assert all(fake_store.orders[o["id"]]["status"] == "completed" for o in orders)


# Retries -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_are_retried_with_growing_backoff(fake_store, recorder, code):
	fake_store.inject_fault("status", times=3, code=code, path_prefix=ORDERS)
	with make_client(fake_store, recorder, backoff=1.0, max_retries=4) as client:
		order = client.get("orders/16")
	assert order["id"] == 16
	assert [r.status_code for r in recorder.records] == [code, code, code, 200]
	assert [r.attempt for r in recorder.records] == [1, 2, 3, 4]
	# Full jitter between half and all of 1, 2, 4 seconds.
	assert len(recorder.sleeps) == 3
	for sleep, ceiling in zip(recorder.sleeps, [1, 2, 4], strict=True):
		assert ceiling / 2 <= sleep <= ceiling


def test_retries_give_up_with_a_clear_error(fake_store, recorder):
	fake_store.inject_fault("status", times=10, code=503, path_prefix=ORDERS)
	with make_client(fake_store, recorder, max_retries=2) as client:
		with pytest.raises(WooCommerceUnavailable) as raised:
			client.get("orders/16")
	assert fake_store.request_count("GET", ORDERS) == 3
	message = str(raised.value)
	assert "test-shop" in message and "3 attempts" in message and "HTTP 503" in message


def test_rate_limit_honours_retry_after(fake_store, recorder):
	fake_store.inject_fault("rate_limit", times=1, retry_after=7, path_prefix=ORDERS)
	with make_client(fake_store, recorder) as client:
		assert client.get("orders/16")["id"] == 16
	assert recorder.sleeps == [7.0]
	assert [r.status_code for r in recorder.records] == [429, 200]


def test_timeout_is_enforced_and_retried(fake_store, recorder):
	fake_store.inject_fault("timeout", times=1, seconds=3, path_prefix=ORDERS)
	with make_client(fake_store, recorder, timeout=(1, 0.5)) as client:
		assert client.get("orders/16")["id"] == 16
	first = recorder.records[0]
	assert first.status_code is None and "timeout" in first.error
	assert first.duration_ms < 2000


def test_timeout_gives_up_after_the_limit(fake_store, recorder):
	fake_store.inject_fault("timeout", times=5, seconds=3, path_prefix=ORDERS)
	with make_client(fake_store, recorder, timeout=(1, 0.3), max_retries=1) as client:
		with pytest.raises(WooCommerceSlow) as raised:
			client.get("orders/16")
	assert "is slow" in str(raised.value) and "within 0.3 s" in str(raised.value)


def profile_client(store, recorder, profile):
	return make_client(
		store,
		recorder,
		sleep=time.sleep,
		timeout=profile.timeout,
		max_retries=profile.max_retries,
		deadline=profile.deadline,
		max_backoff=profile.max_backoff,
	)


def test_the_interactive_profile_gives_up_on_a_hanging_store_within_its_bound(fake_store, recorder):
	"""A person pressing a button waits 10 s at most, every call and retry included."""
	fake_store.latency = 60
	started = time.monotonic()
	with profile_client(fake_store, recorder, INTERACTIVE) as client:
		with pytest.raises(WooCommerceSlow) as raised:
			client.get("orders/16")
	elapsed = time.monotonic() - started
	assert elapsed <= INTERACTIVE.deadline + 0.5, elapsed
	assert len(recorder.records) == 2, "one retry"
	assert "is slow" in str(raised.value) and "within 10 s" in str(raised.value)


def test_the_interactive_deadline_covers_every_call_of_the_client(fake_store, recorder):
	"""Three slow calls of one action share the budget instead of taking 10 s each: the first two
	(3 s each) are answered, the third no longer fits in what is left."""
	fake_store.latency = 3
	started = time.monotonic()
	with profile_client(fake_store, recorder, INTERACTIVE) as client:
		client.get("orders/16")
		client.get("orders/16")
		with pytest.raises(WooCommerceSlow):
			client.get("orders/16")
	assert time.monotonic() - started <= INTERACTIVE.deadline + 0.5


def test_the_background_profile_waits_for_a_slow_store(fake_store, recorder):
	fake_store.latency = 1.5
	with profile_client(fake_store, recorder, BACKGROUND) as client:
		assert client.get("orders/16")["id"] == 16
	assert len(recorder.records) == 1


def test_truncated_json_is_retried(fake_store, recorder):
	fake_store.inject_fault("truncated", times=1, path_prefix=ORDERS)
	with make_client(fake_store, recorder) as client:
		assert client.get("orders/16")["id"] == 16
	assert len(recorder.records) == 2


def test_a_number_too_long_for_python_spoils_only_its_order(fake_store, recorder):
	"""Python converts no integer of more than 4,300 digits; one damaged order in a page of 100 must
	not make the page (and every hourly run after it) unreadable. The number stays text, which the
	order's mapping refuses for that order alone."""
	http = requests.Response()
	http.status_code = 200
	http.headers["Content-Type"] = "application/json"
	http._content = b'[{"id": 1, "customer_id": ' + b"9" * 5000 + b'}, {"id": 2, "customer_id": -7}]'
	with make_client(fake_store, recorder) as client:
		answer = client._decode("GET", "orders", http)
	assert answer.data == [{"id": 1, "customer_id": "9" * 5000}, {"id": 2, "customer_id": -7}]


def test_create_is_not_resent_after_a_server_error(fake_store, recorder):
	"""A 503 on create may hide a created order: resending could make a duplicate."""
	before = len(fake_store.orders)
	fake_store.inject_fault("status", times=1, code=503, path_prefix=ORDERS)
	with make_client(fake_store, recorder) as client:
		with pytest.raises(WooCommerceUnavailable):
			client.post("orders", {"status": "pending"})
	assert fake_store.request_count("POST", ORDERS) == 1
	assert len(fake_store.orders) == before


def test_create_is_resent_after_429(fake_store, recorder):
	before = len(fake_store.orders)
	fake_store.inject_fault("rate_limit", times=1, retry_after=1, path_prefix=ORDERS)
	with make_client(fake_store, recorder) as client:
		created = client.post("orders", {"status": "pending"})
	assert created["id"] in fake_store.orders
	assert len(fake_store.orders) == before + 1


# Errors a person can act on ----------------------------------------------------------------------


def test_bad_secret_reads_as_a_key_problem(fake_store, recorder):
	client = WooCommerceClient(
		fake_store.url, fake_store.consumer_key, "cs_wrong", store_name="test-shop", on_request=recorder.log
	)
	with client, pytest.raises(WooCommerceAuthError) as raised:
		client.get("orders")
	assert str(raised.value).startswith(
		"WooCommerce store test-shop refused the consumer key/secret: create a Read/Write key under "
		"WooCommerce > Settings > Advanced > REST API"
	)
	assert "(HTTP 401 woocommerce_rest_" in str(raised.value)
	assert len(recorder.records) == 1, "a 401 is not retried"


def test_injected_401_reads_as_a_key_problem(fake_store, recorder):
	fake_store.inject_fault("unauthorized", times=1, path_prefix=ORDERS)
	with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceAuthError) as raised:
		client.get("orders")
	assert raised.value.status_code == 401
	assert raised.value.code == "woocommerce_rest_cannot_view"


def test_html_answer_names_the_url_and_status(fake_store, recorder):
	fake_store.inject_fault("html", times=1, status=200, path_prefix=ORDERS)
	with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceBadResponse) as raised:
		client.get("orders")
	message = str(raised.value)
	assert f"{fake_store.url}/wp-json/wc/v3/orders answered HTTP 200" in message
	assert "instead of JSON" in message and "security plugin" in message


def test_json_nested_too_deeply_is_a_clear_error_on_record(fake_store, recorder):
	"""Deep nesting makes Python's JSON parser raise RecursionError, which is no ValueError."""
	fake_store.inject_fault("nested", times=5, path_prefix=ORDERS)
	fake_store.reset_counters()
	with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceUnreadableAnswer) as raised:
		client.get("orders")
	message = str(raised.value)
	assert message.startswith(f"WooCommerce store test-shop: {fake_store.url}/wp-json/wc/v3/orders ")
	assert "not a WooCommerce answer" in message
	assert isinstance(raised.value, WooCommerceBadResponse)
	assert fake_store.request_count("GET", ORDERS) == 1, "not retried: the store would answer the same"
	[record] = recorder.records
	assert (record.endpoint, record.status_code) == ("orders", 200)
	assert "nested too deeply" in record.error


def test_a_raised_error_carries_no_frame_holding_credentials(fake_store, recorder):
	"""Frappe's Error Log prints every frame's locals; the signed URL must not be among them."""
	for kind in ("html", "unauthorized", "nested"):
		fake_store.inject_fault(kind, times=1, path_prefix=ORDERS)
		with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceError) as raised:
			client.get("orders", {"status": "processing"})
		frames = [frame for frame, _line in traceback.walk_tb(raised.value.__traceback__)]
		assert frames, kind
		for frame in frames:
			shown = " ".join(repr(value) for value in frame.f_locals.values())
			assert fake_store.consumer_key not in shown, (kind, frame.f_code.co_name)
			assert "oauth_signature" not in shown, (kind, frame.f_code.co_name)


def test_html_404_suggests_permalinks(fake_store, recorder):
	fake_store.inject_fault("html", times=1, status=404, path_prefix="/wp-json/")
	with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceNotFound) as raised:
		client.get("system_status")
	assert "Permalinks" in str(raised.value)
	assert not raised.value.proves_deleted("orders")


def test_only_woocommerces_own_invalid_id_proves_a_deletion(fake_store, recorder):
	fake_store.inject_fault("status", times=1, code=404, path_prefix=f"{ORDERS}/999999")
	with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceNotFound) as raised:
		client.get("orders/999999")
	assert not raised.value.proves_deleted("orders"), "a plugin's JSON 404 says nothing about the order"


def test_missing_order_is_not_found(fake_store, recorder):
	with make_client(fake_store, recorder) as client, pytest.raises(WooCommerceNotFound) as raised:
		client.get("orders/999999")
	assert raised.value.code == "woocommerce_rest_shop_order_invalid_id"
	assert raised.value.proves_deleted("orders")
	assert not raised.value.proves_deleted("products")


def test_unreachable_store(recorder):
	url = f"http://127.0.0.1:{free_port()}"
	client = WooCommerceClient(
		url, "ck_x" * 10, "cs_x" * 10, store_name="gone", max_retries=1, sleep=recorder.sleep
	)
	with client, pytest.raises(WooCommerceConnectionError) as raised:
		client.get("orders")
	assert f"could not be reached at {url}" in str(raised.value)
	assert "Check the store URL" in str(raised.value)


# Secrets and connections -------------------------------------------------------------------------


def test_no_secret_reaches_a_log_record_or_an_error(fake_store, recorder):
	webhook_secret = "whsec-do-not-leak-9f8e7d"
	errors = []
	with make_client(fake_store, recorder, max_retries=1, timeout=(1, 0.3)) as client:
		client.get("orders", {"status": "processing"})
		client.post(
			"webhooks",
			{
				"name": "t",
				"topic": "order.created",
				"delivery_url": "http://127.0.0.1/x",
				"secret": webhook_secret,
			},
		)
		for kind, options in [
			("status", {"code": 500}),
			("timeout", {"seconds": 2}),
			("unauthorized", {}),
			("html", {"status": 403}),
		]:
			fake_store.inject_fault(kind, times=3, path_prefix=ORDERS, **options)
			try:
				client.get("orders/16")
			except Exception as exc:
				errors.append(exc)
			fake_store.clear_faults()
	gone = WooCommerceClient(
		f"http://127.0.0.1:{free_port()}",
		fake_store.consumer_key,
		fake_store.consumer_secret,
		on_request=recorder.log,
		sleep=recorder.sleep,
		max_retries=0,
	)
	with gone:
		try:
			gone.get("orders")
		except Exception as exc:
			errors.append(exc)
	assert len(errors) == 5
	secrets = [fake_store.consumer_key, fake_store.consumer_secret, webhook_secret]
	texts = [json.dumps(asdict(r), default=str) for r in recorder.records]
	texts += ["".join(traceback.format_exception(e)) for e in errors]
	for text in texts:
		for secret in secrets:
			assert secret not in text
		assert "oauth_signature=" not in text.replace("oauth_signature=***", "")
	assert any("connection error" in (r.error or "") for r in recorder.records)
	assert all("oauth_consumer_key" not in r.params for r in recorder.records)


def test_one_connection_is_reused_for_a_run(fake_store, recorder):
	fake_store.reset_counters()
	with make_client(fake_store, recorder) as client:
		for _ in range(5):
			client.get("orders/16")
		list(client.iter_all("orders"))
	assert fake_store.connections_opened == 1


def test_latency_is_measured(fake_store, recorder):
	fake_store.latency = 0.2
	with make_client(fake_store, recorder) as client:
		client.get("orders/16")
	assert recorder.records[0].duration_ms >= 200


def test_oauth_signs_a_slash_the_way_woocommerce_checks_it(fake_store, recorder):
	"""WooCommerce rawurlencodes "/" when it checks the signature; the woocommerce package does not."""
	import woocommerce

	official = woocommerce.API(
		url=fake_store.url, consumer_key=fake_store.consumer_key, consumer_secret=fake_store.consumer_secret
	)
	assert official.get("products", params={"sku": "TSHIRT/RED"}).status_code == 401
	with make_client(fake_store, recorder) as client:
		assert client.get("products", {"sku": "TSHIRT/RED"}) == []
		assert client.get("products", {"search": "a/b c:d"}) == []


def test_a_connection_that_reaches_a_refused_address_sends_nothing(fake_store, recorder):
	"""DNS rebinding: the host name passed the app's check, then the connection itself reached an
	address the site may not call. Refused at connect, before any byte (or the key) is sent, and
	not retried."""
	seen = []

	def refuse_loopback(address):
		seen.append(address)
		return address if address.startswith("127.") else None

	client = make_client(fake_store, recorder, peer_check=refuse_loopback)
	with pytest.raises(WooCommerceAddressRefused) as caught:
		client.get("orders")
	assert caught.value.detail == "127.0.0.1"
	assert "test-shop" in str(caught.value) and "127.0.0.1" in str(caught.value)
	assert seen == ["127.0.0.1"], "judged once: a refused address is not retried"
	assert recorder.sleeps == []
	assert fake_store.request_count() == 0
	assert [r.error for r in recorder.records] == ["address refused: 127.0.0.1"]


def test_a_connection_to_an_allowed_address_is_checked_once_and_kept(fake_store, recorder):
	seen = []
	client = make_client(fake_store, recorder, peer_check=lambda address: seen.append(address))
	answers = [client.get("orders") for _ in range(3)]
	assert answers[0] and answers[0] == answers[1] == answers[2]
	assert seen == ["127.0.0.1"], "the pooled connection is checked when opened, not per request"
	assert fake_store.request_count() == 3
