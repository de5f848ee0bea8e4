"""The HTTP library's connection errors become one plain cause each."""

import pytest

from woocommerce_sync.core.causes import DNS, OTHER, REFUSED, RESET, TIMEOUT, connection_cause


@pytest.mark.parametrize(
	("detail", "cause"),
	[
		(
			"connect failed: HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: "
			"/wp-json/wc/v3/orders?oauth_signature=*** (Caused by NewConnectionError('<urllib3.connection."
			"HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
			REFUSED,
		),
		(
			"connect failed: HTTPSConnectionPool(host='shop.invalid', port=443): Max retries exceeded (Caused by "
			"NameResolutionError(\"Failed to resolve 'shop.invalid' ([Errno -2] Name or service not known)\"))",
			DNS,
		),
		("connect timeout", TIMEOUT),
		(
			"connection broken: ('Connection aborted.', RemoteDisconnected('Remote end closed connection'))",
			RESET,
		),
		("", OTHER),
		(None, OTHER),
	],
)
def test_cause(detail, cause):
	assert connection_cause(detail) == cause
