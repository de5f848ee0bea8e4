"""Download one image the store lists: streamed with a byte cap, image types only, timeouts.

The caller passes `check_url`, which refuses addresses the site must not call (the store client's
private-address policy); it is asked again for every redirect, so a public URL cannot lead the
download onto the private network.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

TIMEOUT = (5.0, 30.0)  # connect, read (seconds per chunk, not for the whole file)
CHUNK = 64 * 1024
MAX_REDIRECTS = 3


class ImageDownloadError(Exception):
	"""`code`: refused, unreachable, status, not_image or too_large; the message is for logs."""

	def __init__(self, code: str, url: str, message: str):
		super().__init__(message)
		self.code = code
		self.url = url


@dataclass(frozen=True)
class Download:
	content: bytes
	content_type: str


def download_image(
	url: str,
	max_bytes: int,
	check_url: Callable[[str], str | None],
	session: requests.Session | None = None,
	verify: bool = True,
	timeout: tuple[float, float] = TIMEOUT,
) -> Download:
	"""The image at `url`, or ImageDownloadError. `check_url` answers why a URL is refused, or None."""
	http = session or requests.Session()
	try:
		for _ in range(MAX_REDIRECTS + 1):
			if urlsplit(url).scheme not in ("http", "https"):
				raise ImageDownloadError("refused", url, f"{url} is not an http(s) address")
			refused = check_url(url)
			if refused:
				raise ImageDownloadError("refused", url, refused)
			try:
				response = http.get(url, stream=True, timeout=timeout, verify=verify, allow_redirects=False)
			except requests.RequestException as exc:
				raise ImageDownloadError("unreachable", url, f"{url} could not be fetched: {exc}") from None
			with response:
				if response.is_redirect and response.headers.get("Location"):
					url = urljoin(url, response.headers["Location"])
					continue
				return _read(url, response, max_bytes)
		raise ImageDownloadError("unreachable", url, f"{url} redirects more than {MAX_REDIRECTS} times")
	finally:
		if session is None:
			http.close()


def _read(url: str, response: requests.Response, max_bytes: int) -> Download:
	if response.status_code != 200:
		raise ImageDownloadError("status", url, f"{url} answered HTTP {response.status_code}")
	content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
	if not content_type.startswith("image/"):
		raise ImageDownloadError("not_image", url, f"{url} is {content_type or 'of no type'}, not an image")
	declared = response.headers.get("Content-Length")
	if declared and declared.isdigit() and int(declared) > max_bytes:
		raise ImageDownloadError("too_large", url, f"{url} is {declared} bytes, over {max_bytes}")
	content = bytearray()
	try:
		for chunk in response.iter_content(CHUNK):
			content += chunk
			if len(content) > max_bytes:
				raise ImageDownloadError("too_large", url, f"{url} is over {max_bytes} bytes")
	except requests.RequestException as exc:
		raise ImageDownloadError("unreachable", url, f"{url} was cut off: {exc}") from None
	return Download(bytes(content), content_type)
