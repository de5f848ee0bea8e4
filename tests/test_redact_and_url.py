"""Credential redaction and store URL rules, without a network."""

import pytest

from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.redact import MASK, Redactor
from woocommerce_sync.core.store_url import StoreURLError, non_public_address, normalize_store_url

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"


def test_text_masks_known_secrets_and_oauth_parameters():
	text = (
		f"Max retries exceeded with url: /wp-json/wc/v3/orders?oauth_consumer_key={KEY}"
		"&oauth_nonce=abc&oauth_signature=R3ZM%2F71vz&page=2 Authorization: Basic Y2s6Y3M="
	)
	clean = Redactor([KEY, SECRET]).text(text)
	assert KEY not in clean and "R3ZM" not in clean and "Y2s6Y3M=" not in clean
	assert "page=2" in clean
	assert f"oauth_signature={MASK}" in clean


def test_params_drop_authentication_parameters():
	clean = Redactor([KEY]).params(
		{"consumer_key": KEY, "consumer_secret": SECRET, "oauth_signature": "x", "status": "processing"}
	)
	assert clean == {"status": "processing"}


def test_body_masks_secret_keys_at_any_depth_and_truncates():
	body = '{"name": "hook", "secret": "s3cret", "nested": [{"password": "p"}], "note": "' + "x" * 50 + '"}'
	clean = Redactor().body(body, limit=40)
	assert "s3cret" not in clean and '"p"' not in clean
	assert clean.endswith("more characters]")


def test_the_clients_redactor_masks_the_webhook_secret_in_text():
	"""A store's error page may echo what webhook registration sent; it is not JSON, so only the
	list of secret values can catch it."""
	hook_secret = "whsec_0123456789abcdef"
	with WooCommerceClient("https://shop.example.com", KEY, SECRET, secrets=[hook_secret]) as client:
		clean = client.redactor.text(f"<html>Invalid webhook secret {hook_secret} for {KEY}</html>")
	assert hook_secret not in clean and KEY not in clean
	assert clean == f"<html>Invalid webhook secret {MASK} for {MASK}</html>"


def test_body_nested_deeper_than_python_recurses_is_masked_as_text():
	raw = "[" * 100_000 + f'"{SECRET}"' + "]" * 100_000
	clean = Redactor([SECRET]).body(raw, limit=200_000)
	assert SECRET not in clean and MASK in clean


@pytest.mark.parametrize(
	"host, addresses, refused",
	[
		("shop.example.com", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"], None),
		("8.8.8.8", [], None),
		("shop.example.com", [], None),  # did not resolve: the client explains that
		("shop.example.com", ["93.184.215.14", "10.0.0.5"], "10.0.0.5"),
		("127.0.0.1", ["127.0.0.1"], "127.0.0.1"),
		("localhost", [], "localhost"),
		("intranet", ["192.168.1.20"], "192.168.1.20"),
		("intranet", ["172.16.4.1"], "172.16.4.1"),
		("metadata", ["169.254.169.254"], "169.254.169.254"),
		("0.0.0.0", [], "0.0.0.0"),
		("cgnat", ["100.64.0.1"], "100.64.0.1"),
		("reserved", ["240.0.0.1"], "240.0.0.1"),
		("multicast", ["224.0.0.1"], "224.0.0.1"),
		("[::1]", [], "::1"),
		("ula", ["fd12:3456:789a::1"], "fd12:3456:789a::1"),
		("linklocal", ["fe80::1%eth0"], "fe80::1%eth0"),
		("sitelocal", ["fec0::1"], "fec0::1"),
		("multicast6", ["ff02::1"], "ff02::1"),
		("mapped", ["::ffff:127.0.0.1"], "::ffff:127.0.0.1"),
		("mapped", ["::ffff:8.8.8.8"], None),
		("sixtofour", ["2002:a00:5::1"], "2002:a00:5::1"),
	],
)
def test_store_addresses_off_the_public_internet_are_named(host, addresses, refused):
	assert non_public_address(host, addresses) == refused


@pytest.mark.parametrize(
	"raw, expected",
	[
		("shop.example.com", "https://shop.example.com"),
		("HTTPS://Shop.Example.com/", "https://shop.example.com"),
		("https://example.com/shop/wp-json/wc/v3", "https://example.com/shop"),
		("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
		("http://localhost:8000", "http://localhost:8000"),
		("http://[::1]:9000/", "http://[::1]:9000"),
		("https://shop.example.com/?x=1#top", "https://shop.example.com"),
	],
)
def test_store_url_is_normalised(raw, expected):
	assert normalize_store_url(raw) == expected


@pytest.mark.parametrize(
	"raw, code",
	[
		("", "missing"),
		("ftp://shop.example.com", "invalid"),
		("http://shop.example.com", "insecure"),
		("http://10.0.0.5", "insecure"),
		("https://user:pass@shop.example.com", "credentials"),
	],
)
def test_unusable_store_urls_are_refused_with_a_reason(raw, code):
	with pytest.raises(StoreURLError) as raised:
		normalize_store_url(raw)
	assert raised.value.code == code
