"""Internationalised e-mail domains become punycode; everything else stays as it was."""

import pytest

from tests.test_order_mapping import config, sample_order
from woocommerce_sync.core.emails import ascii_email
from woocommerce_sync.core.order_mapping import map_order


@pytest.mark.parametrize(
	("typed", "stored"),
	[
		("kunde@bücher.de", "kunde@xn--bcher-kva.de"),
		("user@例え.jp", "user@xn--r8jz45g.jp"),
		("info@ドメイン。テスト", "info@xn--eckwd4c7c.xn--zckzah"),  # an ideographic full stop
		("kunde@BÜCHER.de", "kunde@xn--bcher-kva.de"),  # IDNA maps case
		("müller@bücher.de", "müller@xn--bcher-kva.de"),  # the local part is the mailbox's own
		("jane.doe@example.com", "jane.doe@example.com"),
		("no-at-sign", "no-at-sign"),
		("@bücher.de", "@bücher.de"),
		("kunde@", "kunde@"),
		("a@" + "ü" * 70 + ".de", "a@" + "ü" * 70 + ".de"),  # a label too long for DNS: left to be refused
	],
)
def test_ascii_email(typed, stored):
	assert ascii_email(typed) == stored


def test_the_order_keeps_the_typed_address_and_maps_the_punycode_one():
	order = sample_order("order_get_guest.json")
	order["billing"]["email"] = " Kunde@Bücher.de "
	order["shipping"]["email"] = "kunde@bücher.de"
	draft = map_order(order, config())
	assert draft.customer.email == "kunde@xn--bcher-kva.de"
	assert draft.customer.original_email == "kunde@bücher.de"
	assert draft.billing_address.email == "kunde@xn--bcher-kva.de"


def test_an_ascii_address_is_its_own_original():
	order = sample_order("order_get_guest.json")
	draft = map_order(order, config())
	assert draft.customer.email == draft.customer.original_email == "hanako@example.jp"
