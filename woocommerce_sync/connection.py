"""Frappe glue around the core client: credentials from the store's settings, every call logged.

Request Log rows go through Frappe's deferred insert (Redis, flushed by the scheduler), so a
sync that rolls its transaction back still leaves the record of the calls that explain why.
"""

import json
from typing import Any

import frappe
from frappe.deferred_insert import deferred_insert
from frappe.model.document import Document

from woocommerce_sync.core.client import DEFAULT_TIMEOUT, RequestRecord, WooCommerceClient

SETTINGS = "WooCommerce Integration Settings"
REQUEST_LOG = "WooCommerce Request Log"


def get_client(
	store: str | Document,
	*,
	timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
	max_retries: int = 4,
) -> WooCommerceClient:
	"""A client for one store; use it as a context manager for one sync run (one connection pool)."""
	settings = frappe.get_doc(SETTINGS, store) if isinstance(store, str) else store
	return WooCommerceClient(
		settings.store_url,
		settings.get_password("consumer_key", raise_exception=False) or "",
		settings.get_password("consumer_secret", raise_exception=False) or "",
		store_name=settings.name,
		api_version=settings.api_version or "wc/v3",
		verify_ssl=bool(settings.verify_ssl),
		timeout=timeout,
		max_retries=max_retries,
		on_request=log_request,
		user_agent=f"woocommerce_sync ({frappe.local.site})",
	)


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
