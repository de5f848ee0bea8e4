"""A WooCommerce REST API v3 fake served over real HTTP on 127.0.0.1, for both test tiers.

Seeded from answers recorded on a real WooCommerce 8.9.1 store (fixtures/), it authenticates like
WooCommerce (OAuth 1.0a over http, Basic or query keys), pages with X-WP-Total/X-WP-TotalPages,
filters like the real list endpoints, answers errors with WooCommerce's bodies, and lets a test
inject latency and faults and count requests and connections. Product images are media
attachments with ids, kept by id or downloaded from a src as WooCommerce does (a src it cannot
fetch refuses the request), and served at the src it answers.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import math
import random
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from urllib.request import urlopen

FIXTURES = Path(__file__).parent / "fixtures"
# Registered by WooCommerce itself; a plugin adds its own with register_order_status.
CORE_STATUSES = (
	"pending",
	"processing",
	"on-hold",
	"completed",
	"cancelled",
	"refunded",
	"failed",
	"checkout-draft",
)
API = "/wp-json/wc/v3/"
CENT = Decimal("0.01")


class ApiError(Exception):
	def __init__(self, status: int, code: str, message: str, data: dict | None = None):
		super().__init__(message)
		self.status, self.body = (
			status,
			{"code": code, "message": message, "data": {"status": status, **(data or {})}},
		)


def load_fixture(name: str) -> dict:
	return json.loads((FIXTURES / f"{name}.json").read_text())


def _empty_like(fixture: str) -> dict:
	"""Every field the recorded object has, empty: so made-up objects have the recorded shape."""
	blanks = {str: "", bool: False, int: 0, float: 0.0, list: [], dict: {}}
	template = load_fixture(fixture)["body"]
	return {k: copy.deepcopy(blanks.get(type(v))) for k, v in template.items() if k != "_links"}


def _blank_order() -> dict:
	"""Every field a real order has, empty."""
	order = _empty_like("order_get_registered")
	order.update(version="8.9.1", created_via="rest-api", currency_symbol="$", parent_id=0)
	return order


def _gmt(moment: datetime) -> str:
	return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")


def _money(value: Decimal) -> str:
	return str(value.quantize(CENT, ROUND_HALF_UP))


class FakeWooCommerceStore:
	"""Start with `with FakeWooCommerceStore() as store:`; talk to `store.url` with its keys."""

	def __init__(
		self, consumer_key: str | None = None, consumer_secret: str | None = None, seed: bool = True
	):
		self.consumer_key = consumer_key or "ck_" + hashlib.sha1(b"key").hexdigest()
		self.consumer_secret = consumer_secret or "cs_" + hashlib.sha1(b"secret").hexdigest()
		self.lock = threading.RLock()
		self.connection_lock = threading.Lock()
		self.latency = 0.0
		self.clock = lambda: datetime.now(timezone.utc)
		self.orders: dict[int, dict] = {}
		self.products: dict[int, dict] = {}
		self.variations: dict[int, dict] = {}
		self.customers: dict[int, dict] = {}
		self.categories: dict[int, dict] = {}
		# The Media Library: attachment id -> the image, its bytes and the path it is served at.
		self.media: dict[int, dict] = {}
		# Sideloading: WordPress downloads each new `src` (download_url). `fetch_image(src)` returns
		# (bytes, content type) or None when it cannot; the default fetches it over HTTP. A src in
		# `unreachable_images` fails as a download that failed.
		self.fetch_image = _fetch_over_http
		self.unreachable_images: set[str] = set()
		self.downloads: list[str] = []  # the paths of uploads served, in order
		# WooCommerce > Settings > Accounts and Emails: "generate password" and the New account e-mail
		# are on by default; every account created while the e-mail is on is noted here.
		self.generate_password = True
		self.new_account_email = True
		self.new_account_emails: list[str] = []
		self.webhooks: dict[int, dict] = {}
		self.refunds: dict[int, list[dict]] = {}
		self.notes: dict[int, list[dict]] = {}  # order id -> its notes, oldest first
		self.coupons: dict[int, dict] = {}
		self.taxes: dict[int, dict] = {}
		self.payment_gateways: list[dict] = []
		self.prices_include_tax = False
		# WooCommerce casts stock to an integer (wc_stock_amount) unless a plugin allows decimals.
		self.decimal_stock = False
		self.order_statuses = list(CORE_STATUSES)
		self.system_status = load_fixture("system_status")["body"]
		self.requests: list[dict] = []
		self.connections_opened = 0
		self._faults: list[dict] = []
		self._random_faults: dict | None = None
		self.faults_served: Counter = Counter()
		self._ids = itertools.count(1000)
		self._server: ThreadingHTTPServer | None = None
		if seed:
			self._seed()

	# Life cycle ----------------------------------------------------------------------------------

	@property
	def url(self) -> str:
		assert self._server, "start() the store first"
		return f"http://127.0.0.1:{self._server.server_address[1]}"

	def start(self, port: int = 0) -> FakeWooCommerceStore:
		store = self

		class Server(ThreadingHTTPServer):
			daemon_threads = True
			allow_reuse_address = True

			def process_request(self, request, client_address):
				# Not the store lock: a request holding it may make the store download its own upload.
				with store.connection_lock:
					store.connections_opened += 1
				super().process_request(request, client_address)

			def handle_error(self, request, client_address):
				if not isinstance(sys.exc_info()[1], ConnectionError):
					super().handle_error(request, client_address)  # a reader hanging up is no error

		self._server = Server(("127.0.0.1", port), _handler_for(self))
		threading.Thread(
			target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
		).start()
		return self

	def stop(self) -> None:
		if self._server:
			self._server.shutdown()
			self._server.server_close()
			self._server = None

	def __enter__(self) -> FakeWooCommerceStore:
		return self.start()

	def __exit__(self, *exc_info: object) -> None:
		self.stop()

	# Observability and faults --------------------------------------------------------------------

	def request_count(self, method: str | None = None, path_prefix: str | None = None) -> int:
		with self.lock:
			return sum(
				1
				for r in self.requests
				if (method is None or r["method"] == method)
				and (path_prefix is None or r["path"].startswith(path_prefix))
			)

	def reset_counters(self) -> None:
		with self.lock:
			self.requests.clear()
			self.connections_opened = 0
			self.faults_served.clear()

	def inject_fault(self, kind: str, times: int = 1, path_prefix: str | None = None, **options: Any) -> None:
		"""Queue a fault: status (code=500/502/503, html=False), rate_limit (retry_after=1),
		timeout (seconds=5, answers after that delay), truncated (a cut JSON body), unauthorized,
		html (status=200: a web page instead of JSON), nested (depth=100000: valid JSON nested deeper
		than Python's recursion limit), lost_answer (seconds=5: the store does the work, a created
		order included, then hangs and drops the connection, as a store that is slow to answer)."""
		self._check_kind(kind)
		with self.lock:
			self._faults.append({"kind": kind, "left": times, "path_prefix": path_prefix, **options})

	def inject_random_faults(
		self, rate: float, faults: list[dict], seed: int = 0, path_prefix: str | None = None
	) -> None:
		"""Besides the queued faults, answer about `rate` of the calls with one of `faults` (each a
		dict of inject_fault's kind and options, e.g. {"kind": "status", "code": 503}), chosen at
		random: a flaky store over a long run rather than a scripted one."""
		for fault in faults:
			self._check_kind(fault["kind"])
		with self.lock:
			self._random_faults = {
				"rate": rate,
				"faults": list(faults),
				"random": random.Random(seed),
				"path_prefix": path_prefix,
			}

	def clear_faults(self) -> None:
		with self.lock:
			self._faults.clear()
			self._random_faults = None

	def _take_fault(self, path: str) -> dict | None:
		with self.lock:
			for fault in self._faults:
				if fault["left"] > 0 and (not fault["path_prefix"] or path.startswith(fault["path_prefix"])):
					fault["left"] -= 1
					return self._served(fault)
			flaky = self._random_faults
			if flaky and (not flaky["path_prefix"] or path.startswith(flaky["path_prefix"])):
				if flaky["random"].random() < flaky["rate"]:
					return self._served(flaky["random"].choice(flaky["faults"]))
		return None

	@staticmethod
	def _check_kind(kind: str) -> None:
		kinds = {
			"status",
			"rate_limit",
			"timeout",
			"truncated",
			"unauthorized",
			"html",
			"nested",
			"lost_answer",
		}
		if kind not in kinds:
			raise ValueError(f"unknown fault {kind}")

	def _served(self, fault: dict) -> dict:
		self.faults_served[fault["kind"] if fault["kind"] != "status" else str(fault.get("code", 500))] += 1
		return fault

	# Data ----------------------------------------------------------------------------------------

	def _seed(self) -> None:
		for name in ("tax_rate_create_state", "tax_rate_create_county"):
			tax = load_fixture(name)["body"]
			self.taxes[tax["id"]] = tax
		self.payment_gateways = load_fixture("payment_gateways_list")["body"]
		for name in ("product_create_simple", "product_create_variable", "product_create_nosku"):
			product = load_fixture(name)["body"]
			self.products[product["id"]] = product
		for name in ("variation_create_m", "variation_create_l"):
			variation = load_fixture(name)["body"]
			self.variations[variation["id"]] = variation
			# The parent was recorded before its variations existed; link them as the store does.
			self.products[variation["parent_id"]]["variations"].append(variation["id"])
		customer = load_fixture("customer_create")["body"]
		self.customers[customer["id"]] = customer
		# WooCommerce's own default category, which the recorded products are in.
		for category in self.products[next(iter(self.products))]["categories"]:
			self.categories[category["id"]] = {
				**category,
				"parent": 0,
				"description": "",
				"display": "default",
				"image": None,
				"menu_order": 0,
				"count": len(self.products),
			}
		# Each order in the last state the real store showed, so recorded list answers compare exactly.
		for name in ("order_get_registered_after_refund", "order_get_guest", "order_get_fee"):
			order = load_fixture(name)["body"]
			self.orders[order["id"]] = self._with_gmt_dates(order)
		refund = load_fixture("refund_create_line")["body"]
		self.refunds[16] = [refund]
		coupon = {k: v for k, v in load_fixture("coupon_create")["body"].items() if k != "_links"}
		self.coupons[coupon["id"]] = coupon
		biggest = max(
			itertools.chain(self.orders, self.products, self.variations, self.customers, self.coupons, [0])
		)
		self._ids = itertools.count(biggest + 1)

	@staticmethod
	def _with_gmt_dates(obj: dict) -> dict:
		for field in ("date_created", "date_modified", "date_paid", "date_completed"):
			if field in obj and f"{field}_gmt" not in obj:
				obj[f"{field}_gmt"] = obj[field]  # the recorded store runs on UTC
		return obj

	def next_id(self) -> int:
		with self.lock:
			return next(self._ids)

	def stock_amount(self, quantity: Any) -> int | float:
		value = float(quantity)
		return value if self.decimal_stock and value != int(value) else int(value)

	def add_products(self, n: int, *, prefix: str = "BENCH", manage_stock: bool = True) -> list[dict]:
		"""n simple products with SKUs <prefix>-00001..., a price and a stock quantity of 5."""
		with self.lock:
			if any(str(p.get("sku") or "").startswith(f"{prefix}-") for p in _all_products(self)):
				raise ValueError(f"products with SKU prefix {prefix} exist already")
			return [
				_product_create(
					self,
					{
						"name": f"{prefix} product {index}",
						"sku": f"{prefix}-{index:05d}",
						"regular_price": "10.00",
						"manage_stock": manage_stock,
						"stock_quantity": 5,
					},
					check_sku=False,  # unique by the prefix check above; 5,000 products stay fast
				)
				for index in range(1, n + 1)
			]

	def add_variable_product(
		self,
		sku: str,
		options: tuple[str, ...] = ("S", "M", "L"),
		*,
		attribute: str = "Size",
		price: str = "25.00",
		stock: int = 5,
	) -> dict:
		"""A variable product with one variation per option, as WooCommerce stores them (the real
		store's WS-TEE: variations WS-TEE-S/M/L by Size, each managing its own stock)."""
		with self.lock:
			parent = _product_create(
				self,
				{
					"name": f"{sku} tee",
					"type": "variable",
					"sku": sku,
					"attributes": [
						{
							"id": 0,
							"name": attribute,
							"slug": attribute,
							"position": 0,
							"visible": True,
							"variation": True,
							"options": list(options),
						}
					],
				},
			)
			for option in options:
				_variation_create(
					self,
					self.products[parent["id"]],
					{
						"sku": f"{sku}-{option}",
						"name": option,
						"regular_price": price,
						"manage_stock": True,
						"stock_quantity": stock,
						"attributes": [
							{"id": 0, "name": attribute, "slug": attribute.lower(), "option": option}
						],
					},
				)
			return copy.deepcopy(self.products[parent["id"]])

	def add_customer(self, body: dict) -> dict:
		"""An account as `POST customers` makes it (the same checks; no New account e-mail noted)."""
		with self.lock:
			return _customer_create(self, body, notify=False)

	def add_customers(self, n: int, *, prefix: str = "bench") -> list[dict]:
		"""n accounts <prefix>-00001@example.com..., each with a billing and a shipping address."""
		with self.lock:
			if any(c.get("email", "").startswith(f"{prefix}-") for c in self.customers.values()):
				raise ValueError(f"customers with e-mail prefix {prefix} exist already")
			return [
				_customer_create(
					self,
					{
						"email": f"{prefix}-{index:05d}@example.com",
						"first_name": "Bench",
						"last_name": f"Buyer {index}",
						"billing": {
							"first_name": "Bench",
							"last_name": f"Buyer {index}",
							"address_1": f"{index} Market St",
							"city": "San Francisco",
							"state": "CA",
							"postcode": "94105",
							"country": "US",
							"phone": "+1 415 555 0100",
						},
						"shipping": {"address_1": f"{index} Harbor Rd", "city": "Oakland", "country": "US"},
					},
					check=False,  # unique by the prefix check above; 5,000 accounts stay fast
					notify=False,
				)
				for index in range(1, n + 1)
			]

	def add_media(
		self, content: bytes, file_name: str, content_type: str = "image/png", name: str = "", alt: str = ""
	) -> dict:
		"""An image in the Media Library (as uploaded in WordPress), served at its `src`."""
		with self.lock:
			return _public_image(self, self._attach(content, file_name, content_type, name, alt))

	def _attach(self, content: bytes, file_name: str, content_type: str, name: str, alt: str) -> dict:
		"""wp_insert_attachment: the file under uploads/<year>/<month>/, renamed -1, -2... when taken."""
		now = self.clock()
		stem, dot, extension = file_name.rpartition(".") if "." in file_name else (file_name, "", "")
		taken = {m["path"] for m in self.media.values()}
		path, n = f"/wp-content/uploads/{now:%Y/%m}/{file_name}", 0
		while path in taken:
			n += 1
			path = f"/wp-content/uploads/{now:%Y/%m}/{stem}-{n}{dot}{extension}"
		attachment = {
			"id": self.next_id(),
			"date_created": _gmt(now),
			"date_created_gmt": _gmt(now),
			"date_modified": _gmt(now),
			"date_modified_gmt": _gmt(now),
			"path": path,
			"name": name or stem,
			"alt": alt,
			"content": content,
			"content_type": content_type,
		}
		self.media[attachment["id"]] = attachment
		return attachment

	def image_src(self, attachment: dict) -> str:
		return f"{self.url}{attachment['path']}"

	def register_order_status(self, status: str) -> None:
		"""What a plugin adding a status (partial-shipped, ...) does; unknown ones are a 400 in lists."""
		with self.lock:
			if status not in self.order_statuses:
				self.order_statuses.append(status)

	def set_time(self, moment: datetime) -> None:
		self.clock = lambda: moment

	def _stamp(self, obj: dict, created: bool = False) -> None:
		now = self.clock()
		stamp = _gmt(now)
		if created:
			obj["date_created"] = obj["date_created_gmt"] = stamp
		obj["date_modified"] = obj["date_modified_gmt"] = stamp

	def add_order(self, order: dict) -> dict:
		"""Store an order as WooCommerce would: id, number, key and dates filled in if missing."""
		with self.lock:
			order = copy.deepcopy(order)
			order.setdefault("id", self.next_id())
			order.setdefault("number", str(order["id"]))
			order.setdefault(
				"order_key", f"wc_order_{hashlib.md5(str(order['id']).encode()).hexdigest()[:13]}"
			)
			order.setdefault("status", "pending")
			order.setdefault("currency", "USD")
			order.setdefault("prices_include_tax", self.prices_include_tax)
			for field, value in _blank_order().items():
				order.setdefault(field, value)
			if not order.get("date_created_gmt"):
				self._stamp(order, created=True)
			self._with_gmt_dates(order)
			self.orders[order["id"]] = order
			return copy.deepcopy(order)

	def generate_orders(
		self,
		n: int,
		*,
		lines: int = 3,
		with_tax: bool = True,
		with_shipping: bool = True,
		with_coupon: bool = True,
		status: str = "processing",
		start: datetime | None = None,
		buyer: str = "buyer",
	) -> list[dict]:
		"""Orders computed the way WooCommerce computes them, with distinct modified times; order i is
		bought by `<buyer>i@example.com`."""
		start = start or datetime(2026, 1, 1, tzinfo=timezone.utc)
		self.register_order_status(status)
		made = []
		for index in range(n):
			moment = start + timedelta(seconds=index)
			made.append(
				self.add_order(
					self._synthetic_order(
						index, moment, lines, with_tax, with_shipping, with_coupon, status, buyer
					)
				)
			)
		return made

	def _synthetic_order(
		self,
		index: int,
		moment: datetime,
		lines: int,
		with_tax: bool,
		with_shipping: bool,
		with_coupon: bool,
		status: str,
		buyer: str,
	) -> dict:
		rates = (
			[(1, Decimal("0.0725"), "CA State", False), (2, Decimal("0.01"), "CA County", True)]
			if with_tax
			else []
		)
		products = [p for p in self.products.values() if p.get("type") == "simple"]
		line_items, tax_totals = [], {rate_id: Decimal(0) for rate_id, *_ in rates}
		discount_total = Decimal(0)
		for number in range(lines):
			product = products[(index + number) % len(products)]
			price = Decimal(str(product.get("price") or "10")) + Decimal(number)
			quantity = 1 + (index + number) % 3
			subtotal = price * quantity
			discount = (
				(subtotal * Decimal("0.10")).quantize(CENT, ROUND_HALF_UP) if with_coupon else Decimal(0)
			)
			total = subtotal - discount
			discount_total += discount
			taxes, line_tax = [], Decimal(0)
			running = total
			for rate_id, rate, _label, compound in rates:
				amount = ((running if not compound else running + line_tax) * rate).quantize(
					CENT, ROUND_HALF_UP
				)
				taxes.append({"id": rate_id, "total": str(amount), "subtotal": str(amount)})
				tax_totals[rate_id] += amount
				line_tax += amount
			line_items.append(
				{
					"id": index * 100 + number + 1,
					"name": product["name"],
					"product_id": product["id"],
					"variation_id": 0,
					"quantity": quantity,
					"tax_class": "",
					"subtotal": _money(subtotal),
					"subtotal_tax": _money(line_tax),
					"total": _money(total),
					"total_tax": _money(line_tax),
					"taxes": taxes,
					"meta_data": [],
					"sku": product.get("sku") or "",
					"price": float(total / quantity),
					"parent_name": None,
				}
			)
		shipping_lines, shipping_total, shipping_tax = [], Decimal(0), Decimal(0)
		if with_shipping:
			shipping_total = Decimal("7.95")
			ship_taxes = []
			for rate_id, rate, _label, _compound in rates[:1]:
				amount = (shipping_total * rate).quantize(CENT, ROUND_HALF_UP)
				ship_taxes.append({"id": rate_id, "total": str(amount), "subtotal": ""})
				shipping_tax += amount
			shipping_lines.append(
				{
					"id": index * 100 + 90,
					"method_title": "Flat rate",
					"method_id": "flat_rate",
					"instance_id": "1",
					"total": _money(shipping_total),
					"total_tax": _money(shipping_tax),
					"taxes": ship_taxes,
					"meta_data": [],
				}
			)
		tax_lines = []
		for rate_id, rate, label, compound in rates:
			ship = shipping_tax if rate_id == 1 else Decimal(0)
			tax_lines.append(
				{
					"id": index * 100 + 80 + rate_id,
					"rate_code": f"US-CA-{label.upper()}-{rate_id}",
					"rate_id": rate_id,
					"label": label,
					"compound": compound,
					"tax_total": _money(tax_totals[rate_id]),
					"shipping_tax_total": _money(ship),
					"rate_percent": float(rate * 100),
					"meta_data": [],
				}
			)
		cart_tax = sum(tax_totals.values(), Decimal(0))
		items_total = sum((Decimal(li["total"]) for li in line_items), Decimal(0))
		total = items_total + cart_tax + shipping_total + shipping_tax
		stamp = _gmt(moment)
		address = {
			"first_name": "Buyer",
			"last_name": f"No{index}",
			"company": "",
			"address_1": f"{index} Main St",
			"address_2": "",
			"city": "San Francisco",
			"state": "CA",
			"postcode": "94105",
			"country": "US",
			"phone": "",
		}
		return {
			"status": status,
			"currency": "USD",
			"prices_include_tax": False,
			"date_created": stamp,
			"date_created_gmt": stamp,
			"date_modified": stamp,
			"date_modified_gmt": stamp,
			"date_paid": stamp,
			"date_paid_gmt": stamp,
			"date_completed": None,
			"date_completed_gmt": None,
			"discount_total": _money(discount_total),
			"discount_tax": "0.00",
			"shipping_total": _money(shipping_total),
			"shipping_tax": _money(shipping_tax),
			"cart_tax": _money(cart_tax),
			"total": _money(total),
			"total_tax": _money(cart_tax + shipping_tax),
			"customer_id": 0,
			"billing": {**address, "email": f"{buyer}{index}@example.com"},
			"shipping": address,
			"payment_method": "bacs",
			"payment_method_title": "Direct bank transfer",
			"transaction_id": "",
			"customer_note": "",
			"line_items": line_items,
			"tax_lines": tax_lines,
			"shipping_lines": shipping_lines,
			"fee_lines": [],
			"coupon_lines": [
				{
					"id": index * 100 + 70,
					"code": "save10",
					"discount": _money(discount_total),
					"discount_tax": "0.00",
					"meta_data": [],
				}
			]
			if with_coupon
			else [],
			"refunds": [],
		}


# HTTP ------------------------------------------------------------------------------------------


def _handler_for(store: FakeWooCommerceStore) -> type[BaseHTTPRequestHandler]:
	class Handler(BaseHTTPRequestHandler):
		protocol_version = "HTTP/1.1"
		timeout = 10

		def log_message(self, *args: Any) -> None:
			pass

		def do_GET(self) -> None:
			self._serve()

		do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

		def _serve(self) -> None:
			parts = urlsplit(self.path)
			query = dict(parse_qsl(parts.query, keep_blank_values=True))
			length = int(self.headers.get("Content-Length") or 0)
			raw = self.rfile.read(length) if length else b""
			if parts.path.startswith("/wp-content/uploads/") and self.command == "GET":
				# The web server, not the API: no faults, and no store lock, as the store may be
				# downloading its own upload (a src it serves) while it holds the lock.
				store.downloads.append(parts.path)
				return self._send_upload(parts.path)
			with store.lock:
				store.requests.append(
					{"method": self.command, "path": parts.path, "query": query, "body": raw}
				)
			if store.latency:
				time.sleep(store.latency)
			fault = store._take_fault(parts.path)
			lost = fault is not None and fault["kind"] == "lost_answer"
			if fault and not lost and self._fault(fault):
				return
			try:
				if not parts.path.startswith(API):
					if parts.path.rstrip("/") == "/wp-json":
						return self._send(200, {"name": "Fake WooCommerce", "namespaces": ["wc/v3"]})
					raise _no_route()
				_authenticate(store, self.command, parts, query, self.headers)
				body = json.loads(raw) if raw else {}
				status, payload, headers = _route(
					store, self.command, parts.path[len(API) :].strip("/"), query, body
				)
				if lost:
					time.sleep(fault.get("seconds", 5))
					self.close_connection = True
					return
				self._send(status, payload, headers)
			except ApiError as exc:
				self._send(exc.status, exc.body)
			except json.JSONDecodeError:
				self._send(
					400,
					{
						"code": "rest_invalid_json",
						"message": "Invalid JSON body passed.",
						"data": {"status": 400},
					},
				)

		def _fault(self, fault: dict) -> bool:
			kind = fault["kind"]
			if kind == "timeout":
				time.sleep(fault.get("seconds", 5))
				self.close_connection = True
				return True
			if kind == "status":
				code = fault.get("code", 500)
				if fault.get("html"):
					return (
						self._send_raw(code, b"<html><body><h1>Bad Gateway</h1></body></html>", "text/html")
						or True
					)
				self._send(
					code,
					{
						"code": "internal_server_error",
						"message": "There has been a critical error on this website.",
						"data": {"status": code},
					},
				)
				return True
			if kind == "rate_limit":
				self._send(
					429,
					{"code": "too_many_requests", "message": "Too many requests.", "data": {"status": 429}},
					{"Retry-After": str(fault.get("retry_after", 1))},
				)
				return True
			if kind == "unauthorized":
				self._send(
					401,
					{
						"code": "woocommerce_rest_cannot_view",
						"message": "Sorry, you cannot list resources.",
						"data": {"status": 401},
					},
				)
				return True
			if kind == "html":
				page = b"<!DOCTYPE html><html><head><title>Security check</title></head><body>Access denied</body></html>"
				self._send_raw(fault.get("status", 200), page, "text/html; charset=UTF-8")
				return True
			if kind == "nested":
				depth = fault.get("depth", 100_000)
				self._send_raw(200, b"[" * depth + b"]" * depth, "application/json; charset=UTF-8")
				return True
			if kind == "truncated":
				full = json.dumps(store.orders.get(16) or {"id": 0, "pad": "x" * 100}).encode()
				self._send_raw(200, full[: len(full) // 2], "application/json; charset=UTF-8")
				return True
			return False

		def _send_upload(self, path: str) -> None:
			"""The web server serving wp-content/uploads: the file, or its 404 page."""
			found = next((m for m in list(store.media.values()) if m["path"] == path), None)
			if not found or found["content"] is None:
				return self._send_raw(404, b"<html><body>Not Found</body></html>", "text/html")
			try:
				self._send_raw(200, found["content"], found["content_type"])
			except (BrokenPipeError, ConnectionResetError):
				self.close_connection = True  # the reader stopped early (a file over its size limit)

		def _send(self, status: int, payload: Any, headers: dict | None = None) -> None:
			body = json.dumps(payload).encode()
			self._send_raw(status, body, "application/json; charset=UTF-8", headers)

		def _send_raw(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
			self.send_response(status)
			self.send_header("Content-Type", content_type)
			self.send_header("Content-Length", str(len(body)))
			self.send_header(
				"Link",
				f'<http://127.0.0.1:{self.server.server_address[1]}/wp-json/>; rel="https://api.w.org/"',
			)
			for name, value in (headers or {}).items():
				self.send_header(name, value)
			self.end_headers()
			self.wfile.write(body)

	return Handler


def _no_route() -> ApiError:
	return ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


# Authentication exactly as WooCommerce checks it ------------------------------------------------


def _authenticate(store: FakeWooCommerceStore, method: str, parts, query: dict, headers) -> None:
	"""Accept what WooCommerce accepts; refuse like the recorded store did (401 cannot_view)."""
	if not _credentials_ok(store, method, parts, query, headers):
		raise ApiError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")


def _credentials_ok(store: FakeWooCommerceStore, method: str, parts, query: dict, headers) -> bool:
	auth = headers.get("Authorization", "")
	if auth.startswith("Basic "):
		try:
			key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
		except ValueError:
			return False
		return hmac.compare_digest(key, store.consumer_key) and hmac.compare_digest(
			secret, store.consumer_secret
		)
	if "consumer_key" in query:
		return hmac.compare_digest(query.get("consumer_key", ""), store.consumer_key) and hmac.compare_digest(
			query.get("consumer_secret", ""), store.consumer_secret
		)
	if query.get("oauth_consumer_key") != store.consumer_key:
		return False
	params = {k: v for k, v in query.items() if k != "oauth_signature"}
	expected = _oauth_signature(
		method,
		f"http://{headers.get('Host')}{parts.path}",
		params,
		query.get("oauth_signature_method", ""),
		store.consumer_secret,
	)
	return hmac.compare_digest(query.get("oauth_signature", ""), expected)


def _oauth_signature(method: str, base_url: str, params: dict, signature_method: str, secret: str) -> str:
	"""WC_REST_Authentication::check_oauth_signature: params rawurlencoded (so "/" too), sorted,
	joined, signed with the consumer secret + '&'."""
	normalized = {
		quote(unquote(k), safe="").replace("%", "%25"): quote(unquote(v), safe="").replace("%", "%25")
		for k, v in params.items()
	}
	query = "%26".join(f"{k}%3D{v}" for k, v in sorted(normalized.items()))
	base = f"{method}&{quote(base_url, '')}&{query}"
	digest = hashlib.sha1 if signature_method == "HMAC-SHA1" else hashlib.sha256
	return base64.b64encode(hmac.new(f"{secret}&".encode(), base.encode(), digest).digest()).decode()


# Routes ----------------------------------------------------------------------------------------


def _route(
	store: FakeWooCommerceStore, method: str, path: str, query: dict, body: Any
) -> tuple[int, Any, dict]:
	segments = path.split("/")
	with store.lock:
		if path == "system_status" and method == "GET":
			return 200, store.system_status, {}
		if path == "settings/tax/woocommerce_prices_include_tax" and method == "GET":
			value = "yes" if store.prices_include_tax else "no"
			return (
				200,
				{"id": "woocommerce_prices_include_tax", "label": "Prices entered with tax", "value": value},
				{},
			)
		if path == "settings/email_customer_new_account/enabled" and method == "GET":
			return 200, _new_account_email_option(store), {}
		if segments[0] == "orders":
			return _orders(store, method, segments[1:], query, body)
		if segments[:2] == ["products", "categories"]:
			return _categories(store, method, segments[2:], query, body)
		if segments[0] == "products":
			return _products(store, method, segments[1:], query, body)
		if segments[0] == "coupons":
			return _coupons(store, method, segments[1:], query, body)
		if segments[0] == "customers":
			return _customers(store, method, segments[1:], query, body)
		if segments[0] == "webhooks":
			return _collection(store, store.webhooks, "webhook", method, segments[1:], query, body)
		if segments[0] == "taxes" and method == "GET":
			return _list(list(store.taxes.values()), query)
		if path == "payment_gateways" and method == "GET":
			# Every gateway in one answer: WooCommerce does not page this endpoint.
			return 200, copy.deepcopy(store.payment_gateways), {}
	raise _no_route()


def _list(items: list[dict], query: dict) -> tuple[int, list, dict]:
	try:
		per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
	except ValueError:
		raise ApiError(400, "rest_invalid_param", "Invalid parameter(s): per_page")
	if not 1 <= per_page <= 100:
		raise ApiError(
			400,
			"rest_invalid_param",
			"Invalid parameter(s): per_page",
			{
				"params": {"per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"},
				"details": {
					"per_page": {
						"code": "rest_out_of_bounds",
						"message": "per_page must be between 1 (inclusive) and 100 (inclusive)",
						"data": None,
					}
				},
			},
		)
	total = len(items)
	pages = math.ceil(total / per_page)
	# As in WordPress, an offset replaces the page number.
	start = int(query["offset"]) if str(query.get("offset", "")).isdigit() else (page - 1) * per_page
	chunk = items[start : start + per_page]
	if query.get("_fields"):
		# WordPress answers only these top-level fields to any REST list.
		wanted = set(query["_fields"].split(","))
		chunk = [{k: v for k, v in item.items() if k in wanted} for item in chunk]
	return 200, copy.deepcopy(chunk), {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}


def _ids(value: str | None) -> set[int]:
	return {int(v) for v in (value or "").split(",") if v.strip()}


def _orders(store: FakeWooCommerceStore, method: str, rest: list[str], query: dict, body: Any):
	if not rest:
		if method == "GET":
			return _list(_filter_orders(store, query), query)
		if method == "POST":
			return 201, _order_create(store, body), {}
	if rest == ["batch"] and method in ("POST", "PUT", "PATCH"):
		return (
			200,
			_batch(
				store,
				body,
				lambda item: _order_create(store, item),
				lambda item: _order_update(store, item["id"], item),
				lambda oid: _order_delete(store, oid),
			),
			{},
		)
	if len(rest) >= 1 and rest[0].isdigit():
		order_id = int(rest[0])
		if len(rest) == 1:
			if method == "GET":
				return 200, copy.deepcopy(_order(store, order_id)), {}
			if method in ("PUT", "POST", "PATCH"):
				return 200, _order_update(store, order_id, body), {}
			if method == "DELETE":
				return 200, _order_delete(store, order_id, force=query.get("force") in ("1", "true")), {}
		if rest[1:] == ["notes"]:
			return _notes(store, method, order_id, query, body)
		if rest[1:] == ["refunds"]:
			_order(store, order_id)
			if method == "GET":
				return _list(store.refunds.get(order_id, []), query)
			if method == "POST":
				return 201, _refund_create(store, order_id, body), {}
	raise _no_route()


def _order(store: FakeWooCommerceStore, order_id: int) -> dict:
	if order_id not in store.orders:
		raise ApiError(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
	return store.orders[order_id]


def _order_create(store: FakeWooCommerceStore, item: dict) -> dict:
	_check_products(store, item.get("line_items") or [])
	order = {k: v for k, v in item.items() if k != "id"}
	# WooCommerce gives each meta entry its own id and answers {id, key, value}.
	order["meta_data"] = [
		{"id": store.next_id(), "key": meta["key"], "value": meta.get("value")}
		for meta in item.get("meta_data") or []
	]
	return store.add_order(order)


def _check_products(store: FakeWooCommerceStore, lines: list[dict]) -> None:
	"""A new line must name a product the store has (WC_REST_Orders_Controller::prepare_line_items)."""
	for line in lines:
		if "id" not in line and line.get("product_id") not in store.products:
			raise ApiError(400, "woocommerce_rest_invalid_product_id", "Product ID provided is invalid.")


def _order_update(store: FakeWooCommerceStore, order_id: int, changes: dict) -> dict:
	order = _order(store, order_id)
	_check_products(store, changes.get("line_items") or [])
	for key, value in changes.items():
		if key == "id":
			continue
		if key in ("billing", "shipping") and isinstance(value, dict):
			order.setdefault(key, {}).update(value)
		elif key == "line_items":
			_merge_lines(order, value)
		elif key == "meta_data":
			_merge_meta(store, order, value)
		else:
			order[key] = value
	if changes.get("status") == "completed" and not order.get("date_completed_gmt"):
		order["date_completed"] = order["date_completed_gmt"] = _gmt(store.clock())
	store._stamp(order)
	return copy.deepcopy(order)


def _merge_meta(store: FakeWooCommerceStore, obj: dict, entries: list[dict]) -> None:
	"""WC_Data::update_meta_data per entry, for orders, products and customers alike: the meta with
	that id is changed; without an id, every meta of that key is replaced by one new entry
	(add_meta_data with unique)."""
	meta = obj.setdefault("meta_data", [])
	for entry in entries:
		by_id = next((m for m in meta if entry.get("id") and m.get("id") == entry["id"]), None)
		if by_id is not None:
			by_id.update(key=entry["key"], value=entry["value"])
			continue
		meta[:] = [m for m in meta if m.get("key") != entry["key"]]
		meta.append({"id": store.next_id(), "key": entry["key"], "value": copy.deepcopy(entry["value"])})


def _notes(store: FakeWooCommerceStore, method: str, order_id: int, query: dict, body: Any):
	"""WC_REST_Order_Notes_Controller: every note of the order, newest first and not paged; a new
	note needs `note`; adding one does not save the order (its date_modified stays)."""
	_order(store, order_id)
	notes = store.notes.setdefault(order_id, [])
	if method == "GET":
		kind = query.get("type", "any")
		listed = [
			n for n in reversed(notes) if kind == "any" or (kind == "customer") == bool(n["customer_note"])
		]
		return 200, copy.deepcopy(listed), {}
	if method == "POST":
		if not str(body.get("note") or "").strip():
			raise ApiError(
				400, "rest_missing_callback_param", "Missing parameter(s): note", {"params": ["note"]}
			)
		now = _gmt(store.clock())
		note = {
			"id": store.next_id(),
			"author": "admin" if body.get("added_by_user") else "system",
			"date_created": now,
			"date_created_gmt": now,
			"note": str(body["note"]),
			"customer_note": bool(body.get("customer_note")),
		}
		notes.append(note)
		return 201, copy.deepcopy(note), {}
	raise _no_route()


def _coupons(store: FakeWooCommerceStore, method: str, rest: list[str], query: dict, body: Any):
	"""WC_REST_Coupons_Controller: `code=` finds one coupon by its code (wc_get_coupon_id_by_code,
	case-insensitive, as codes are stored in lower case); a code is unique among published coupons."""
	if not rest:
		if method == "GET":
			items = sorted(store.coupons.values(), key=lambda c: c["id"])
			if "code" in query:
				found = _coupon_id_by_code(store, query["code"])
				items = [c for c in items if c["id"] == found]
			if query.get("include"):
				wanted = _ids(query["include"])
				items = [c for c in items if c["id"] in wanted]
			return _list(items, query)
		if method == "POST":
			return 201, _coupon_create(store, body), {}
	if rest == ["batch"] and method in ("POST", "PUT", "PATCH"):
		return (
			200,
			_batch(
				store,
				body,
				lambda item: _coupon_create(store, item),
				lambda item: _coupon_update(store, _get(store.coupons, int(item["id"]), "shop_coupon"), item),
				lambda cid: store.coupons.pop(_get(store.coupons, cid, "shop_coupon")["id"]),
			),
			{},
		)
	if len(rest) == 1 and rest[0].isdigit():
		coupon = _get(store.coupons, int(rest[0]), "shop_coupon")
		if method == "GET":
			return 200, copy.deepcopy(coupon), {}
		if method in ("PUT", "POST", "PATCH"):
			return 200, _coupon_update(store, coupon, body), {}
	raise _no_route()


def _coupon_code(code: object) -> str:
	return str(code or "").strip().lower()


def _coupon_id_by_code(store: FakeWooCommerceStore, code: object, exclude: int = 0) -> int:
	"""wc_get_coupon_id_by_code: the newest *published* coupon with that code; drafts are not found
	(so neither the code filter nor the duplicate check sees them)."""
	wanted = _coupon_code(code)
	found = [
		c["id"]
		for c in store.coupons.values()
		if c["code"] == wanted and c["status"] == "publish" and c["id"] != exclude
	]
	return max(found, default=0)


def _coupon_create(store: FakeWooCommerceStore, body: dict) -> dict:
	if not _coupon_code(body.get("code")):
		raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): code", {"params": ["code"]})
	coupon = _empty_like("coupon_create")
	coupon.update(
		id=store.next_id(),
		status="publish",
		discount_type="fixed_cart",
		amount="0.00",
		minimum_amount="0.00",
		maximum_amount="0.00",
		date_expires=None,
		date_expires_gmt=None,
		usage_limit=None,
		usage_limit_per_user=None,
		limit_usage_to_x_items=None,
	)
	store._stamp(coupon, created=True)
	_coupon_update(store, coupon, body, stamp=False)
	store.coupons[coupon["id"]] = coupon
	return copy.deepcopy(coupon)


def _coupon_update(store: FakeWooCommerceStore, coupon: dict, changes: dict, stamp: bool = True) -> dict:
	if "code" in changes:
		code = _coupon_code(changes["code"])
		if _coupon_id_by_code(store, code, exclude=coupon.get("id") or 0):
			raise ApiError(
				400, "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists"
			)
		coupon["code"] = code
	if changes.get("discount_type", "percent") not in ("percent", "fixed_cart", "fixed_product"):
		raise ApiError(
			400,
			"rest_invalid_param",
			"Invalid parameter(s): discount_type",
			{
				"params": {
					"discount_type": "discount_type is not one of percent, fixed_cart, and fixed_product."
				}
			},
		)
	for key, value in changes.items():
		if key in ("id", "code"):
			continue
		if key in ("amount", "minimum_amount", "maximum_amount"):
			coupon[key] = _money(Decimal(str(value or 0)))
		elif key == "date_expires":
			coupon["date_expires"] = coupon["date_expires_gmt"] = value or None  # the store runs on UTC
		else:
			coupon[key] = copy.deepcopy(value)
	if stamp:
		store._stamp(coupon)
	return copy.deepcopy(coupon)


def _merge_lines(order: dict, lines: list[dict]) -> None:
	by_id = {line["id"]: line for line in order["line_items"]}
	for line in lines:
		if line.get("id") in by_id:
			if line.get("quantity") == 0:
				order["line_items"].remove(by_id[line["id"]])
			else:
				by_id[line["id"]].update(line)
		else:
			order["line_items"].append({"id": max(by_id, default=0) + len(order["line_items"]) + 1, **line})


def _order_delete(store: FakeWooCommerceStore, order_id: int, force: bool = True) -> dict:
	"""Without force an order goes to the trash (status "trash"), as WooCommerce does."""
	order = _order(store, order_id)
	if not force:
		order["status"] = "trash"
		store._stamp(order)
		return copy.deepcopy(order)
	del store.orders[order_id]
	return copy.deepcopy(order)


def _refund_create(store: FakeWooCommerceStore, order_id: int, body: dict) -> dict:
	"""Like WC_REST_Order_Refunds_Controller: requested lines ({id, quantity, refund_total,
	refund_tax: [{id, refund_total}]}) come back negative with `_refunded_item_id`, taxes summed per
	rate into tax_lines, and a fully refunded order becomes "refunded"."""
	now = _gmt(store.clock())
	order = store.orders[order_id]
	kinds = {
		line["id"]: (kind, line)
		for kind in ("line_items", "shipping_lines", "fee_lines")
		for line in order.get(kind) or []
	}
	refunded: dict[str, list] = {"line_items": [], "shipping_lines": [], "fee_lines": []}
	tax_totals: dict[int, list[Decimal]] = {}
	for request in body.get("line_items") or []:
		kind, line = kinds[int(request["id"])]
		taxes = [
			{"id": int(t["id"]), "total": str(-Decimal(str(t["refund_total"]))), "subtotal": ""}
			for t in request.get("refund_tax") or []
		]
		for tax in taxes:
			pair = tax_totals.setdefault(tax["id"], [Decimal(0), Decimal(0)])
			pair[1 if kind == "shipping_lines" else 0] += Decimal(tax["total"])
		total = -Decimal(str(request.get("refund_total") or 0))
		refunded[kind].append(
			{
				**{k: v for k, v in line.items() if k not in ("id", "taxes", "meta_data")},
				"id": store.next_id(),
				"quantity": -int(request.get("quantity") or 0),
				"subtotal": _money(total),
				"total": _money(total),
				"total_tax": _money(sum((Decimal(t["total"]) for t in taxes), Decimal(0))),
				"taxes": taxes,
				"meta_data": [
					{
						"id": store.next_id(),
						"key": "_refunded_item_id",
						"value": str(line["id"]),
						"display_key": "_refunded_item_id",
						"display_value": str(line["id"]),
					}
				],
			}
		)
	labels = {t.get("rate_id"): t for t in order.get("tax_lines") or []}
	tax_lines = [
		{
			"id": store.next_id(),
			"rate_code": labels.get(rate_id, {}).get("rate_code", ""),
			"rate_id": rate_id,
			"label": labels.get(rate_id, {}).get("label", ""),
			"compound": labels.get(rate_id, {}).get("compound", False),
			"tax_total": _money(cart),
			"shipping_tax_total": _money(shipping),
			"rate_percent": labels.get(rate_id, {}).get("rate_percent", 0),
			"meta_data": [],
		}
		for rate_id, (cart, shipping) in tax_totals.items()
	]
	refund = {
		"id": store.next_id(),
		"date_created": now,
		"date_created_gmt": now,
		"amount": str(body.get("amount", "0.00")),
		"reason": body.get("reason", ""),
		"refunded_by": 1,
		"refunded_payment": False,
		"meta_data": [],
		**refunded,
		"tax_lines": tax_lines,
	}
	store.refunds.setdefault(order_id, []).append(refund)
	order.setdefault("refunds", []).append(
		{"id": refund["id"], "reason": refund["reason"], "total": f"-{refund['amount']}"}
	)
	refunded_total = sum((-Decimal(r["total"]) for r in order["refunds"]), Decimal(0))
	if refunded_total >= Decimal(order["total"]):
		order["status"] = "refunded"
	store._stamp(order)
	return copy.deepcopy(refund)


def _filter_orders(store: FakeWooCommerceStore, query: dict) -> list[dict]:
	gmt = query.get("dates_are_gmt") in ("1", "true")
	suffix = "_gmt" if gmt else ""
	orders = list(store.orders.values())
	statuses = {s for s in (query.get("status") or "any").split(",") if s}
	known = ["any", "trash", *store.order_statuses]
	unknown = sorted(statuses - set(known))
	if unknown:
		raise ApiError(
			400,
			"rest_invalid_param",
			"Invalid parameter(s): status",
			{"params": {"status": f"status[0] is not one of {', '.join(known)}."}},
		)
	if "any" in statuses:  # as in WooCommerce, "any" is every registered status but not the trash
		statuses |= set(store.order_statuses)
	orders = [o for o in orders if o["status"] in statuses]
	if query.get("include"):
		wanted = _ids(query["include"])
		orders = [o for o in orders if o["id"] in wanted]
	if query.get("exclude"):
		unwanted = _ids(query["exclude"])
		orders = [o for o in orders if o["id"] not in unwanted]
	if query.get("customer"):
		orders = [o for o in orders if str(o.get("customer_id")) == query["customer"]]
	for param, field, keep in (
		("after", "date_created", lambda v, limit: v > limit),
		("before", "date_created", lambda v, limit: v < limit),
		("modified_after", "date_modified", lambda v, limit: v > limit),
		("modified_before", "date_modified", lambda v, limit: v < limit),
	):
		if query.get(param):
			limit = query[param][:19]
			orders = [
				o
				for o in orders
				if isinstance(o.get(f"{field}{suffix}"), str) and keep(o[f"{field}{suffix}"][:19], limit)
			]
	if query.get("search"):
		needle = query["search"].lower()
		orders = [o for o in orders if needle in json.dumps([o["id"], o.get("billing")]).lower()]
	include_order = {oid: n for n, oid in enumerate(int(v) for v in query.get("include", "").split(",") if v)}
	keys = {
		# An order without a modified date (a malformed one) sorts first instead of breaking the list.
		"date": lambda o: (str(o.get("date_created_gmt") or ""), o["id"]),
		"modified": lambda o: (str(o.get("date_modified_gmt") or ""), o["id"]),
		"id": lambda o: o["id"],
		"include": lambda o: include_order.get(o["id"], 0),
	}
	key = keys.get(query.get("orderby", "date"))
	if key is None:
		raise ApiError(
			400,
			"rest_invalid_param",
			"Invalid parameter(s): orderby",
			{"params": {"orderby": "orderby is not one of date, id, include, title, slug, modified."}},
		)
	return sorted(orders, key=key, reverse=query.get("order", "desc") == "desc")


def _batch(store: FakeWooCommerceStore, body: dict, create, update, delete) -> dict:
	actions = {action: body.get(action) or [] for action in ("create", "update", "delete")}
	if sum(len(v) for v in actions.values()) > 100:
		raise ApiError(
			413,
			"woocommerce_rest_request_entity_too_large",
			"Unable to accept more than 100 items for this request.",
		)
	result: dict[str, list] = {}
	for action, items in actions.items():
		if not items:
			continue
		out = result.setdefault(action, [])
		for item in items:
			try:
				if action == "create":
					out.append(create(item))
				elif action == "update":
					out.append(update(item))
				else:
					out.append(delete(int(item)))
			except ApiError as exc:
				out.append({"id": item.get("id", 0) if isinstance(item, dict) else item, "error": exc.body})
	return result


def _products(store: FakeWooCommerceStore, method: str, rest: list[str], query: dict, body: Any):
	if not rest:
		if method == "GET":
			items = sorted(store.products.values(), key=lambda p: p["id"])
			if query.get("sku"):
				# WooCommerce searches variations too when filtering by SKU (post_type product and
				# product_variation in WC_REST_Products_Controller::prepare_objects_query).
				skus = set(query["sku"].split(","))
				items = sorted(
					(p for p in _all_products(store) if p.get("sku") in skus), key=lambda p: p["id"]
				)
			if query.get("include"):
				wanted = _ids(query["include"])
				items = [p for p in items if p["id"] in wanted]
			if query.get("type"):
				items = [p for p in items if p.get("type") == query["type"]]
			if query.get("search"):
				needle = query["search"].lower()
				items = [p for p in items if needle in f"{p.get('name')} {p.get('sku')}".lower()]
			return _list(items, query)
		if method == "POST":
			return 201, _product_create(store, body), {}
	if rest == ["batch"] and method in ("POST", "PUT", "PATCH"):
		return (
			200,
			_batch(
				store,
				body,
				lambda item: _product_create(store, item),
				lambda item: _product_update(store, _product_to_change(store, item["id"]), item),
				lambda pid: store.products.pop(_get(store.products, pid, "product")["id"]),
			),
			{},
		)
	if rest and rest[0].isdigit():
		if len(rest) == 1 and method in ("PUT", "POST", "PATCH"):
			return 200, _product_update(store, _product_to_change(store, int(rest[0])), body), {}
		product = _get(store.products, int(rest[0]), "product")
		if len(rest) == 1 and method == "GET":
			return 200, copy.deepcopy(product), {}
		if rest[1] == "variations":
			variations = {
				v["id"]: v for v in store.variations.values() if v["id"] in product.get("variations", [])
			}
			if len(rest) == 2 and method == "GET":
				return _list(sorted(variations.values(), key=lambda v: v["id"]), query)
			if len(rest) == 2 and method == "POST":
				return 201, _variation_create(store, product, body), {}
			if len(rest) == 3 and rest[2] == "batch":
				return (
					200,
					_batch(
						store,
						body,
						lambda item: _variation_create(store, product, item),
						lambda item: _product_update(
							store, _get(variations, item["id"], "product_variation"), item
						),
						lambda vid: store.variations.pop(_get(variations, vid, "product_variation")["id"]),
					),
					{},
				)
			if len(rest) == 3 and rest[2].isdigit():
				variation = _get(variations, int(rest[2]), "product_variation")
				if method in ("PUT", "POST", "PATCH"):
					return 200, _product_update(store, variation, body), {}
				return 200, copy.deepcopy(variation), {}
	raise _no_route()


def _product_to_change(store: FakeWooCommerceStore, product_id: int) -> dict:
	"""A product for an update; a variation id is refused as prepare_object_for_database does."""
	if product_id in store.variations:
		raise ApiError(
			404,
			"woocommerce_rest_invalid_product_id",
			"To manipulate product variations you should use the "
			"/products/&lt;product_id&gt;/variations/&lt;id&gt; endpoint.",
		)
	return _get(store.products, product_id, "product")


def _blank(fixture: str) -> dict:
	"""Every field a recorded product or variation has, empty, so created ones have the real shape."""
	blank = _empty_like(fixture)
	defaults = {
		"status": "publish",
		"catalog_visibility": "visible",  # products only: a variation has no such field
		"tax_status": "taxable",
		"backorders": "no",
		"stock_status": "instock",
		"stock_quantity": None,
		"dimensions": {"length": "", "width": "", "height": ""},
		"date_on_sale_from": None,
		"date_on_sale_to": None,
	}
	blank.update({key: value for key, value in defaults.items() if key in blank})
	return blank


def _product_create(store: FakeWooCommerceStore, body: dict, check_sku: bool = True) -> dict:
	if check_sku and body.get("sku") and any(p.get("sku") == body["sku"] for p in _all_products(store)):
		raise ApiError(
			400,
			"product_invalid_sku",
			"Invalid or duplicated SKU.",
			{"resource_id": next(p["id"] for p in _all_products(store) if p.get("sku") == body["sku"])},
		)
	product = {**_blank("product_create_simple"), "type": body.get("type") or "simple", "variations": []}
	product["id"] = store.next_id()
	store._stamp(product, created=True)
	store.products[product["id"]] = product
	try:
		return _product_update(store, product, {k: v for k, v in body.items() if k != "id"}, check_sku)
	except ApiError:
		del store.products[product["id"]]  # a refused create (an image it could not download) makes nothing
		raise


def _variation_create(store: FakeWooCommerceStore, parent: dict, body: dict) -> dict:
	variation = {**_blank("variation_create_m"), "parent_id": parent["id"], "tax_class": "parent"}
	variation["id"] = store.next_id()
	store._stamp(variation, created=True)
	store.variations[variation["id"]] = variation
	parent.setdefault("variations", []).append(variation["id"])
	try:
		return _product_update(store, variation, {k: v for k, v in body.items() if k != "id"})
	except ApiError:
		del store.variations[variation["id"]]
		parent["variations"].remove(variation["id"])
		raise


def _all_products(store: FakeWooCommerceStore) -> list[dict]:
	return [*store.products.values(), *store.variations.values()]


def _product_update(
	store: FakeWooCommerceStore, product: dict, changes: dict, check_sku: bool = True
) -> dict:
	"""WC_REST_Products_V2_Controller::prepare_object_for_database, for the fields we use:
	stock_quantity is ignored (and cleared) while manage_stock is off, cast to an integer unless
	the store allows decimal quantities; stock status and the active price follow."""
	changes = {k: v for k, v in changes.items() if k != "id"}
	if (
		check_sku
		and changes.get("sku")
		and any(p.get("sku") == changes["sku"] and p["id"] != product["id"] for p in _all_products(store))
	):
		raise ApiError(400, "product_invalid_sku", "Invalid or duplicated SKU.")
	# Images first: a download that fails refuses the whole request before anything changed.
	# A product has `images`, a variation one `image`; each ignores the other.
	images, image = changes.pop("images", None), changes.pop("image", None)
	if product["id"] in store.variations:
		found = _attachments(store, [image]) if image else []
		product["image"] = _public_image(store, found[0]) if found else product.get("image")
	elif images is not None:
		product["images"] = [_public_image(store, a) for a in _attachments(store, images)]
	quantity = changes.pop("stock_quantity", None)
	variable = product.get("type") == "variable"
	for key, value in changes.items():
		if key in ("regular_price", "sale_price", "date_on_sale_from", "date_on_sale_to") and variable:
			continue  # a variable product's prices are its variations'
		if key == "dimensions" and isinstance(value, dict):
			product.setdefault("dimensions", {}).update(value)
		elif key == "meta_data" and isinstance(value, list):
			_merge_meta(store, product, value)
		elif key == "categories" and isinstance(value, list):
			# wp_set_object_terms by id: unknown ids are dropped; the answer names each category.
			ids = [int(c.get("id") or 0) for c in value if isinstance(c, dict)]
			product[key] = [
				{k: store.categories[i][k] for k in ("id", "name", "slug")}
				for i in ids
				if i in store.categories
			]
		elif key in ("date_on_sale_from", "date_on_sale_to"):
			product[key] = product[f"{key}_gmt"] = value or None
		else:
			product[key] = value
	if product.get("manage_stock") is True:
		if quantity is not None:
			product["stock_quantity"] = store.stock_amount(quantity)
		in_stock = (product.get("stock_quantity") or 0) > 0 or product.get("backorders") != "no"
		product["stock_status"] = "instock" if in_stock else "outofstock"
	else:
		product["manage_stock"] = False
		product["stock_quantity"] = None
	if not variable:
		_set_active_price(store, product)
	store._stamp(product)
	return copy.deepcopy(product)


def _attachments(store: FakeWooCommerceStore, images: Any) -> list[dict]:
	"""WC_REST_Products_Controller::set_product_images: `{"id"}` keeps an attachment (it must be an
	image), `{"src"}` downloads the file into a new one (a failed download refuses the request with
	woocommerce_product_image_upload_error); `name` and `alt` update the attachment."""
	found = []
	for image in [i for i in images if i] if isinstance(images, list) else []:
		attachment_id = int(image.get("id") or 0)
		if not attachment_id and image.get("src"):
			attachment = _sideload(store, str(image["src"]))
		elif attachment_id in store.media:
			attachment = store.media[attachment_id]
		else:
			raise ApiError(
				400, "woocommerce_product_invalid_image_id", f"#{attachment_id} is an invalid image ID."
			)
		if image.get("alt"):
			attachment["alt"] = str(image["alt"])
		if image.get("name"):
			attachment["name"] = str(image["name"])
		found.append(attachment)
	return found


def _sideload(store: FakeWooCommerceStore, src: str) -> dict:
	"""wc_rest_upload_image_from_url: download the file; only image types are accepted."""
	fetched = None if src in store.unreachable_images else store.fetch_image(src)
	if fetched is None:
		raise ApiError(
			400,
			"woocommerce_product_image_upload_error",
			f"Error getting remote image {src}. Error: Not Found",
		)
	content, content_type = fetched
	file_name = unquote(urlsplit(src).path.rsplit("/", 1)[-1]) or "image"
	if not content_type.startswith("image/"):
		raise ApiError(
			400,
			"woocommerce_product_image_upload_error",
			f"Invalid image: Sorry, you are not allowed to upload this file type. ({file_name})",
		)
	return store._attach(content, file_name, content_type, "", "")


def _public_image(store: FakeWooCommerceStore, attachment: dict) -> dict:
	"""An image as the REST API shows it (WC_REST_Products_Controller::get_images)."""
	fields = ("id", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt")
	return {
		**{k: attachment[k] for k in fields},
		"src": store.image_src(attachment),
		"name": attachment["name"],
		"alt": attachment["alt"],
	}


def site_files(public_dir: str):
	"""A `fetch_image` that reads /files/... srcs from a site's public folder: the store reaching
	the site's public URL, where no web server runs (bench tests, benchmarks)."""
	files = (Path(public_dir) / "files").resolve()

	def fetch(src: str) -> tuple[bytes, str] | None:
		path = (files.parent / unquote(urlsplit(src).path).lstrip("/")).resolve()
		if files not in path.parents or not path.is_file():
			return None
		types = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
		return path.read_bytes(), types.get(path.suffix.lower(), "application/octet-stream")

	return fetch


def _fetch_over_http(src: str) -> tuple[bytes, str] | None:
	"""WordPress's download_url: a GET with a timeout; None for anything but a 200."""
	try:
		with urlopen(src, timeout=5) as answer:
			return answer.read(), answer.headers.get_content_type()
	except (OSError, ValueError):
		return None


def _set_active_price(store: FakeWooCommerceStore, product: dict) -> None:
	now = _gmt(store.clock())
	sale, regular = product.get("sale_price") or "", product.get("regular_price") or ""
	starts, ends = product.get("date_on_sale_from"), product.get("date_on_sale_to")
	on_sale = bool(sale) and (not starts or starts <= now) and (not ends or now <= ends)
	product["on_sale"] = on_sale
	product["price"] = sale if on_sale else regular


def _get(collection: dict, object_id: int, kind: str) -> dict:
	if object_id not in collection:
		raise ApiError(404, f"woocommerce_rest_{kind}_invalid_id", "Invalid ID.")
	return collection[object_id]


def _collection(
	store: FakeWooCommerceStore,
	collection: dict,
	kind: str,
	method: str,
	rest: list[str],
	query: dict,
	body: Any,
):
	if not rest:
		if method == "GET":
			items = sorted(collection.values(), key=lambda o: o["id"])
			if query.get("status") and query["status"] != "all":
				items = [o for o in items if o.get("status") == query["status"]]
			return _list(items, query)
		if method == "POST":
			item = {**body, "id": store.next_id()}
			if kind == "webhook":
				item.setdefault("status", "active")
				item["resource"], _, item["event"] = item.get("topic", ".").partition(".")
			store._stamp(item, created=True)
			collection[item["id"]] = item
			return 201, copy.deepcopy(item), {}
	if rest and rest[0].isdigit():
		item = _get(collection, int(rest[0]), kind)
		if method == "GET":
			return 200, copy.deepcopy(item), {}
		if method in ("PUT", "POST", "PATCH"):
			item.update({k: v for k, v in body.items() if k != "id"})
			store._stamp(item)
			return 200, copy.deepcopy(item), {}
		if method == "DELETE":
			if query.get("force") not in ("true", "1"):
				raise ApiError(
					501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."
				)
			return 200, copy.deepcopy(collection.pop(item["id"])), {}
	raise _no_route()


# Customers: WC_REST_Customers_V2_Controller; accounts are made by wc_create_new_customer -----------


def _customers(store: FakeWooCommerceStore, method: str, rest: list[str], query: dict, body: Any):
	if not rest:
		if method == "GET":
			return _list(_filter_customers(store, query), query)
		if method == "POST":
			return 201, _customer_create(store, body or {}), {}
	if rest == ["batch"] and method in ("POST", "PUT", "PATCH"):
		return (
			200,
			_batch(
				store,
				body,
				lambda item: _customer_create(store, item),
				lambda item: _customer_update(store, int(item.get("id") or 0), item),
				lambda cid: store.customers.pop(_customer(store, cid)["id"]),
			),
			{},
		)
	if len(rest) == 1 and rest[0].isdigit():
		if method == "GET":
			return 200, copy.deepcopy(_customer(store, int(rest[0]))), {}
		if method in ("PUT", "POST", "PATCH"):
			return 200, _customer_update(store, int(rest[0]), body or {}), {}
	raise _no_route()


def _filter_customers(store: FakeWooCommerceStore, query: dict) -> list[dict]:
	"""The list's own filters (include, exclude, email, role, search; orderby id, include, name,
	registered_date). It has no modified_after: WordPress ignores a parameter a route does not
	register, so such a filter would silently list everyone."""
	items = list(store.customers.values())
	role = query.get("role", "customer")
	if role != "all":
		items = [c for c in items if c.get("role") == role]
	if query.get("include"):
		wanted = _ids(query["include"])
		items = [c for c in items if c["id"] in wanted]
	if query.get("exclude"):
		unwanted = _ids(query["exclude"])
		items = [c for c in items if c["id"] not in unwanted]
	if query.get("email"):
		items = [c for c in items if c.get("email", "").lower() == query["email"].lower()]
	if query.get("search"):
		needle = query["search"].lower()
		items = [c for c in items if needle in f"{c.get('email')} {c.get('username')}".lower()]
	orderby = query.get("orderby", "name")
	keys = {
		"id": lambda c: c["id"],
		"include": lambda c: c["id"],
		"name": lambda c: (c.get("username") or "").lower(),
		"registered_date": lambda c: (c.get("date_created_gmt") or "", c["id"]),
	}
	if orderby not in keys:
		raise ApiError(
			400,
			"rest_invalid_param",
			"Invalid parameter(s): orderby",
			{"params": {"orderby": "orderby is not one of id, include, name, and registered_date."}},
		)
	return sorted(items, key=keys[orderby], reverse=query.get("order", "asc") == "desc")


def _customer(store: FakeWooCommerceStore, customer_id: int) -> dict:
	if customer_id not in store.customers:
		raise ApiError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")
	return store.customers[customer_id]


def _email_taken(store: FakeWooCommerceStore, email: str, other_than: int | None = None) -> bool:
	return any(
		c.get("email", "").lower() == email.lower() and c["id"] != other_than
		for c in store.customers.values()
	)


def _customer_create(
	store: FakeWooCommerceStore, body: dict, check: bool = True, notify: bool = True
) -> dict:
	email = str(body.get("email") or "").strip()
	if not email:
		raise ApiError(
			400, "rest_missing_callback_param", "Missing parameter(s): email", {"params": ["email"]}
		)
	if "@" not in email:
		raise ApiError(400, "registration-error-invalid-email", "Please provide a valid email address.")
	if check and _email_taken(store, email):
		raise ApiError(
			400,
			"registration-error-email-exists",
			'An account is already registered with your email address. <a href="#" class="showlogin">Please log in.</a>',
		)
	if not body.get("password") and not store.generate_password:
		raise ApiError(400, "registration-error-missing-password", "Please enter an account password.")
	username = str(body.get("username") or "") or email.split("@")[0]
	taken = {c.get("username") for c in store.customers.values()} if check else set()
	base, suffix = username, 1
	while username in taken:
		suffix += 1
		username = f"{base}{suffix}"
	blank = load_fixture("customer_create")["body"]
	customer = {
		**{k: copy.deepcopy(v) for k, v in blank.items() if k != "_links"},
		"id": store.next_id(),
		"email": email,
		"username": username,
		"first_name": "",
		"last_name": "",
		"role": "customer",
		"billing": {k: "" for k in blank["billing"]},
		"shipping": {k: "" for k in blank["shipping"]},
		"is_paying_customer": False,
		"meta_data": [],
	}
	store._stamp(customer, created=True)
	store.customers[customer["id"]] = customer
	if store.new_account_email and notify:
		store.new_account_emails.append(email)  # the woocommerce_created_customer notification
	return _customer_update(
		store, customer["id"], {k: v for k, v in body.items() if k not in ("id", "password", "username")}
	)


def _customer_update(store: FakeWooCommerceStore, customer_id: int, changes: dict) -> dict:
	customer = _customer(store, customer_id)
	email = changes.get("email")
	if email and email.lower() != customer["email"].lower() and _email_taken(store, email, customer_id):
		raise ApiError(400, "woocommerce_rest_customer_invalid_email", "Email address is invalid.")
	if changes.get("username") and changes["username"] != customer["username"]:
		raise ApiError(400, "woocommerce_rest_customer_invalid_argument", "Username isn't editable.")
	for key, value in changes.items():
		if key in ("id", "password", "username"):
			continue
		if key in ("billing", "shipping") and isinstance(value, dict):
			customer[key].update({k: v for k, v in value.items() if k in customer[key]})
		elif key == "meta_data" and isinstance(value, list):
			_merge_meta(store, customer, value)
		elif key in ("email", "first_name", "last_name"):
			customer[key] = value
	store._stamp(customer)
	return copy.deepcopy(customer)


def _new_account_email_option(store: FakeWooCommerceStore) -> dict:
	"""WooCommerce > Settings > Emails > New account: its Enable/Disable option (Setting Options API)."""
	return {
		"id": "enabled",
		"label": "Enable/Disable",
		"description": "",
		"type": "checkbox",
		"default": "yes",
		"tip": "",
		"value": "yes" if store.new_account_email else "no",
		"group_id": "email_customer_new_account",
	}


# Product categories: WC_REST_Product_Categories_Controller over wp_insert_term / wp_update_term ----


def add_category(store: FakeWooCommerceStore, name: str, parent: int = 0, slug: str | None = None) -> dict:
	"""A category as an administrator makes it in the shop."""
	with store.lock:
		return _category_create(store, {"name": name, "parent": parent, **({"slug": slug} if slug else {})})


def _categories(store: FakeWooCommerceStore, method: str, rest: list[str], query: dict, body: Any):
	if not rest:
		if method == "GET":
			items = list(store.categories.values())
			if query.get("include"):
				wanted = _ids(query["include"])
				items = [c for c in items if c["id"] in wanted]
			if query.get("parent") is not None and query.get("parent") != "":
				items = [c for c in items if c["parent"] == int(query["parent"])]
			if query.get("slug"):
				items = [c for c in items if c["slug"] == query["slug"]]
			if query.get("search"):
				items = [c for c in items if query["search"].lower() in c["name"].lower()]
			orderby = query.get("orderby", "name")
			key = {"id": lambda c: c["id"], "slug": lambda c: c["slug"]}.get(
				orderby, lambda c: c["name"].lower()
			)
			return _list(sorted(items, key=key, reverse=query.get("order", "asc") == "desc"), query)
		if method == "POST":
			return 201, _category_create(store, body or {}), {}
	if rest == ["batch"] and method in ("POST", "PUT", "PATCH"):
		return (
			200,
			_batch(
				store,
				body,
				lambda item: _category_create(store, item),
				lambda item: _category_update(store, int(item.get("id") or 0), item),
				lambda cid: store.categories.pop(_category(store, cid)["id"]),
			),
			{},
		)
	if len(rest) == 1 and rest[0].isdigit():
		if method == "GET":
			return 200, copy.deepcopy(_category(store, int(rest[0]))), {}
		if method in ("PUT", "POST", "PATCH"):
			return 200, _category_update(store, int(rest[0]), body or {}), {}
	raise _no_route()


def _category(store: FakeWooCommerceStore, category_id: int) -> dict:
	if category_id not in store.categories:
		raise ApiError(404, "woocommerce_rest_term_invalid", "Resource does not exist.")
	return store.categories[category_id]


def _slug(text: str) -> str:
	return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split()) or "category"


def _unique_slug(store: FakeWooCommerceStore, slug: str, other_than: int | None = None) -> str:
	taken = {c["slug"] for c in store.categories.values() if c["id"] != other_than}
	candidate, number = slug, 1
	while candidate in taken:
		number += 1
		candidate = f"{slug}-{number}"
	return candidate


def _escaped(name: str) -> str:
	"""WordPress stores and answers term names HTML-escaped (sanitize_term_field)."""
	return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check_parent(store: FakeWooCommerceStore, parent: int) -> None:
	if parent and parent not in store.categories:
		raise ApiError(400, "missing_parent", "Parent term does not exist.")


def _category_create(store: FakeWooCommerceStore, body: dict) -> dict:
	"""wp_insert_term: the same name below the same parent, or a given slug in use, is term_exists
	with the existing term's id in data.resource_id; an automatic slug is made unique."""
	name = str(body.get("name") or "").strip()
	if not name:
		raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): name", {"params": ["name"]})
	parent = int(body.get("parent") or 0)
	_check_parent(store, parent)
	escaped = _escaped(name)
	for existing in store.categories.values():
		same_name = existing["name"].lower() == escaped.lower() and existing["parent"] == parent
		if same_name or (body.get("slug") and existing["slug"] == body["slug"]):
			raise ApiError(
				400,
				"term_exists",
				"A term with the name provided already exists with this parent.",
				{"resource_id": existing["id"]},
			)
	category = {
		"id": store.next_id(),
		"name": escaped,
		"slug": body.get("slug") or _unique_slug(store, _slug(name)),
		"parent": parent,
		"description": str(body.get("description") or ""),
		"display": "default",
		"image": None,
		"menu_order": 0,
		"count": 0,
	}
	store.categories[category["id"]] = category
	return copy.deepcopy(category)


def _category_update(store: FakeWooCommerceStore, category_id: int, changes: dict) -> dict:
	"""wp_update_term: a rename keeps the slug; a slug another term uses is duplicate_term_slug."""
	category = _category(store, category_id)
	if changes.get("slug") and changes["slug"] != category["slug"]:
		if any(c["slug"] == changes["slug"] and c["id"] != category_id for c in store.categories.values()):
			raise ApiError(
				400,
				"duplicate_term_slug",
				f"The slug \u201c{changes['slug']}\u201d is already in use by another term.",
			)
		category["slug"] = changes["slug"]
	if "parent" in changes:
		parent = int(changes.get("parent") or 0)
		_check_parent(store, parent)
		if parent == category_id:
			raise ApiError(400, "woocommerce_rest_term_invalid", "Resource does not exist.")
		category["parent"] = parent
	if changes.get("name"):
		category["name"] = _escaped(str(changes["name"]).strip())
	if "description" in changes:
		category["description"] = str(changes.get("description") or "")
	return copy.deepcopy(category)


def main() -> None:
	"""`python -m woocommerce_sync.testing.fake_store --port 8089 --orders 100`: serve until killed."""
	import argparse
	import signal

	parser = argparse.ArgumentParser(description=main.__doc__)
	parser.add_argument("--port", type=int, default=0)
	parser.add_argument("--orders", type=int, default=0, help="generate this many extra orders")
	args = parser.parse_args()
	store = FakeWooCommerceStore()
	store.start(port=args.port)
	store.generate_orders(args.orders)
	print(
		json.dumps(
			{"url": store.url, "consumer_key": store.consumer_key, "consumer_secret": store.consumer_secret}
		)
	)
	signal.sigwait({signal.SIGINT, signal.SIGTERM})
	store.stop()


if __name__ == "__main__":
	main()
