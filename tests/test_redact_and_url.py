"""Credential redaction and store URL rules, without a network."""

import pytest

from woocommerce_sync.core.redact import MASK, Redactor
from woocommerce_sync.core.store_url import StoreURLError, normalize_store_url

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
