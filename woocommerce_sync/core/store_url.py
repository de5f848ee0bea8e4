"""The store URL as WooCommerce needs it: one canonical form, https unless on this machine, and
on the public internet unless the site allows otherwise."""

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit


class StoreURLError(ValueError):
	"""The URL cannot be used. `code` lets the app show its own translated text for each case."""

	def __init__(self, code: str, url: str, message: str):
		super().__init__(message)
		self.code = code
		self.url = url


def is_loopback(host: str) -> bool:
	if host == "localhost" or host.endswith(".localhost"):
		return True
	try:
		return ipaddress.ip_address(host.strip("[]")).is_loopback
	except ValueError:
		return False


def normalize_store_url(url: str) -> str:
	"""Lower-case scheme and host, no trailing slash, no /wp-json suffix, no query or fragment."""
	url = (url or "").strip()
	if not url:
		raise StoreURLError(
			"missing", url, "Enter the shop's home address, for example https://shop.example.com."
		)
	if "://" not in url:
		url = f"https://{url}"
	parts = urlsplit(url)
	scheme = parts.scheme.lower()
	if scheme not in ("http", "https") or not parts.hostname:
		raise StoreURLError(
			"invalid", url, f"{url} is not a web address; enter it like https://shop.example.com."
		)
	if parts.username or parts.password:
		raise StoreURLError(
			"credentials",
			url,
			"Do not put a user name or password in the store URL; use the consumer key fields.",
		)
	host = parts.hostname.lower()
	if scheme == "http" and not is_loopback(host):
		raise StoreURLError(
			"insecure",
			url,
			f"{url} uses http: WooCommerce's REST API needs https for a store on another machine, "
			"so that the consumer key and the orders' personal data are not sent in clear text.",
		)
	netloc = f"[{host}]" if ":" in host else host
	if parts.port:
		netloc = f"{netloc}:{parts.port}"
	path = parts.path.rstrip("/")
	wp_json = path.lower().find("/wp-json")
	if wp_json != -1:
		path = path[:wp_json]
	return urlunsplit((scheme, netloc, path, "", ""))


def non_public_address(host: str, addresses: Iterable[str]) -> str | None:
	"""The first address of `host` (itself if it is an IP literal, else what it resolved to) that is
	not a public internet address, or None when all are public.

	A store URL is called from the server and its answers are shown in error messages, so a URL on
	a private, loopback, link-local, reserved or multicast address would let a settings editor probe
	the internal network. IPv4 addresses wrapped in IPv6 (mapped, 6to4) are judged by the IPv4 one.
	"""
	host = host.strip("[]")
	for candidate in (host, *addresses):
		try:
			address = ipaddress.ip_address(candidate.split("%", 1)[0])  # without an IPv6 zone id
		except ValueError:
			continue  # a host name, not an address
		if not _is_public(address):
			return candidate
	return host if is_loopback(host) else None


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
	if isinstance(address, ipaddress.IPv6Address):
		embedded = address.ipv4_mapped or address.sixtofour
		if embedded is not None:
			return _is_public(embedded)
		if address.is_site_local:
			return False
	return address.is_global and not (address.is_multicast or address.is_reserved)
