"""Webhook deliveries as WooCommerce sends them, posted many at once to a site under gunicorn
(site_server.serve_site), for the benchmarks that cross the whole HTTP stack."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from woocommerce_sync.core.webhook import signature
from woocommerce_sync.testing.site_server import site_headers

ENDPOINT = "/api/method/woocommerce_sync.webhook.receive"
ANSWER_TIMEOUT = 60  # seconds; WooCommerce gives up on a delivery after about as long

# (headers, raw body): what one POST sends
Request = tuple[dict[str, str], bytes]


def signed_delivery(secret: str, topic: str, order: dict, delivery_id: str) -> Request:
	"""The headers WooCommerce sends with an order webhook, signed over the raw body."""
	body = json.dumps(order).encode()
	return {
		"Content-Type": "application/json",
		"X-WC-Webhook-Topic": topic,
		"X-WC-Webhook-Resource": "order",
		"X-WC-Webhook-Event": topic.split(".")[1],
		"X-WC-Webhook-Delivery-ID": delivery_id,
		"X-WC-Webhook-Signature": signature(secret, body),
	}, body


def post_all(url: str, batch: list[Request], concurrency: int) -> list[tuple[int, float]]:
	"""POST each request to `url` (the endpoint with its query); see post_each."""
	return post_each([(url, request) for request in batch], concurrency)


def post_each(batch: list[tuple[str, Request]], concurrency: int) -> list[tuple[int, float]]:
	"""POST each request to its own URL, `concurrency` at a time, each thread keeping its connection;
	returns (status, milliseconds) per request, in order. A request that got no answer counts as
	status 0."""
	local = threading.local()
	host = site_headers()  # read here: frappe.local is not set in the pool's threads

	def post(item: tuple[str, Request]) -> tuple[int, float]:
		session = getattr(local, "session", None) or requests.Session()
		local.session = session
		url, (headers, body) = item
		started = time.perf_counter()
		try:
			status = session.post(
				url, headers={**host, **headers}, data=body, timeout=ANSWER_TIMEOUT
			).status_code
		except requests.RequestException:
			status = 0
		return status, (time.perf_counter() - started) * 1000

	with ThreadPoolExecutor(concurrency) as pool:
		return list(pool.map(post, batch))


def percentile(values: list[float], share: float) -> float:
	"""The value below which `share` of the values fall (nearest rank), e.g. 0.99 for p99."""
	ordered = sorted(values)
	return ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.5) - 1))]
