"""Read the next page while the current one is imported: one page ahead, in a thread.

A slow store and ERPNext's validation then overlap instead of adding up. The thread only runs the
given iterator (HTTP through a client of its own); the consumer does everything else. Memory is
bounded: the thread asks for item n+1 only once the consumer has taken item n, so at most the
consumer's item and the next one exist. An exception in the thread is raised to the consumer at
the item where it happened; closing the consumer stops the thread before its next item.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()
STOP_POLL_SECONDS = 0.2


class _Raised:
	def __init__(self, exc: BaseException):
		self.exc = exc


def read_ahead(items: Iterator[T]) -> Iterator[T]:
	"""Yield what `items` yields, the next one being produced while the caller works on this one."""
	ready: queue.Queue = queue.Queue(maxsize=1)
	wanted = threading.Semaphore(1)
	stop = threading.Event()

	def produce() -> None:
		try:
			while True:
				while not wanted.acquire(timeout=STOP_POLL_SECONDS):
					if stop.is_set():
						return
				if stop.is_set():
					return
				item = next(items, _END)
				ready.put(item)
				if item is _END:
					return
		except BaseException as exc:
			ready.put(_Raised(exc))

	thread = threading.Thread(target=produce, name="woocommerce-read-ahead", daemon=True)
	thread.start()
	try:
		while True:
			item = ready.get()
			if item is _END:
				return
			if isinstance(item, _Raised):
				raise item.exc
			wanted.release()  # the next page is read while the caller imports this one
			yield item
	finally:
		stop.set()
		thread.join()
