"""The two-way rule: who is the master of a linked order, the echo rule, and time zones."""

from datetime import datetime, timedelta, timezone

from woocommerce_sync.core.conflict import (
	Decision,
	Side,
	changed_fields,
	decide,
	fingerprint,
	site_time_to_utc,
	snapshot,
	snapshot_of_order,
)
from woocommerce_sync.testing.fake_store import load_fixture

OVERLAP = timedelta(minutes=10)
ORDER = load_fixture("order_get_registered")["body"]
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def side(status="processing", note="", modified=T0, city=None) -> Side:
	billing = {**ORDER["billing"], **({"city": city} if city else {})}
	return Side(snapshot(status, note, billing, ORDER["shipping"]), modified)


SYNCED = fingerprint(side().snapshot)


def test_in_agreement_is_nothing_whatever_the_times():
	assert (
		decide(side(modified=T0), side(modified=T0 + timedelta(days=3)), SYNCED, OVERLAP) == Decision.NOTHING
	)
	assert decide(side(), side(), None, OVERLAP) == Decision.NOTHING


def test_only_woocommerce_changed_pulls_even_if_erpnext_was_saved_later():
	woo = side(status="completed", modified=T0)
	erp = side(modified=T0 + timedelta(hours=2))  # saved by our own import: same fields as synced
	assert decide(woo, erp, SYNCED, OVERLAP) == Decision.PULL


def test_only_erpnext_changed_pushes_even_if_woocommerce_moved_later():
	"""Echo rule: our push moved WooCommerce's date_modified, not its fields."""
	woo = side(modified=T0 + timedelta(hours=5))
	erp = side(status="on-hold", modified=T0)
	assert decide(woo, erp, SYNCED, OVERLAP) == Decision.PUSH


def test_both_changed_the_later_wins_and_the_overlap_is_a_conflict():
	woo = side(status="completed", modified=T0 + timedelta(minutes=30))
	erp = side(status="on-hold", modified=T0)
	assert decide(woo, erp, SYNCED, OVERLAP) == Decision.PULL
	later_erp = side(status="on-hold", modified=T0 + timedelta(minutes=30))
	assert decide(side(status="completed", modified=T0), later_erp, SYNCED, OVERLAP) == Decision.PUSH
	equal = side(status="on-hold", modified=T0)
	assert decide(side(status="completed", modified=T0), equal, SYNCED, OVERLAP) == Decision.CONFLICT
	near = side(status="on-hold", modified=T0 + timedelta(minutes=9))
	assert decide(side(status="completed", modified=T0), near, SYNCED, OVERLAP) == Decision.CONFLICT


def test_never_synced_and_different_is_decided_by_time():
	woo = side(status="completed", modified=T0 + timedelta(hours=1))
	assert decide(woo, side(modified=T0), None, OVERLAP) == Decision.PULL


def test_site_time_zones_and_a_dst_change():
	# Asia/Kolkata is UTC+5:30 all year.
	assert site_time_to_utc(datetime(2026, 11, 23, 17, 30), "Asia/Kolkata") == T0
	# America/New_York falls back on 2026-11-01: 01:30 happens twice; the first (EDT) is taken.
	assert site_time_to_utc(datetime(2026, 11, 1, 1, 30), "America/New_York") == datetime(
		2026, 11, 1, 5, 30, tzinfo=timezone.utc
	)
	assert site_time_to_utc(datetime(2026, 11, 1, 3, 0), "America/New_York") == datetime(
		2026, 11, 1, 8, 0, tzinfo=timezone.utc
	)
	# A store in New York and a site in Kolkata: WooCommerce's GMT stamp against the site's clock.
	woo = side(status="completed", modified=datetime(2026, 11, 1, 6, 15, tzinfo=timezone.utc))
	erp_local = datetime(2026, 11, 1, 11, 50)  # Kolkata = 06:20 UTC, five minutes later
	erp = side(status="on-hold", modified=site_time_to_utc(erp_local, "Asia/Kolkata"))
	assert decide(woo, erp, SYNCED, timedelta(0)) == Decision.PUSH
	erp_earlier = side(
		status="on-hold", modified=site_time_to_utc(datetime(2026, 11, 1, 11, 40), "Asia/Kolkata")
	)
	assert decide(woo, erp_earlier, SYNCED, timedelta(0)) == Decision.PULL


def test_snapshot_normalises_and_empties_an_address_the_import_could_not_keep():
	order = {
		**ORDER,
		"status": "wc-Processing",
		"customer_note": "  ring  twice ",
		"shipping": {"city": "Tokyo"},
	}
	shot = snapshot_of_order(order)
	assert shot["status"] == "processing" and shot["customer_note"] == "ring twice"
	assert shot["shipping"] == {}
	assert shot["billing"]["country"] == ORDER["billing"]["country"].upper()


def test_changed_fields_sends_only_the_difference_and_never_blanks_an_address():
	current = side().snapshot
	wanted = side(status="completed", city="Oakland").snapshot
	payload = changed_fields(current, wanted)
	assert payload["status"] == "completed"
	assert payload["billing"]["city"] == "Oakland" and "shipping" not in payload
	assert changed_fields(current, {**current, "billing": {}}) == {}
