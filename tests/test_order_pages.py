"""Frappe's offset paging mapped onto WooCommerce's numbered pages, one request per window."""

import pytest

from woocommerce_sync.core.order_pages import page_window

ORDERS = list(range(1, 251))


def served(page: int, per_page: int) -> list[int]:
	"""What WooCommerce answers for ?page=&per_page= over 250 orders."""
	return ORDERS[(page - 1) * per_page : page * per_page]


@pytest.mark.parametrize("length", [1, 7, 20, 37, 100])
def test_every_window_is_one_page_and_the_right_rows(length):
	for start in range(0, 260):
		window = page_window(start, length)
		assert 1 <= window.per_page <= 100
		rows = window.cut(served(window.page, window.per_page))
		assert rows == ORDERS[start : start + len(rows)], (start, length, window)
		if start + length <= len(ORDERS) and window.take == length:
			assert len(rows) == length


def test_desk_paging_asks_for_the_natural_page():
	window = page_window(20, 20)
	assert (window.page, window.per_page, window.skip, window.take) == (2, 20, 0, 20)
	window = page_window(200, 100)
	assert (window.page, window.per_page, window.skip, window.take) == (3, 100, 0, 100)


def test_a_window_no_page_can_hold_is_cut_at_the_page_end():
	window = page_window(150, 100)
	assert (window.page, window.per_page, window.skip, window.take) == (2, 100, 50, 50)


def test_page_length_is_capped_at_what_woocommerce_allows():
	window = page_window(0, 500)
	assert (window.page, window.per_page, window.take) == (1, 100, 100)
	assert page_window(0, 0).per_page == 1
