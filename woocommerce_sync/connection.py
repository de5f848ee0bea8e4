"""Frappe glue around the core client: credentials from the store's settings, every call logged.

Request Log rows go through Frappe's deferred insert (Redis, flushed by the scheduler), so a
sync that rolls its transaction back still leaves the record of the calls that explain why.
"""

import json
import socket
from typing import Any
from urllib.parse import urlsplit

import frappe
from frappe import _
from frappe.deferred_insert import deferred_insert
from frappe.model.document import Document
from frappe.utils import cint, escape_html

from woocommerce_sync.constants import REQUEST_LOG, SETTINGS
from woocommerce_sync.core.causes import DNS, REFUSED, RESET, TIMEOUT, connection_cause
from woocommerce_sync.core.client import (
	BACKGROUND,
	ClientProfile,
	RequestRecord,
	WooCommerceAddressRefused,
	WooCommerceAuthError,
	WooCommerceBadResponse,
	WooCommerceClient,
	WooCommerceConnectionError,
	WooCommerceError,
	WooCommerceNotFound,
	WooCommerceSlow,
	WooCommerceTLSError,
	WooCommerceUnavailable,
	WooCommerceUnreadableAnswer,
)
from woocommerce_sync.core.store_url import non_public_address

# Site config key that lets store URLs lead to private or loopback addresses (test setups, a shop
# on the same private network).
ALLOW_PRIVATE_STORE_URLS = "woocommerce_sync_allow_private_store_urls"


def get_client(store: str | Document, profile: ClientProfile = BACKGROUND) -> WooCommerceClient:
	"""A client for one store; use it as a context manager for one sync run (one connection pool).

	`profile`: BACKGROUND for jobs; INTERACTIVE (core/client.py) where a person waits for the
	answer (Test Connection, the live order view, the Sync buttons): one retry, 10 s in all."""
	settings = frappe.get_doc(SETTINGS, store) if isinstance(store, str) else store
	# Checked again here, not only on save: the host's DNS may have changed since.
	address = refused_store_address(settings.store_url)
	if address:
		raise WooCommerceAddressRefused(
			private_address_message(settings.name, settings.store_url, address),
			store=settings.name,
			url=settings.store_url,
			detail=address,
		)
	return WooCommerceClient(
		settings.store_url,
		settings.get_password("consumer_key", raise_exception=False) or "",
		settings.get_password("consumer_secret", raise_exception=False) or "",
		store_name=settings.name,
		api_version=settings.api_version or "wc/v3",
		verify_ssl=bool(settings.verify_ssl),
		timeout=profile.timeout,
		max_retries=profile.max_retries,
		deadline=profile.deadline,
		max_backoff=profile.max_backoff,
		on_request=log_request,
		user_agent=f"woocommerce_sync ({frappe.local.site})",
		secrets=[settings.get_password("webhook_secret", raise_exception=False)],
		peer_check=None if _private_allowed() else refused_peer,
	)


def refused_store_address(url: str) -> str | None:
	"""The private, loopback or link-local address the store URL leads to, unless the site config
	allows those; None when the host does not resolve (the client then explains that)."""
	if _private_allowed():
		return None
	host = urlsplit(url).hostname or ""
	try:
		addresses = [info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]
	except (OSError, UnicodeError):
		addresses = []
	return non_public_address(host, addresses)


def refused_peer(address: str) -> str | None:
	"""The address a connection reached, if it is not public (DNS may answer differently than it
	did to refused_store_address a moment before)."""
	return non_public_address(address, [])


def _private_allowed() -> bool:
	return bool(cint(frappe.conf.get(ALLOW_PRIVATE_STORE_URLS)))


def private_address_message(store: str, url: str, address: str) -> str:
	return _(
		"WooCommerce store {0}: {1} leads to {2}, an address on a private network or this server, which "
		"this site does not call. Enter the shop's public address; for a test setup or a shop on your "
		"own network, set the site config key {3} to 1 (bench --site <site> set-config {3} 1)."
	).format(store, url, address, ALLOW_PRIVATE_STORE_URLS)


def log_request(record: RequestRecord) -> None:
	"""Queue one Request Log row; the record is already stripped of credentials by the client."""
	row: dict[str, Any] = {
		"store": record.store,
		"method": record.method,
		"endpoint": record.endpoint,
		"status_code": record.status_code,
		"duration_ms": record.duration_ms,
		"attempt": record.attempt,
		"params": json.dumps(record.params, ensure_ascii=False, default=str),
		"request_body": record.request_body,
		"response_body": record.response_body,
		"error": record.error,
		"reference_doctype": record.context.get("reference_doctype"),
		"reference_name": record.context.get("reference_name"),
	}
	try:
		deferred_insert(REQUEST_LOG, [row])
	except Exception:
		frappe.log_error(title=f"WooCommerce Request Log could not be queued for store {record.store}")


def explain(exc: WooCommerceError) -> str:
	"""The error in the user's language, with what to do next; the core's English text is for logs.
	Escaped: Desk shows it as HTML, and the detail quotes the store's answer (often a web page)."""
	store, url, detail = (escape_html(str(value or "")) for value in (exc.store, exc.url, exc.detail))
	if isinstance(exc, WooCommerceAuthError):
		return _(
			"WooCommerce store {0} refused the consumer key/secret: create a Read/Write key under "
			"WooCommerce > Settings > Advanced > REST API and enter it in the store's settings (HTTP {1})."
		).format(store, exc.status_code)
	if isinstance(exc, WooCommerceAddressRefused):
		return private_address_message(store, url, detail)
	if isinstance(exc, WooCommerceTLSError):
		return _(
			"WooCommerce store {0}: the TLS connection to {1} failed ({2}). Fix the server's certificate, "
			"or untick Verify SSL only if you trust this server."
		).format(store, url, detail)
	if isinstance(exc, WooCommerceConnectionError):
		return _(
			"WooCommerce store {0} could not be reached at {1}: {2}. Check the Store URL and that the "
			"shop's server is up."
		).format(store, url, connection_failure(url, detail))
	if isinstance(exc, WooCommerceNotFound) and exc.code == "rest_no_route":
		return _(
			"WooCommerce store {0}: {1} does not exist. Check that the WooCommerce plugin is active and "
			"that the Store URL is the shop's home address."
		).format(store, url)
	if isinstance(exc, WooCommerceNotFound) and not exc.code:
		return _(
			"WooCommerce store {0}: {1} answered 404 with a web page. Set WordPress permalinks to anything "
			"but Plain (Settings > Permalinks) and check the Store URL."
		).format(store, url)
	if isinstance(exc, WooCommerceUnreadableAnswer):
		return _(
			"WooCommerce store {0}: {1} answered HTTP {2} with JSON nested too deeply to read, so the store "
			"answered something that is not a WooCommerce answer. Check what answers at the Store URL (a "
			"proxy, a plugin or another server) before syncing again."
		).format(store, url, exc.status_code)
	if isinstance(exc, WooCommerceBadResponse):
		return _(
			"WooCommerce store {0}: {1} answered HTTP {2} with a web page instead of JSON ({3}). A security "
			"plugin, firewall, maintenance mode or login page is answering instead of WooCommerce: allow "
			"/wp-json/ for this server."
		).format(store, url, exc.status_code, detail)
	if isinstance(exc, WooCommerceSlow):
		return _(
			"WooCommerce store {0} is slow: it did not answer in time ({1}). Try again in a few minutes; if "
			"it stays slow, check the shop's server and hosting limits."
		).format(store, detail)
	if isinstance(exc, WooCommerceUnavailable):
		return _(
			"WooCommerce store {0} did not answer properly ({1}). It will be retried; if this persists, "
			"check the shop's server and hosting limits."
		).format(store, detail)
	return _("WooCommerce store {0} rejected the request: {1}").format(store, escape_html(str(exc)))


def connection_failure(url: str | None, detail: str | None) -> str:
	"""What went wrong, in words; never the HTTP library's text (pools, retries, signed URLs)."""
	cause = connection_cause(detail)
	if cause == DNS:
		return _("there is no server named {0} (the name is not found)").format(
			urlsplit(url or "").hostname or url
		)
	return {
		REFUSED: _("nothing answers on that address (connection refused)"),
		TIMEOUT: _("it did not answer in time"),
		RESET: _("the connection was cut off"),
	}.get(cause, _("the connection failed"))
