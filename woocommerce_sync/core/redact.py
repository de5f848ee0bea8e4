"""Keep credentials out of everything we log, store or raise.

WooCommerce puts the consumer key and an OAuth signature in the query string over http, and
exception texts from requests/urllib3 repeat that URL verbatim, so every string that leaves the
client passes through here first.
"""

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"

# Query parameters that authenticate a call (OAuth 1.0a over http, query-string auth over https).
SECRET_PARAMS = frozenset(
	{
		"consumer_key",
		"consumer_secret",
		"oauth_consumer_key",
		"oauth_signature",
		"oauth_nonce",
		"oauth_timestamp",
		"oauth_signature_method",
		"oauth_token",
	}
)

# JSON keys whose values are secrets (a webhook's `secret`, a customer's `password`, ...).
SECRET_KEYS = frozenset({"secret", "password", "consumer_key", "consumer_secret", "token", "access_token"})

_PARAM_PATTERN = re.compile(
	r"(?P<name>(?:oauth_[a-z_]+|consumer_key|consumer_secret))(?P<sep>=|%3D)(?P<value>[^&\s'\"<>]*)",
	re.IGNORECASE,
)
_BASIC_PATTERN = re.compile(r"(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+", re.IGNORECASE)


class Redactor:
	"""Masks the given secret values, OAuth/query auth parameters and Authorization values."""

	def __init__(self, secrets: Iterable[str | None] = ()):
		# Longest first, so a secret that contains another is masked whole.
		self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

	def text(self, value: str | None) -> str | None:
		if not value:
			return value
		for secret in self.secrets:
			value = value.replace(secret, MASK)
		value = _PARAM_PATTERN.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", value)
		return _BASIC_PATTERN.sub(lambda m: f"{m.group(1)} {MASK}", value)

	def params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
		"""Query parameters without authentication parameters, the rest redacted as text."""
		clean: dict[str, Any] = {}
		for key, value in (params or {}).items():
			if str(key).lower() in SECRET_PARAMS:
				continue
			clean[key] = self.data(value)
		return clean

	def data(self, value: Any) -> Any:
		"""A JSON-like structure with secret keys masked and secret values removed from strings."""
		if isinstance(value, Mapping):
			return {
				k: (MASK if str(k).lower() in SECRET_KEYS and v else self.data(v)) for k, v in value.items()
			}
		if isinstance(value, list | tuple):
			return [self.data(v) for v in value]
		if isinstance(value, str):
			return self.text(value)
		return value

	def body(self, raw: str | bytes | None, limit: int) -> str | None:
		"""A request/response body for a log: secrets masked, then cut to `limit` characters."""
		if raw is None:
			return None
		if isinstance(raw, bytes):
			raw = raw.decode("utf-8", errors="replace")
		try:
			text = json.dumps(self.data(json.loads(raw)), ensure_ascii=False)
		except (ValueError, RecursionError):
			# Not JSON, or nested deeper than Python recurses (a hostile answer): masked as text.
			text = self.text(raw) or ""
		return truncate(text, limit)


def truncate(text: str, limit: int) -> str:
	if len(text) <= limit:
		return text
	return f"{text[:limit]}… [{len(text) - limit} more characters]"
