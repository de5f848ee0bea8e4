"""core/read_ahead.py: items in order, one ahead at most, errors where they happened."""

import threading

import pytest

from woocommerce_sync.core.read_ahead import read_ahead


def test_items_arrive_in_order():
	assert list(read_ahead(iter(range(50)))) == list(range(50))


def test_the_next_item_is_read_while_the_caller_works_but_never_two_ahead():
	produced = []
	next_read = threading.Event()

	def items():
		for n in range(5):
			produced.append(n)
			if n == 1:
				next_read.set()
			yield n

	seen = []
	for item in read_ahead(items()):
		if item == 0:
			assert next_read.wait(5), "item 1 was not read while item 0 was being worked on"
		assert max(produced) <= item + 1
		seen.append(item)
	assert seen == [0, 1, 2, 3, 4]


def test_an_error_reaches_the_caller_after_the_items_before_it():
	def items():
		yield 1
		raise ValueError("store down")

	seen = []
	with pytest.raises(ValueError, match="store down"):
		for item in read_ahead(items()):
			seen.append(item)
	assert seen == [1]


def test_closing_early_stops_the_thread():
	produced = []

	def items():
		for n in range(100):
			produced.append(n)
			yield n

	reader = read_ahead(items())
	assert next(reader) == 0
	reader.close()
	assert len(produced) <= 2
	assert not [t for t in threading.enumerate() if t.name == "woocommerce-read-ahead"]
