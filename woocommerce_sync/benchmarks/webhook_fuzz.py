"""Benchmark: a fuzz run against the webhook endpoint through gunicorn. Whatever a stranger (or a
broken proxy) sends, the answer is a 2xx or 4xx, and only deliveries the store really signed write
a row.

Run on a test site (it writes a store, its deliveries and a few Sales Orders, and starts and stops
its own gunicorn and RQ worker):
    bench --site <test site> execute woocommerce_sync.benchmarks.webhook_fuzz.run \\
        --kwargs "{'requests': 2000, 'concurrency': 10}"

The requests are spread evenly over the classes in CLASSES, each cycling through its variants, and
sent shuffled, `concurrency` at a time; replays repeat valid deliveries answered earlier in the
run. Each request carries `fuzz=<class>` in its query (Frappe passes no unknown argument on), so
that an Error Log row written for it names its class. Prints answers by class and status (and by
variant), delivery rows written per class, Error Log and Request Log rows written during the run,
5xx per class, p50/p99 answer times, then the secret scan. Figures are printed, never asserted.

Known, and outside the app: a body sent as application/json that Python's json cannot read
(malformed, a 5,000-digit integer, nested past the recursion limit, not UTF-8 at all) is parsed by
Frappe's make_form_dict (frappe/app.py, init_request) before any app code runs, and answered 500.
WooCommerce always sends valid JSON. Those 500s are printed under their class and variant.
"""

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import frappe
from frappe.deferred_insert import save_to_db
from frappe.utils import now_datetime

from woocommerce_sync.benchmarks.outcome import live_sales_orders
from woocommerce_sync.benchmarks.secret_scan import print_hits, scan
from woocommerce_sync.constants import REQUEST_LOG, WEBHOOK_DELIVERY
from woocommerce_sync.core.webhook import MAX_BODY_BYTES, signature
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.testing.site_server import queued_jobs_set_aside, run_workers, serve_site
from woocommerce_sync.testing.webhook_sender import ENDPOINT, Request, percentile, post_each, signed_delivery
from woocommerce_sync.tests.utils import make_importing_settings

SECRET = "fuzz-webhook-secret"
DISABLED_SECRET = "fuzz-disabled-store-secret"
ORDERS = 10  # valid deliveries name these; their jobs dedupe per order, so the drain stays short
FRAPPE_LIMIT_COPIES = 2  # bodies over Frappe's own 25 MB limit: two are proof enough
FRAPPE_LIMIT = 25 * 1024 * 1024
DEPTH = 100_000
DRAIN_TIMEOUT = 600


@dataclass
class Attempt:
	kind: str
	variant: str
	store: str | None  # the store= query value; None sends no store argument
	request: Request


@dataclass
class Answer:
	attempt: Attempt
	status: int
	ms: float


class Targets:
	"""What the fuzz aims at: an enabled store with a secret, a disabled one, orders in the fake
	store, and a run id that marks every delivery id it sends."""

	def __init__(self, fake: FakeWooCommerceStore):
		self.run_id = frappe.generate_hash(length=8)
		self.orders = fake.generate_orders(ORDERS, lines=2, status="processing")
		self.store = make_importing_settings(
			fake, store_name=f"fuzz-{self.run_id}", webhook_secret=SECRET
		).name
		self.disabled = make_importing_settings(
			fake, store_name=f"fuzz-off-{self.run_id}", webhook_secret=DISABLED_SECRET, enabled=0
		).name
		self._bodies: dict[str, bytes] = {}

	def delivery_id(self, kind: str, n: int) -> str:
		return f"fuzz-{self.run_id}-{kind}-{n}"

	def order(self, n: int) -> dict:
		return self.orders[n % len(self.orders)]

	def signed(self, kind: str, n: int, topic: str = "order.updated") -> Request:
		return signed_delivery(SECRET, topic, self.order(n), self.delivery_id(kind, n))

	def body(self, name: str, make: Callable[[], bytes]) -> bytes:
		"""Large bodies are made once and shared, so the run's memory stays small."""
		if name not in self._bodies:
			self._bodies[name] = make()
		return self._bodies[name]


def _resigned(headers: dict, body: bytes, secret: str = SECRET, **changes: str | None) -> Request:
	"""The headers signed over `body` with `secret`, with header changes (None drops a header)."""
	headers = {**headers, "X-WC-Webhook-Signature": signature(secret, body), **changes}
	return {k: v for k, v in headers.items() if v is not None}, body


def _valid(t: Targets, n: int) -> tuple[str, str | None, Request]:
	topic = ("order.created", "order.updated")[n % 2]
	return topic, t.store, t.signed("valid", n, topic)


def _unsigned(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, body = t.signed("unsigned", n)
	variant, value = (
		("no signature header", None),
		("empty signature", ""),
		("signature not base64", "!!not-base64!!"),
		("signature of the right length, all zeros", "A" * 43 + "="),
	)[n % 4]
	return (
		variant,
		t.store,
		(
			{**headers, "X-WC-Webhook-Signature": value}
			if value is not None
			else {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"},
			body,
		),
	)


def _tampered(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, _ = t.signed("tampered", n)
	if n % 2:
		other = json.dumps({**t.order(n + 1), "id": t.order(n)["id"]}).encode()
		return "signature of another order's body", t.store, (headers, other)
	order = {**t.order(n), "total": "0.01"}
	return "total changed after signing", t.store, (headers, json.dumps(order).encode())


def _wrong_secret(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, body = t.signed("wrong_secret", n)
	if n % 2:
		return "the disabled store's secret", t.store, _resigned(headers, body, DISABLED_SECRET)
	return "a guessed secret", t.store, _resigned(headers, body, "guessed-secret")


def _oversized(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, _ = t.signed("oversized", n)
	if n < FRAPPE_LIMIT_COPIES:
		big = t.body("25 MB", lambda: _padded(t.order(0), FRAPPE_LIMIT + 1))
		return "over Frappe's 25 MB limit, signed", t.store, _resigned(headers, big)
	big = t.body("2 MB", lambda: _padded(t.order(0), MAX_BODY_BYTES + 1))
	if n % 2:
		return "2 MB + 1 byte, unsigned", t.store, ({**headers, "X-WC-Webhook-Signature": "x"}, big)
	return "2 MB + 1 byte, signed", t.store, _resigned(headers, big)


def _padded(order: dict, size: int) -> bytes:
	"""A valid JSON order of exactly `size` bytes (a long customer note)."""
	body = json.dumps({**order, "customer_note": ""}).encode()
	return body.replace(b'"customer_note": ""', b'"customer_note": "' + b"x" * (size - len(body)) + b'"')


def _nested(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, _ = t.signed("nested", n)
	order_id = str(t.order(n)["id"]).encode()
	deep = t.body(
		"nested", lambda: b'{"id": ' + order_id + b', "meta_data": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"
	)
	variant = n % 3
	if variant == 0:
		return f"{DEPTH:,} deep, application/json", t.store, _resigned(headers, deep)
	if variant == 1:
		return f"{DEPTH:,} deep, no content type", t.store, _resigned(headers, deep, **{"Content-Type": None})
	shallow = json.dumps({**t.order(n), "meta_data": [{"key": "k", "value": _depth(200)}]}).encode()
	return "200 deep in meta_data, signed", t.store, _resigned(headers, shallow)


def _depth(levels: int) -> list:
	value: list = []
	for _ in range(levels):
		value = [value]
	return value


def _content_type(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, body = t.signed("content_type", n)
	variant, value = (
		("form-encoded, signed", "application/x-www-form-urlencoded"),
		("text/plain, signed", "text/plain"),
		("multipart without a boundary, signed", "multipart/form-data"),
		("form-encoded, unsigned", "application/x-www-form-urlencoded"),
	)[n % 4]
	headers = {**headers, "Content-Type": value}
	if "unsigned" in variant:
		del headers["X-WC-Webhook-Signature"]
	return variant, t.store, (headers, body)


def _non_utf8(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, _ = t.signed("non_utf8", n)
	order = {**t.order(n), "customer_note": "Müller, Straße"}
	variant = n % 3
	if variant == 0:
		latin1 = json.dumps(order, ensure_ascii=False).encode("latin-1")
		return "Latin-1 bytes in a string, signed", t.store, _resigned(headers, latin1)
	if variant == 1:
		utf16 = json.dumps(order).encode("utf-16")
		return "UTF-16, application/json, signed", t.store, _resigned(headers, utf16)
	return (
		"random bytes, unsigned",
		t.store,
		({**headers, "X-WC-Webhook-Signature": "x"}, random.randbytes(512)),
	)


INJECTED_STORES = (
	("SQL: ' OR '1'='1", "' OR '1'='1"),
	("SQL: DROP TABLE", "x'; DROP TABLE `tabSales Order`; --"),
	("path traversal", "../../../../etc/passwd"),
	("HTML", "<script>alert(1)</script>"),
	("NUL byte", "\x00"),
	("3,000 characters", "s" * 3000),
	("empty", ""),
	("no store argument", None),
	("a store that does not exist", "no-such-store"),
)


def _injection(t: Targets, n: int) -> tuple[str, str | None, Request]:
	"""Signed with the real store's secret: the store argument alone must decide."""
	variants = (
		*INJECTED_STORES,
		("a disabled store (signed with its secret)", t.disabled),
		("the store's name in capitals", t.store.upper()),
		("the store's name and a space", f"{t.store} "),
	)
	variant, store = variants[n % len(variants)]
	headers, body = t.signed("injection", n)
	if store == t.disabled:
		return variant, store, _resigned(headers, body, DISABLED_SECRET)
	return variant, store, (headers, body)


def _ping(t: Targets, n: int) -> tuple[str, str | None, Request]:
	form = {"Content-Type": "application/x-www-form-urlencoded"}
	variant = n % 3
	if variant == 0:
		return "webhook_id=<digits>", t.store, (form, f"webhook_id={n + 1}".encode())
	if variant == 1:
		return "webhook_id=<digits>, unknown store", "no-such-store", (form, f"webhook_id={n + 1}".encode())
	return "webhook_id=<not digits>", t.store, (form, b"webhook_id=1%20or%201=1")


def _malformed_json(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, body = t.signed("malformed_json", n)
	variant, bad = (
		("cut short, application/json", body[: len(body) // 2]),
		("trailing garbage, application/json", body + b"}}"),
		("single quotes, application/json", body.replace(b'"', b"'")),
		("cut short, text/plain", body[: len(body) // 2]),
		("empty body, signed", b""),
	)[n % 5]
	if "text/plain" in variant:
		return variant, t.store, _resigned(headers, bad, **{"Content-Type": "text/plain"})
	return variant, t.store, _resigned(headers, bad)


def _huge_integer(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, _ = t.signed("huge_integer", n)
	order = t.order(n)
	variant, text = (
		("5,000-digit customer_id, application/json", None),
		("5,000-digit customer_id, text/plain", None),
		("order id 2**70", json.dumps({**order, "id": 2**70})),
		("order id 1e400", json.dumps({**order, "id": 0}).replace('"id": 0', '"id": 1e400', 1)),
		("order id -1", json.dumps({**order, "id": -1})),
		('order id "123" (a string)', json.dumps({**order, "id": "123"})),
	)[n % 6]
	if text is None:
		text = json.dumps({**order, "customer_id": 0}).replace(
			'"customer_id": 0', f'"customer_id": {"9" * 5000}', 1
		)
	changes = {"Content-Type": "text/plain"} if "text/plain" in variant else {}
	return variant, t.store, _resigned(headers, text.encode(), **changes)


def _wrong_topic(t: Targets, n: int) -> tuple[str, str | None, Request]:
	headers, body = t.signed("wrong_topic", n)
	topic = ("product.updated", "", "ORDER.CREATED<script>")[n % 3]
	return f"topic {topic!r}", t.store, _resigned(headers, body, **{"X-WC-Webhook-Topic": topic or None})


# class -> what it builds for its n-th request: (variant, store argument, request); "replayed"
# repeats valid requests already answered, see attempts()
CLASSES: dict[str, Callable[[Targets, int], tuple[str, str | None, Request]]] = {
	"valid": _valid,
	"unsigned": _unsigned,
	"tampered": _tampered,
	"wrong_secret": _wrong_secret,
	"oversized": _oversized,
	"nested": _nested,
	"content_type": _content_type,
	"non_utf8": _non_utf8,
	"injection": _injection,
	"ping": _ping,
	"malformed_json": _malformed_json,
	"huge_integer": _huge_integer,
	"wrong_topic": _wrong_topic,
}
KINDS = (*CLASSES, "replayed")


def attempts(t: Targets, total: int, rng: random.Random) -> list[Attempt]:
	"""`total` requests, as many of each class, shuffled; replays (of valid requests) only in the
	second half, after the deliveries they repeat."""
	per_class = -(-total // len(KINDS))
	made = {kind: [Attempt(kind, *build(t, n)) for n in range(per_class)] for kind, build in CLASSES.items()}
	first, second = [], []
	for items in made.values():
		cut = (len(items) + 1) // 2
		first += items[:cut]
		second += items[cut:]
	originals = made["valid"][: (per_class + 1) // 2]
	second += [Attempt("replayed", "same delivery id and body again", o.store, o.request) for o in originals]
	second += [
		Attempt("replayed", "same again, twice", o.store, o.request)
		for o in originals[: per_class - len(originals)]
	]
	rng.shuffle(first)
	rng.shuffle(second)
	return (first + second)[:total]


def send(url: str, batch: list[Attempt], concurrency: int) -> list[Answer]:
	def address(attempt: Attempt) -> str:
		query = {"fuzz": attempt.kind, **({} if attempt.store is None else {"store": attempt.store})}
		return f"{url}{ENDPOINT}?{urlencode(query)}"

	answers = post_each([(address(a), a.request) for a in batch], concurrency)
	return [Answer(attempt, status, ms) for attempt, (status, ms) in zip(batch, answers, strict=True)]


def delivery_rows(t: Targets) -> Counter:
	"""Delivery rows this run wrote, per class (by the class in their delivery id); a replay's row
	would repeat a valid row's delivery id and body."""
	rows = frappe.get_all(
		WEBHOOK_DELIVERY,
		filters={"delivery_id": ("like", f"fuzz-{t.run_id}-%")},
		fields=["delivery_id", "body_hash"],
	)
	counted = Counter(row.delivery_id.split("-")[2] for row in rows)
	repeats = len(rows) - len({(row.delivery_id, row.body_hash) for row in rows})
	counted["valid"] -= repeats
	counted["replayed"] += repeats
	counted["ping"] = frappe.db.count(  # a ping carries no delivery id
		WEBHOOK_DELIVERY, {"store": ("in", [t.store, t.disabled]), "delivery_id": ("is", "not set")}
	)
	return counted


def error_log_rows(since, kinds) -> Counter:
	"""Error Log rows written since `since`, per class (Frappe's traceback shows the request's URL,
	and with it fuzz=<class>); rows naming none are "(no class)"."""
	counted: Counter = Counter()
	for error in frappe.get_all("Error Log", filters={"creation": (">=", since)}, pluck="error"):
		kind = next(
			(k for k in kinds if f"fuzz={k}&" in (error or "") or f"fuzz={k}'" in (error or "")), None
		)
		counted[kind or "(no class)"] += 1
	return counted


def run(requests: int = 2000, concurrency: int = 10, web_workers: int | None = None, seed: int = 7) -> dict:
	rng = random.Random(seed)
	random.seed(seed)
	web_workers = web_workers or frappe.conf.get("gunicorn_workers") or 4
	started_at = now_datetime()
	with FakeWooCommerceStore() as fake:
		t = Targets(fake)
		frappe.db.commit()
		batch = attempts(t, requests, rng)
		with queued_jobs_set_aside() as held, serve_site(workers=web_workers) as url:
			started = time.perf_counter()
			answers = send(url, batch, concurrency)
			seconds = time.perf_counter() - started
			save_to_db()  # the Error Log rows Frappe deferred to Redis
			frappe.db.commit()
			rows = delivery_rows(t)
			errors = error_log_rows(started_at, KINDS)
			request_logs = _request_logs(t)
			with run_workers(1, queues="short"):
				drained = _drain(t.store)
		orders_made = len(live_sales_orders(t.store))
	save_to_db()  # the Request Log rows the worker deferred
	frappe.db.commit()
	figures = _figures(answers, rows, errors, seconds, concurrency, web_workers)
	figures.update(
		{
			"Request Log rows of its stores, during the requests": request_logs,
			"Request Log rows of its stores, by the drain's jobs": _request_logs(t) - request_logs,
			"deliveries still queued after the drain": drained,
			f"Sales Orders made (of {ORDERS} orders named)": orders_made,
			"stale jobs set aside": held,
			"store": t.store,
		}
	)
	for key, value in figures.items():
		print(f"{key:<52}{value}")
	print_hits(scan(started_at))
	return figures


def _figures(
	answers: list[Answer], rows: Counter, errors: Counter, seconds: float, concurrency, web_workers
) -> dict:
	by_kind: dict[str, list[Answer]] = defaultdict(list)
	for answer in answers:
		by_kind[answer.attempt.kind].append(answer)
	figures: dict = {
		"requests": len(answers),
		"concurrency / gunicorn workers": f"{concurrency} / {web_workers}",
		"seconds": round(seconds, 1),
	}
	for kind in KINDS:
		items = by_kind[kind]
		statuses = dict(sorted(Counter(a.status for a in items).items()))
		ms = [a.ms for a in items]
		figures[f"{kind}: answers by status"] = statuses
		figures[f"{kind}: delivery rows / Error Log rows"] = f"{rows.get(kind, 0)} / {errors.get(kind, 0)}"
		figures[f"{kind}: 5xx"] = sum(n for status, n in statuses.items() if status >= 500)
		figures[f"{kind}: p50 / p99 ms"] = f"{percentile(ms, 0.5):.0f} / {percentile(ms, 0.99):.0f}"
		variants: dict[str, Counter] = defaultdict(Counter)
		for a in items:
			variants[a.attempt.variant][a.status] += 1
		for variant, counted in variants.items():
			figures[f"    {kind}: {variant}"] = dict(sorted(counted.items()))
	everything = [a.ms for a in answers]
	figures["5xx (all classes)"] = sum(1 for a in answers if a.status >= 500)
	figures["no answer (0: connection closed or timed out)"] = sum(1 for a in answers if not a.status)
	figures["Error Log rows not naming a class"] = errors.get("(no class)", 0)
	figures["p50 / p99 ms (all)"] = f"{percentile(everything, 0.5):.0f} / {percentile(everything, 0.99):.0f}"
	return figures


def _request_logs(t: Targets) -> int:
	"""Only the fuzz's stores: the rows other runs deferred to Redis are saved in the same window."""
	return frappe.db.count(REQUEST_LOG, {"store": ("in", [t.store, t.disabled])})


def _drain(store: str) -> int:
	"""Let the worker import the orders the valid deliveries queued; returns deliveries left queued."""
	deadline = time.monotonic() + DRAIN_TIMEOUT
	while True:
		frappe.db.rollback()  # a fresh snapshot of what the worker committed
		left = frappe.db.count(WEBHOOK_DELIVERY, {"store": store, "status": "Queued"})
		if not left or time.monotonic() > deadline:
			return left
		time.sleep(1)
