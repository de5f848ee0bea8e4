"""Field mapping rules: paths into WooCommerce's JSON, and values converted for ERPNext fields."""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from woocommerce_sync.core.field_mapping import (
	TARGETS,
	FieldConversionError,
	FieldPathError,
	FieldRule,
	parse_path,
	read_value,
	to_erpnext,
	to_woocommerce,
	write_value,
)

FIXTURES = Path(__file__).resolve().parent.parent / "woocommerce_sync" / "testing" / "fixtures"


def recorded(name: str) -> dict:
	return json.loads((FIXTURES / f"{name}.json").read_text())["body"]


def rule(fieldtype: str, path: str = "_x", options: tuple[str, ...] = (), length: int = 140) -> FieldRule:
	return FieldRule(1, "Order", parse_path(path), "Sales Order", "f", "Both", fieldtype, options, length)


def plugin_order() -> dict:
	"""The recorded order with the meta that plugins add, as WooCommerce answers it ({id, key, value})."""
	order = recorded("order_get_registered")
	order["meta_data"] = [
		{"id": 901, "key": "is_vat_exempt", "value": "no"},
		{"id": 902, "key": "_billing_vat", "value": "DE123456789"},
		{"id": 903, "key": "_delivery_date", "value": "24/12/2026"},
		{"id": 904, "key": "_wc_order_attribution_source_type", "value": "utm"},
		{"id": 905, "key": "_wc_order_attribution_utm_source", "value": "(direct)"},
		{"id": 906, "key": "_tracking", "value": [{"number": "1Z999", "carrier": "UPS"}]},
	]
	return order


# Paths -----------------------------------------------------------------------------------------


def test_a_bare_key_is_a_meta_key():
	path = parse_path("_billing_vat")
	assert path.meta_key == "_billing_vat"
	assert path.steps == parse_path("meta_data[key=_billing_vat].value").steps
	assert read_value(plugin_order(), path) == "DE123456789"
	assert read_value(plugin_order(), parse_path("meta_data[key=_billing_vat].value")) == "DE123456789"
	assert parse_path("meta_data[key=_billing_vat].value").meta_key == "_billing_vat"


def test_plugin_meta_shapes_are_read():
	order = plugin_order()
	assert read_value(order, parse_path("_delivery_date")) == "24/12/2026"
	assert read_value(order, parse_path("_wc_order_attribution_utm_source")) == "(direct)"
	assert read_value(order, parse_path("meta_data[key=_tracking].value[0].carrier")) == "UPS"


def test_dotted_keys_and_indexes():
	order = plugin_order()
	assert read_value(order, parse_path("billing.company")) == order["billing"]["company"]
	assert read_value(order, parse_path("line_items[1].name")) == order["line_items"][1]["name"]
	assert read_value(order, parse_path("line_items[0].meta_data[key=_reduced_stock].value")) == "2"
	assert read_value(order, parse_path("$.number")) == order["number"]


def test_missing_steps_read_as_none():
	order = plugin_order()
	for text in (
		"_no_such_key",
		"billing.nothing",
		"line_items[99].name",
		"billing.company.deeper",
		"$.nothing",
	):
		assert read_value(order, parse_path(text)) is None
	assert read_value({"meta_data": "not a list"}, parse_path("_billing_vat")) is None


def test_a_product_field_with_no_dot_needs_the_root_mark():
	product = {**recorded("product_create_simple"), "global_unique_id": "4006381333931"}
	assert read_value(product, parse_path("$.global_unique_id")) == "4006381333931"
	assert read_value(product, parse_path("global_unique_id")) is None  # a meta key of that name


@pytest.mark.parametrize(
	"text",
	["", "  ", "billing.", ".billing", "billing..company", "a[", "a[x]", "[0].a", "a]b", "$.", "a b.c[key=]"],
)
def test_malformed_paths_are_refused(text):
	with pytest.raises(FieldPathError):
		parse_path(text)


def test_only_keys_and_meta_entries_are_writable():
	assert parse_path("_billing_vat").writable
	assert parse_path("billing.company").writable
	assert not parse_path("line_items[0].name").writable
	assert not parse_path("meta_data[key=_tracking].value[0].carrier").writable


# Writing export payloads ------------------------------------------------------------------------


def test_a_meta_key_replaces_its_entry_once():
	payload = {
		"meta_data": [{"key": "_erpnext_sales_order", "value": "SO-1"}, {"key": "_vat", "value": "old"}]
	}
	write_value(payload, parse_path("_vat"), "DE1")
	write_value(payload, parse_path("meta_data[key=_vat].value"), "DE2")
	assert payload["meta_data"] == [
		{"key": "_erpnext_sales_order", "value": "SO-1"},
		{"key": "_vat", "value": "DE2"},
	]


def test_plain_paths_make_nested_objects():
	payload = {"billing": {"first_name": "Jane"}}
	write_value(payload, parse_path("billing.company"), "Doe & Co")
	write_value(payload, parse_path("dimensions.length"), "10")
	write_value(payload, parse_path("$.global_unique_id"), "4006381333931")
	assert payload == {
		"billing": {"first_name": "Jane", "company": "Doe & Co"},
		"dimensions": {"length": "10"},
		"global_unique_id": "4006381333931",
	}


def test_writing_through_a_value_or_by_position_is_refused():
	with pytest.raises(FieldPathError):
		write_value({"billing": "text"}, parse_path("billing.company"), "x")
	with pytest.raises(FieldPathError):
		write_value({}, parse_path("line_items[0].name"), "x")


# Converting to ERPNext --------------------------------------------------------------------------


def test_text():
	assert to_erpnext(" DE123 ", rule("Data")) == "DE123"
	assert to_erpnext(12, rule("Small Text")) == "12"
	assert to_erpnext(Decimal("12.50"), rule("Text")) == "12.5"
	assert to_erpnext("x" * 5000, rule("Long Text")) == "x" * 5000
	with pytest.raises(FieldConversionError, match="longer than the field's 140"):
		to_erpnext("x" * 141, rule("Data"))


def test_empty_values_set_nothing():
	for fieldtype in ("Data", "Int", "Float", "Check", "Date", "Datetime", "Select"):
		assert to_erpnext(None, rule(fieldtype)) is None
		assert to_erpnext("  ", rule(fieldtype)) is None


def test_numbers():
	assert to_erpnext("12", rule("Int")) == 12
	assert to_erpnext("12.0", rule("Int")) == 12
	assert to_erpnext(7, rule("Int")) == 7
	assert to_erpnext("12.50", rule("Currency")) == Decimal("12.50")
	assert to_erpnext("-3", rule("Float")) == Decimal("-3")
	assert to_erpnext("19", rule("Percent")) == Decimal("19")
	for value, fieldtype in (
		("12.5", "Int"),
		("12,50", "Currency"),
		("NaN", "Float"),
		("1e400", "Float"),
		(True, "Int"),
	):
		with pytest.raises(FieldConversionError):
			to_erpnext(value, rule(fieldtype))


def test_check():
	for value in ("yes", "1", 1, True, "TRUE", "on"):
		assert to_erpnext(value, rule("Check")) == 1
	for value in ("no", "0", 0, False, "false", "off"):
		assert to_erpnext(value, rule("Check")) == 0
	with pytest.raises(FieldConversionError, match="yes/no"):
		to_erpnext("maybe", rule("Check"))


def test_delivery_dates_as_plugins_store_them():
	expected = date(2026, 12, 24)
	for value in ("2026-12-24", "24/12/2026", "24.12.2026", "2026-12-24T08:00:00", "2026-12-24 10:30:00"):
		assert to_erpnext(value, rule("Date", "_delivery_date")) == expected, value
	assert to_erpnext("1798070400", rule("Date")) == expected  # 2026-12-24 00:00 UTC
	assert to_erpnext(1798070400, rule("Date")) == expected


def test_a_bad_date_names_the_rule_and_the_value():
	with pytest.raises(FieldConversionError) as caught:
		to_erpnext("soon", rule("Date", "_delivery_date"))
	message = str(caught.value)
	assert "field mapping row 1" in message and "_delivery_date" in message and "'soon'" in message
	for value in ("31/02/2026", "2026-13-01", "12/24/2026"):
		with pytest.raises(FieldConversionError):
			to_erpnext(value, rule("Date"))


def test_datetimes():
	assert to_erpnext("2026-11-23T08:00:00", rule("Datetime")) == datetime(2026, 11, 23, 8, 0)
	assert to_erpnext("2024-01-31 13:17:10", rule("Datetime")) == datetime(2024, 1, 31, 13, 17, 10)
	assert to_erpnext("2026-12-24", rule("Datetime")) == datetime(2026, 12, 24)
	assert to_erpnext("24/12/2026", rule("Datetime")) == datetime(2026, 12, 24)
	# Moments with a zone are shown in the site's time zone, as ERPNext stores them.
	assert to_erpnext("2025-07-09T01:47:42.000Z", rule("Datetime"), "Europe/Berlin") == datetime(
		2025, 7, 9, 3, 47, 42
	)
	assert to_erpnext("1798070400", rule("Datetime"), "Asia/Kolkata") == datetime(2026, 12, 24, 5, 30)
	with pytest.raises(FieldConversionError, match="date and time"):
		to_erpnext("tomorrow morning", rule("Datetime"))


def test_select_takes_the_options_spelling():
	status = rule("Select", options=("Open", "On Hold", "Closed"))
	assert to_erpnext("on hold", status) == "On Hold"
	with pytest.raises(FieldConversionError, match="none of the field's options"):
		to_erpnext("Pending", status)


def test_lists_and_objects_are_refused():
	with pytest.raises(FieldConversionError, match="list or an object"):
		to_erpnext([{"number": "1Z"}], rule("Data", "_tracking"))


def test_an_unsupported_type_is_refused():
	with pytest.raises(FieldConversionError, match="type Link"):
		to_erpnext("x", rule("Link"))


# Converting to WooCommerce ----------------------------------------------------------------------


def test_values_for_the_store():
	assert to_woocommerce("DE123", rule("Data")) == "DE123"
	assert to_woocommerce(None, rule("Data")) == ""
	assert to_woocommerce(3, rule("Int")) == 3
	assert to_woocommerce(12.5, rule("Currency")) == "12.5"
	assert to_woocommerce(1, rule("Check")) == "yes"
	assert to_woocommerce(0, rule("Check")) == "no"
	assert to_woocommerce(date(2026, 12, 24), rule("Date")) == "2026-12-24"
	assert to_woocommerce("2026-12-24", rule("Date")) == "2026-12-24"
	assert to_woocommerce(datetime(2026, 11, 23, 8, 0, 0, 5), rule("Datetime")) == "2026-11-23T08:00:00"


def test_a_round_trip_keeps_the_value():
	for fieldtype, value in (
		("Data", "(direct)"),
		("Date", "2026-12-24"),
		("Check", "yes"),
		("Float", "12.5"),
	):
		assert to_woocommerce(to_erpnext(value, rule(fieldtype)), rule(fieldtype)) == value


def test_every_source_has_targets():
	assert TARGETS["Order"] == ("Sales Order", "Customer", "Address")
	assert TARGETS["Order Line"] == ("Sales Order Item",)
	assert "Item Barcode" in TARGETS["Product"] and "Item Barcode" in TARGETS["Variation"]
