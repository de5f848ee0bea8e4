"""Shipment tracking for a WooCommerce order: the note text's parts and the Advanced Shipment
Tracking meta, decided without frappe.

WooCommerce 8.9 has no fulfilment REST API of its own: tracking reaches the shop as a
customer-visible order note and, for stores running a shipment tracking plugin (WooCommerce
Shipment Tracking, or Advanced Shipment Tracking which reads the same meta), as the order meta
`_wc_shipment_tracking_items`: a list of {tracking_provider, custom_tracking_provider,
custom_tracking_link, tracking_number, date_shipped, tracking_id}.

- A carrier the plugins know (KNOWN_PROVIDERS, matched by their slug) goes in
  `tracking_provider`, so the plugin shows its name and tracking link; any other carrier is a
  custom provider (`custom_tracking_provider` = the name as written in ERPNext).
- `date_shipped` is a Unix timestamp (midnight UTC of the shipping day), as the plugins store it.
- `tracking_id` is derived from provider and number (the plugins add the time): sending the same
  tracking again replaces its item instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

META_KEY = "_wc_shipment_tracking_items"
# Providers of the shipment tracking plugins, by the slug they store (sanitize_title of the name).
KNOWN_PROVIDERS = {
	"australia-post",
	"an-post",
	"canada-post",
	"colissimo",
	"correios",
	"dhl",
	"dhl-us",
	"fedex",
	"inpost",
	"nz-post",
	"ontrac",
	"parcelforce",
	"postnl",
	"purolator",
	"royal-mail",
	"ups",
	"usps",
}


@dataclass(frozen=True)
class Tracking:
	number: str
	carrier: str
	shipped: date


def tracking_of(number: object, carrier: object, shipped: date) -> Tracking | None:
	"""The tracking a delivery carries, or None without a tracking number (nothing to send)."""
	text = " ".join(str(number or "").split())
	if not text:
		return None
	return Tracking(text, " ".join(str(carrier or "").split()), shipped)


def provider_slug(carrier: str) -> str:
	"""WordPress's sanitize_title for plain names: lower case, runs of other characters as "-"."""
	return re.sub(r"[^a-z0-9]+", "-", carrier.lower()).strip("-")


def tracking_item(tracking: Tracking) -> dict:
	"""The plugin's item for this tracking."""
	slug = provider_slug(tracking.carrier)
	known = slug in KNOWN_PROVIDERS
	shipped = datetime(
		tracking.shipped.year, tracking.shipped.month, tracking.shipped.day, tzinfo=timezone.utc
	)
	return {
		"tracking_provider": slug if known else "",
		"custom_tracking_provider": "" if known else tracking.carrier,
		"custom_tracking_link": "",
		"tracking_number": tracking.number,
		"date_shipped": str(int(shipped.timestamp())),
		"tracking_id": hashlib.md5(f"{slug}-{tracking.number}".encode()).hexdigest(),
	}


def merged_tracking_items(meta_data: list[dict] | None, item: dict) -> list[dict] | None:
	"""The order's tracking items with `item` in place of any earlier item with the same number
	(other shipments' items kept, in order); None when the order already shows exactly this."""
	existing: list = []
	for meta in meta_data or []:
		if isinstance(meta, dict) and meta.get("key") == META_KEY:
			existing = meta.get("value") if isinstance(meta.get("value"), list) else []
			break
	if item in existing:
		return None
	kept = [
		entry
		for entry in existing
		if not (isinstance(entry, dict) and entry.get("tracking_number") == item["tracking_number"])
	]
	return [*kept, item]
