"""Each new connection to a store is checked at the address it actually reached.

The app checks the store's host name before it builds a client, but requests resolves the name
again for every connection it opens. A host whose DNS answers a public address to the check and
127.0.0.1 or an internal address to the connection (DNS rebinding) would otherwise lead the site
to call its own network. So the socket's peer address is judged right after connect, before a
byte is sent; through a proxy the peer is the proxy, which requests handles with its own pools.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# Given the peer's IP address: the address if this site may not call it, else None.
PeerCheck = Callable[[str], "str | None"]


class PeerRefused(Exception):
	"""Not an OSError, so neither urllib3 nor requests retries it or turns it into a connection
	error: the client explains it as the refused address it is."""

	def __init__(self, address: str):
		super().__init__(address)
		self.address = address


class PeerCheckedAdapter(HTTPAdapter):
	"""An HTTPAdapter whose direct connections pass `peer_check` before they are used."""

	def __init__(self, peer_check: PeerCheck, **kwargs: Any):
		self._peer_check = peer_check
		super().__init__(**kwargs)

	def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
		super().init_poolmanager(*args, **kwargs)
		check = staticmethod(self._peer_check)
		self.poolmanager.pool_classes_by_scheme = {
			"http": type(
				"PeerCheckedHTTPPool",
				(HTTPConnectionPool,),
				{"ConnectionCls": type("PeerCheckedHTTP", (_Checked, HTTPConnection), {"peer_check": check})},
			),
			"https": type(
				"PeerCheckedHTTPSPool",
				(HTTPSConnectionPool,),
				{
					"ConnectionCls": type(
						"PeerCheckedHTTPS", (_Checked, HTTPSConnection), {"peer_check": check}
					)
				},
			),
		}


class _Checked:
	peer_check: PeerCheck

	def _new_conn(self):  # urllib3's hook that opens the TCP socket, before TLS and the request
		sock = super()._new_conn()
		refused = self.peer_check(sock.getpeername()[0])
		if refused:
			sock.close()
			raise PeerRefused(refused)
		return sock
