"""WooCommerce REST API client used by every sync path.

Why not `woocommerce.API` directly: it opens a new connection per call (`requests.request`),
has no retries and raises raw `requests` errors whose text carries the OAuth query string.
We keep its OAuth 1.0a signer (the exact algorithm WooCommerce verifies over http) and add a
pooled session, timeouts, retries with backoff and jitter, pagination, batching, a request-log
callback and errors a shop owner can act on. Nothing here imports frappe.
"""

from __future__ import annotations

import email.utils
import json
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth
from woocommerce.oauth import OAuth

from woocommerce_sync.core.peer_check import PeerCheck, PeerCheckedAdapter, PeerRefused
from woocommerce_sync.core.redact import Redactor, truncate

MAX_PER_PAGE = 100  # WooCommerce answers 400 above this (rest_invalid_param), it does not cap.
MAX_BATCH = 100  # create + update + delete objects in one batch call.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
LOG_BODY_LIMIT = 10_000
SLOW_MARGIN = 0.5  # seconds: less than this left of a deadline is not worth another attempt

KEY_HELP = (
	"create a Read/Write key under WooCommerce > Settings > Advanced > REST API "
	"and enter it in the store's settings"
)


@dataclass(frozen=True)
class ClientProfile:
	"""How long a caller can afford to wait on the store.

	Background jobs can wait and retry (a store recovering from a burst, a slow host); a person
	in front of a button cannot: the interactive profile tries twice at most and gives up within
	`deadline` seconds for everything the client asks (one action), then says the store is slow.
	"""

	timeout: tuple[float, float]  # (connect, read) seconds per attempt
	max_retries: int
	deadline: float | None = None  # seconds for all calls of one client, retries and waits included
	max_backoff: float = 30.0


BACKGROUND = ClientProfile(timeout=DEFAULT_TIMEOUT, max_retries=4)
INTERACTIVE = ClientProfile(timeout=(3.0, 4.5), max_retries=1, deadline=10.0, max_backoff=1.0)


@dataclass
class RequestRecord:
	"""One HTTP attempt, already stripped of credentials, for the Request Log."""

	store: str
	method: str
	endpoint: str
	params: dict[str, Any]
	status_code: int | None
	duration_ms: int
	request_body: str | None
	response_body: str | None
	error: str | None
	attempt: int
	context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Response:
	status_code: int
	headers: dict[str, str]
	data: Any


class WooCommerceError(Exception):
	"""A WooCommerce call failed; the message is safe to show and names the store."""

	def __init__(
		self,
		message: str,
		*,
		store: str = "",
		method: str = "",
		endpoint: str = "",
		status_code: int | None = None,
		code: str | None = None,
		url: str = "",
		detail: str = "",
	):
		super().__init__(message)
		self.store = store
		self.method = method
		self.endpoint = endpoint
		self.status_code = status_code
		self.code = code
		self.url = url
		self.detail = detail  # the redacted technical cause, for messages composed by the app


class WooCommerceAuthError(WooCommerceError):
	"""401/403: the consumer key or secret is wrong, revoked or read-only."""


# WooCommerce's own answer for an id it does not hold ("woocommerce_rest_{post_type}_invalid_id" in
# the WC_REST_*_Controller classes). Only this proves a deletion: any other 404 (no route, a web page,
# a plugin's JSON) says nothing about the object.
INVALID_ID_CODES = {
	"orders": "woocommerce_rest_shop_order_invalid_id",
	"products": "woocommerce_rest_product_invalid_id",
	"variations": "woocommerce_rest_product_variation_invalid_id",
	"refunds": "woocommerce_rest_shop_order_refund_invalid_id",
}


class WooCommerceNotFound(WooCommerceError):
	"""404: the object does not exist, or /wp-json is not reachable at all."""

	def proves_deleted(self, kind: str) -> bool:
		"""True only on WooCommerce's own invalid-id answer for `kind` ("orders", "products",
		"variations", "refunds"); never act on a deletion otherwise."""
		return self.code == INVALID_ID_CODES[kind]


class WooCommerceBadResponse(WooCommerceError):
	"""The answer was not WooCommerce's JSON: a security plugin, a maintenance or login page."""


class WooCommerceUnreadableAnswer(WooCommerceBadResponse):
	"""JSON no WooCommerce store sends (nested deeper than Python can decode): not retried, since
	whatever answers at the store URL is not WooCommerce."""


class WooCommerceUnavailable(WooCommerceError):
	"""The store kept failing (5xx, 429, timeouts, connection errors) after every retry."""


class WooCommerceSlow(WooCommerceUnavailable):
	"""The store did not answer in time, on every attempt or within the client's deadline."""


class WooCommerceConnectionError(WooCommerceUnavailable):
	"""The store could not be reached at all: wrong URL, DNS, TLS or a refused connection."""


class WooCommerceTLSError(WooCommerceConnectionError):
	"""The store's TLS certificate could not be verified."""


class WooCommerceAddressRefused(WooCommerceConnectionError):
	"""The store URL leads to a private, loopback or link-local address this site may not call
	(checked by the app before it builds a client, whose message is the app's own, and on every
	new connection by `peer_check`)."""


class WooCommerceRequestError(WooCommerceError):
	"""Any other 4xx: WooCommerce rejected what we sent; its own message says why."""


class _WooCommerceOAuth(OAuth):
	"""The package's signer leaves "/" unencoded (Python's quote), but WooCommerce checks the
	signature with PHP's rawurlencode, which encodes it: any query value with a slash (a search,
	a SKU like TSHIRT/RED) would be refused with 401 on a store served over http."""

	@staticmethod
	def normalize_parameters(params: dict) -> dict:
		return {
			quote(unquote(str(key)), safe="").replace("%", "%25"): quote(
				unquote(str(value)), safe=""
			).replace("%", "%25")
			for key, value in params.items()
		}


class _Retry(Exception):
	"""Internal: this attempt failed in a way worth another try."""

	def __init__(self, reason: str, status_code: int | None = None, wait: float | None = None):
		super().__init__(reason)
		self.reason = reason
		self.status_code = status_code
		self.wait = wait

	@property
	def surely_not_processed(self) -> bool:
		"""True when the store cannot have acted on the request, so even a create may be resent."""
		return self.status_code == 429 or self.reason.startswith(("connect failed", "connect timeout"))


class WooCommerceClient:
	"""One store, one pooled HTTP session: create one per sync run and close it (or use `with`)."""

	def __init__(
		self,
		url: str,
		consumer_key: str,
		consumer_secret: str,
		*,
		store_name: str = "",
		api_version: str = "wc/v3",
		verify_ssl: bool = True,
		timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
		max_retries: int = 4,
		deadline: float | None = None,
		backoff: float = 0.5,
		max_backoff: float = 30.0,
		on_request: Callable[[RequestRecord], None] | None = None,
		user_agent: str = "woocommerce_sync",
		sleep: Callable[[float], None] = time.sleep,
		secrets: Sequence[str | None] = (),
		peer_check: PeerCheck | None = None,
	):
		"""`secrets`: other values to mask wherever the key and secret are masked (the store's
		webhook secret, which webhook registration sends and a store may echo in an error page).
		`deadline`: seconds for everything this client asks, counted from its first request
		(ClientProfile); None waits as long as the timeouts and retries allow.
		`peer_check`: judges the address each new connection reached (core/peer_check.py)."""
		self.url = url.rstrip("/")
		self.store_name = store_name or urlsplit(self.url).netloc
		self.api_version = api_version.strip("/")
		self.consumer_key = consumer_key
		self.consumer_secret = consumer_secret
		self.verify_ssl = verify_ssl
		self.timeout = timeout
		self.max_retries = max_retries
		self.deadline = deadline
		self._expires: float | None = None
		self.backoff = backoff
		self.max_backoff = max_backoff
		self.on_request = on_request
		self.sleep = sleep
		self.is_https = self.url.lower().startswith("https://")
		self.redactor = Redactor([consumer_key, consumer_secret, *secrets])
		self.session = requests.Session()
		self.session.headers.update({"Accept": "application/json", "User-Agent": user_agent})
		pool = {"pool_connections": 1, "pool_maxsize": 4, "max_retries": 0}
		adapter = PeerCheckedAdapter(peer_check, **pool) if peer_check else HTTPAdapter(**pool)
		self.session.mount("http://", adapter)
		self.session.mount("https://", adapter)
		if self.is_https:
			self.session.auth = HTTPBasicAuth(consumer_key, consumer_secret)

	def __enter__(self) -> WooCommerceClient:
		return self

	def __exit__(self, *exc_info: object) -> None:
		self.close()

	def close(self) -> None:
		self.session.close()

	# Plain verbs -------------------------------------------------------------------------------

	def get(self, endpoint: str, params: dict[str, Any] | None = None, **context: Any) -> Any:
		return self.request("GET", endpoint, params=params, context=context).data

	def post(self, endpoint: str, data: Any, params: dict[str, Any] | None = None, **context: Any) -> Any:
		return self.request("POST", endpoint, params=params, json_body=data, context=context).data

	def put(self, endpoint: str, data: Any, params: dict[str, Any] | None = None, **context: Any) -> Any:
		return self.request("PUT", endpoint, params=params, json_body=data, context=context).data

	def delete(self, endpoint: str, params: dict[str, Any] | None = None, **context: Any) -> Any:
		return self.request("DELETE", endpoint, params=params, context=context).data

	# Lists and batches -------------------------------------------------------------------------

	def iter_pages(
		self, endpoint: str, params: dict[str, Any] | None = None, per_page: int = MAX_PER_PAGE
	) -> Iterator[list[dict]]:
		"""Yield each page of a list endpoint, following X-WP-TotalPages (one request per page)."""
		if not 1 <= per_page <= MAX_PER_PAGE:
			raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
		page = 1
		while True:
			query = {**(params or {}), "per_page": per_page, "page": page}
			response = self.request("GET", endpoint, params=query)
			items = response.data if isinstance(response.data, list) else []
			if items:
				yield items
			total_pages = _int_header(response.headers, "X-WP-TotalPages")
			if total_pages is None:
				if len(items) < per_page:
					return
			elif page >= total_pages:
				return
			if not items:
				return
			page += 1

	def iter_all(
		self, endpoint: str, params: dict[str, Any] | None = None, per_page: int = MAX_PER_PAGE
	) -> Iterator[dict]:
		for page in self.iter_pages(endpoint, params, per_page):
			yield from page

	def get_by_ids(
		self, endpoint: str, ids: Sequence[int], params: dict[str, Any] | None = None
	) -> list[dict]:
		"""Fetch objects by id with `include=`, 100 ids per request, never one GET per object."""
		found: list[dict] = []
		unique = list(dict.fromkeys(int(i) for i in ids))
		for start in range(0, len(unique), MAX_PER_PAGE):
			chunk = unique[start : start + MAX_PER_PAGE]
			query = {**(params or {}), "include": ",".join(map(str, chunk))}
			found.extend(self.iter_all(endpoint, query))
		return found

	def batch(
		self,
		endpoint: str,
		create: Sequence[dict] = (),
		update: Sequence[dict] = (),
		delete: Sequence[int] = (),
	) -> dict[str, list]:
		"""Run a `<resource>/batch` call in chunks of at most 100 objects; merge the answers."""
		operations = [("create", item) for item in create]
		operations += [("update", item) for item in update]
		operations += [("delete", item) for item in delete]
		result: dict[str, list] = {"create": [], "update": [], "delete": []}
		for start in range(0, len(operations), MAX_BATCH):
			payload: dict[str, list] = {}
			for action, item in operations[start : start + MAX_BATCH]:
				payload.setdefault(action, []).append(item)
			# Updates and deletes are safe to repeat; a chunk that creates is not.
			response = self.request(
				"POST", f"{endpoint.rstrip('/')}/batch", json_body=payload, idempotent="create" not in payload
			)
			for action in result:
				result[action].extend((response.data or {}).get(action, []))
		return result

	# The one place that talks HTTP -------------------------------------------------------------

	def request(
		self,
		method: str,
		endpoint: str,
		*,
		params: dict[str, Any] | None = None,
		json_body: Any = None,
		idempotent: bool | None = None,
		context: dict[str, Any] | None = None,
	) -> Response:
		"""Send one API call with retries; return its decoded JSON or raise a WooCommerceError.

		POST is not retried after the request may have reached the store (a timeout or a 5xx
		could mean the order was created), only on 429 and on failures to connect.
		"""
		method = method.upper()
		endpoint = endpoint.strip("/")
		if idempotent is None:
			idempotent = method != "POST"
		body = None if json_body is None else json.dumps(json_body, ensure_ascii=False).encode("utf-8")
		if self.deadline is not None and self._expires is None:
			self._expires = time.monotonic() + self.deadline
		attempt = 0
		while True:
			attempt += 1
			try:
				timeout = self._attempt_timeout()
				return self._attempt(method, endpoint, params or {}, body, attempt, context or {}, timeout)
			except _Retry as retry:
				delay = self._delay(attempt, retry.wait)
				if (
					not (idempotent or retry.surely_not_processed)
					or attempt > self.max_retries
					or self._left() < delay + SLOW_MARGIN
				):
					failure = self._give_up(method, endpoint, retry, attempt)
					break
				self.sleep(delay)
			except WooCommerceError as exc:
				failure = exc
				break
		# Raised afresh from this frame: the frames below hold the signed URL (the consumer key and
		# the OAuth signature on http stores), and Frappe's Error Log prints every frame's locals.
		raise failure.with_traceback(None) from None

	def _attempt(
		self,
		method: str,
		endpoint: str,
		params: dict[str, Any],
		body: bytes | None,
		attempt: int,
		context: dict[str, Any],
		timeout: float | tuple[float, float],
	) -> Response:
		url = f"{self.url}/wp-json/{self.api_version}/{endpoint}"
		query = {k: _query_value(v) for k, v in params.items() if v is not None}
		if not self.is_https:
			# OAuth 1.0a one-legged, signed over the full query exactly as WooCommerce checks it.
			signer = _WooCommerceOAuth(
				url=f"{url}?{urlencode(query)}" if query else url,
				consumer_key=self.consumer_key,
				consumer_secret=self.consumer_secret,
				version=self.api_version,
				method=method,
			)
			url, query = signer.get_oauth_url(), {}
		headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else {}
		started = time.monotonic()
		status_code: int | None = None
		response_text: str | None = None
		error: str | None = None
		try:
			try:
				http = self.session.request(
					method,
					url,
					params=query or None,
					data=body,
					headers=headers,
					timeout=timeout,
					verify=self.verify_ssl,
				)
				status_code = http.status_code
				response_text = http.text
			except PeerRefused as exc:
				error = f"address refused: {exc.address}"
				raise WooCommerceAddressRefused(
					f"WooCommerce store {self.store_name}: {self.url} led this connection to {exc.address}, "
					"an address on a private network or this server, which this site does not call.",
					store=self.store_name,
					method=method,
					endpoint=endpoint,
					url=self.url,
					detail=exc.address,
				) from None
			except requests.exceptions.SSLError as exc:
				error = f"TLS error: {exc}"
				detail = self.redactor.text(str(exc)) or ""
				raise WooCommerceTLSError(
					f"WooCommerce store {self.store_name}: the TLS connection to {self.url} failed "
					f"({detail}). Fix the certificate, or untick 'Verify SSL' only if you trust this server.",
					store=self.store_name,
					method=method,
					endpoint=endpoint,
					url=self.url,
					detail=detail,
				) from None
			except requests.exceptions.ConnectTimeout as exc:
				error = f"connect timeout: {exc}"
				raise _Retry("connect timeout") from None
			except requests.exceptions.ReadTimeout as exc:
				error = f"read timeout: {exc}"
				raise _Retry(f"no answer within {_read_timeout(timeout):g} s") from None
			except requests.exceptions.ConnectionError as exc:
				error = f"connection error: {exc}"
				# A connection that broke mid-answer may have done the work; one never made did not.
				reason = "connection broken" if _is_broken_response(exc) else "connect failed"
				raise _Retry(f"{reason}: {self.redactor.text(str(exc))}") from None
			except requests.exceptions.RequestException as exc:
				error = f"request error: {exc}"
				raise _Retry(f"connection broken: {self.redactor.text(str(exc))}") from None
			return self._decode(method, endpoint, http)
		except WooCommerceError as exc:
			error = error or str(exc)
			raise
		except _Retry as exc:
			error = error or exc.reason
			raise
		finally:
			self._log(
				RequestRecord(
					store=self.store_name,
					method=method,
					endpoint=endpoint,
					params=self.redactor.params(params),
					status_code=status_code,
					duration_ms=round((time.monotonic() - started) * 1000),
					request_body=self.redactor.body(body, LOG_BODY_LIMIT),
					response_body=self.redactor.body(response_text, LOG_BODY_LIMIT),
					error=self.redactor.text(error),
					attempt=attempt,
					context=context,
				)
			)

	def _decode(self, method: str, endpoint: str, http: requests.Response) -> Response:
		status = http.status_code
		content_type = http.headers.get("Content-Type", "")
		too_deep = False
		try:
			data = json.loads(http.content, parse_int=_whole_number) if http.content else None
			is_json = True
		except ValueError:
			data, is_json = None, False
		except RecursionError:
			data, is_json, too_deep = None, False, True
		if status in RETRY_STATUSES:
			raise _Retry(f"HTTP {status}", status_code=status, wait=_retry_after(http.headers))
		if too_deep:
			raise self._unreadable(method, endpoint, status)
		if not is_json:
			if "json" in content_type.lower() and 200 <= status < 300:
				# Declared JSON but cut short: a dropped connection or a proxy; worth another try.
				raise _Retry(f"HTTP {status} with an incomplete JSON body", status_code=None)
			raise self._not_json(method, endpoint, http)
		if 200 <= status < 300:
			return Response(status, dict(http.headers), data)
		raise self._http_error(method, endpoint, status, data)

	# Errors a person can act on ----------------------------------------------------------------

	def _http_error(self, method: str, endpoint: str, status: int, data: Any) -> WooCommerceError:
		code = data.get("code") if isinstance(data, dict) else None
		message = self.redactor.text(data.get("message")) if isinstance(data, dict) else None
		where = dict(
			store=self.store_name,
			method=method,
			endpoint=endpoint,
			status_code=status,
			code=code,
			url=f"{self.url}/wp-json/{self.api_version}/{endpoint}",
			detail=message or "",
		)
		if status in (401, 403):
			return WooCommerceAuthError(
				f"WooCommerce store {self.store_name} refused the consumer key/secret: {KEY_HELP} "
				f"(HTTP {status}{f' {code}' if code else ''}).",
				**where,
			)
		if status == 404 and code == "rest_no_route":
			return WooCommerceNotFound(
				f"WooCommerce store {self.store_name} has no REST route /wp-json/{self.api_version}/{endpoint}: "
				"check that WooCommerce is active and that the store URL is the shop's home address.",
				**where,
			)
		if status == 404:
			return WooCommerceNotFound(
				self.redactor.text(
					f"WooCommerce store {self.store_name}: {method} {endpoint} was not found "
					f"({code or 'HTTP 404'}: {message or 'no message'})."
				),
				**where,
			)
		return WooCommerceRequestError(
			self.redactor.text(
				f"WooCommerce store {self.store_name} rejected {method} {endpoint} with HTTP {status} "
				f"({code or 'no code'}): {message or 'no message'}."
			),
			**where,
		)

	def _not_json(self, method: str, endpoint: str, http: requests.Response) -> WooCommerceError:
		url = f"{self.url}/wp-json/{self.api_version}/{endpoint}"
		snippet = self.redactor.text(" ".join(http.text[:200].split())) or ""
		where = dict(
			store=self.store_name,
			method=method,
			endpoint=endpoint,
			status_code=http.status_code,
			url=url,
			detail=snippet,
		)
		hint = (
			"Is the store URL right and are WordPress permalinks set to anything but 'Plain' "
			"(Settings > Permalinks)?"
			if http.status_code == 404
			else "A security plugin, firewall, maintenance mode or login page may be answering instead of "
			"WooCommerce: allow /wp-json/ for this server."
		)
		return (WooCommerceNotFound if http.status_code == 404 else WooCommerceBadResponse)(
			self.redactor.text(
				f"WooCommerce store {self.store_name}: {url} answered HTTP {http.status_code} "
				f"({http.headers.get('Content-Type') or 'no content type'}) instead of JSON: "
				f"{truncate(snippet, 200)!r}. {hint}"
			),
			**where,
		)

	def _unreadable(self, method: str, endpoint: str, status: int) -> WooCommerceError:
		url = f"{self.url}/wp-json/{self.api_version}/{endpoint}"
		return WooCommerceUnreadableAnswer(
			f"WooCommerce store {self.store_name}: {url} answered HTTP {status} with JSON nested too deeply "
			"to read, so the store answered something that is not a WooCommerce answer. Check what "
			"answers at the store URL (a proxy, a plugin or another server) before syncing again.",
			store=self.store_name,
			method=method,
			endpoint=endpoint,
			status_code=status,
			url=url,
			detail="JSON nested too deeply",
		)

	def _give_up(self, method: str, endpoint: str, retry: _Retry, attempt: int) -> WooCommerceError:
		tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
		where = dict(
			store=self.store_name,
			method=method,
			endpoint=endpoint,
			status_code=retry.status_code,
			url=self.url,
			detail=self.redactor.text(retry.reason) or "",
		)
		if retry.reason.startswith(("no answer within", "connect timeout")):
			waited = (
				f"{self.deadline:g} s" if self.deadline is not None else retry.reason.split(" within ")[-1]
			)
			return WooCommerceSlow(
				f"WooCommerce store {self.store_name} is slow: it did not answer {method} {endpoint} within "
				f"{waited} ({tries}). Try again in a few minutes; if it stays slow, check the store's "
				"server and hosting limits.",
				**{**where, "detail": f"no answer within {waited}"},
			)
		if retry.reason.startswith("connect failed"):
			return WooCommerceConnectionError(
				self.redactor.text(
					f"WooCommerce store {self.store_name} could not be reached at {self.url} after {tries} "
					f"({retry.reason}). Check the store URL and that the server is up."
				),
				**where,
			)
		return WooCommerceUnavailable(
			self.redactor.text(
				f"WooCommerce store {self.store_name} did not answer {method} {endpoint} properly after "
				f"{tries} ({retry.reason}). It will be retried on the next sync; if this persists, check "
				"the store's server and hosting limits."
			),
			**where,
		)

	# Helpers -----------------------------------------------------------------------------------

	def _delay(self, attempt: int, retry_after: float | None) -> float:
		"""Exponential backoff with full jitter; Retry-After wins when the store sends it."""
		if retry_after is not None:
			return min(max(retry_after, 0.0), self.max_backoff)
		ceiling = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
		return random.uniform(ceiling / 2, ceiling)

	def _left(self) -> float:
		"""Seconds left before the deadline (infinite without one)."""
		return float("inf") if self._expires is None else self._expires - time.monotonic()

	def _attempt_timeout(self) -> float | tuple[float, float]:
		"""The profile's timeout, cut so that connecting and reading fit in what is left."""
		left = self._left()
		if left == float("inf"):
			return self.timeout
		if left < SLOW_MARGIN:
			raise _Retry(f"no answer within {self.deadline:g} s")
		connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
		connect = min(connect, left / 3)
		return (connect, min(read, left - connect))

	def _log(self, record: RequestRecord) -> None:
		"""The callback must not raise: the app's logger reports its own failures (connection.py)."""
		if self.on_request is not None:
			self.on_request(record)


def _read_timeout(timeout: float | tuple[float, float]) -> float:
	return timeout[1] if isinstance(timeout, tuple) else timeout


def _query_value(value: Any) -> Any:
	if isinstance(value, bool):
		return "true" if value else "false"
	if isinstance(value, list | tuple | set):
		return ",".join(str(v) for v in value)
	return value


def _int_header(headers: Any, name: str) -> int | None:
	try:
		return int(headers.get(name))
	except (TypeError, ValueError):
		return None


def _retry_after(headers: Any) -> float | None:
	value = headers.get("Retry-After")
	if not value:
		return None
	try:
		return float(value)
	except ValueError:
		pass
	try:
		return max(email.utils.parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
	except (TypeError, ValueError):
		return None


def _is_broken_response(exc: Exception) -> bool:
	text = str(exc)
	return any(
		s in text for s in ("IncompleteRead", "RemoteDisconnected", "Connection broken", "reset by peer")
	)


def _whole_number(digits: str) -> int | str:
	"""A JSON integer; one longer than Python converts (4,300 digits by default) stays text, so that
	the order holding it fails alone in its mapping instead of making its whole page unreadable."""
	limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()  # no limit before Python 3.10.7
	return digits if limit and len(digits.lstrip("-")) > limit else int(digits)
