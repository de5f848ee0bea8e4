"""WooCommerce customers as the drafts the order import's CustomerResolver matches, and the push body."""

import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from woocommerce_sync.core.customer_mapping import (
	CustomerMappingError,
	customer_body,
	map_customer,
	modified_since,
)
from woocommerce_sync.core.order_mapping import MappingConfig, map_order

FIXTURES = Path(__file__).resolve().parent.parent / "woocommerce_sync" / "testing" / "fixtures"


def recorded(name: str) -> dict:
	return json.loads((FIXTURES / f"{name}.json").read_text())["body"]


def test_the_recorded_customer():
	record = map_customer(recorded("customer_create"))
	assert record.woocommerce_id == 2
	assert record.customer.email == "jane.doe@example.com"
	assert record.customer.customer_name == "Doe & Co"  # the billing company, as for an order
	assert not record.customer.is_guest
	assert record.billing_address.city == "San Francisco"
	assert record.shipping_address.address_type == "Shipping"
	assert record.date_modified_gmt == datetime(2026, 11, 23, 4, 27, 8, tzinfo=timezone.utc)


def test_same_address_key_as_an_order_with_the_same_billing():
	customer = recorded("customer_create")
	order = recorded("order_get_registered")
	order = {**order, "billing": {**customer["billing"]}, "shipping": {**customer["shipping"]}}
	draft = map_order(
		order,
		MappingConfig(
			store="s",
			company_currency="USD",
			tax_accounts={1: "Tax", 2: "Tax"},
			shipping_account="Shipping",
			fee_account="Fees",
			rounding_account="Round Off",
		),
	)
	record = map_customer(customer)
	assert record.billing_address.key == draft.billing_address.key
	assert record.shipping_address.key == draft.shipping_address.key


def test_no_e_mail_is_refused_with_what_to_do():
	customer = copy.deepcopy(recorded("customer_create"))
	customer["email"] = ""
	customer["billing"]["email"] = ""
	with pytest.raises(CustomerMappingError, match="customer 2 has no e-mail"):
		map_customer(customer)


def test_modified_since_bounds_the_list():
	old = {"id": 1, "date_modified_gmt": "2026-01-01T00:00:00"}
	new = {"id": 2, "date_modified_gmt": "2026-06-01T00:00:00"}
	since = datetime(2026, 3, 1, tzinfo=timezone.utc)
	assert [c["id"] for c in modified_since([old, new], since)] == [2]


def test_push_body_has_no_password_or_username():
	body = customer_body("a@example.com", "A", "B", {"city": "X"}, None)
	assert body == {
		"email": "a@example.com",
		"first_name": "A",
		"last_name": "B",
		"billing": {"city": "X", "email": "a@example.com"},
	}
	assert "password" not in body and "username" not in body
