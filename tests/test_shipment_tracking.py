"""Tracking payload and the shipment tracking plugins' meta, merged with what the order has."""

from datetime import date

from woocommerce_sync.core.shipment_tracking import (
	META_KEY,
	merged_tracking_items,
	provider_slug,
	tracking_item,
	tracking_of,
)

SHIPPED = date(2026, 11, 24)


def test_no_number_means_nothing_to_send():
	assert tracking_of("", "UPS", SHIPPED) is None
	assert tracking_of("   ", "UPS", SHIPPED) is None
	assert tracking_of(None, "UPS", SHIPPED) is None


def test_spaces_are_normalised():
	tracking = tracking_of(" 1Z999AA1 0123456784 ", "  Royal   Mail ", SHIPPED)
	assert (tracking.number, tracking.carrier) == ("1Z999AA1 0123456784", "Royal Mail")


def test_a_known_carrier_is_the_plugins_provider():
	item = tracking_item(tracking_of("1Z999AA10123456784", "UPS", SHIPPED))
	assert item["tracking_provider"] == "ups"
	assert item["custom_tracking_provider"] == ""
	assert item["tracking_number"] == "1Z999AA10123456784"
	assert item["date_shipped"] == "1795478400"  # 2026-11-24T00:00:00Z
	assert provider_slug("Royal Mail") == "royal-mail"


def test_another_carrier_is_a_custom_provider_with_its_name():
	item = tracking_item(tracking_of("ABC123", "Speedy Couriers Ltd.", SHIPPED))
	assert item["tracking_provider"] == ""
	assert item["custom_tracking_provider"] == "Speedy Couriers Ltd."


def test_the_tracking_id_is_stable_so_a_retry_replaces_its_item():
	first = tracking_item(tracking_of("ABC123", "DHL", SHIPPED))
	again = tracking_item(tracking_of("ABC123", "DHL", SHIPPED))
	other = tracking_item(tracking_of("ABC124", "DHL", SHIPPED))
	assert first["tracking_id"] == again["tracking_id"] != other["tracking_id"]


def test_merge_adds_to_an_order_without_tracking():
	item = tracking_item(tracking_of("ABC123", "DHL", SHIPPED))
	assert merged_tracking_items([], item) == [item]
	assert merged_tracking_items([{"id": 1, "key": "_other", "value": "x"}], item) == [item]


def test_merge_keeps_other_shipments_and_replaces_the_same_number():
	earlier = {"tracking_provider": "usps", "tracking_number": "9400", "tracking_id": "a"}
	stale = {"tracking_provider": "", "custom_tracking_provider": "Dhl", "tracking_number": "ABC123"}
	item = tracking_item(tracking_of("ABC123", "DHL", SHIPPED))
	meta = [{"id": 7, "key": META_KEY, "value": [earlier, stale]}]
	assert merged_tracking_items(meta, item) == [earlier, item]


def test_merge_of_what_the_order_shows_already_is_nothing_to_send():
	item = tracking_item(tracking_of("ABC123", "DHL", SHIPPED))
	other = {"tracking_provider": "usps", "tracking_number": "9400"}
	assert merged_tracking_items([{"id": 7, "key": META_KEY, "value": [item, other]}], item) is None


def test_a_damaged_meta_value_is_replaced():
	item = tracking_item(tracking_of("ABC123", "DHL", SHIPPED))
	assert merged_tracking_items([{"id": 7, "key": META_KEY, "value": "a:0:{}"}], item) == [item]
