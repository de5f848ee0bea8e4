import pytest

from woocommerce_sync.testing.fake_store import FakeWooCommerceStore


@pytest.fixture
def fake_store():
	"""A fresh fake WooCommerce store on a random loopback port, seeded from the recorded answers."""
	with FakeWooCommerceStore() as store:
		yield store
