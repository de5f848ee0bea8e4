"""Which side of a linked order is the master when both can change: the two-way rule.

The fields both sides may change (status, customer note, billing and shipping address) are
compared as one snapshot in WooCommerce's terms. A side whose snapshot still equals what was
last synced has not changed, whatever its modified time says: that is the echo rule, since our
own push moves WooCommerce's `date_modified_gmt` and our own import moves ERPNext's `modified`.
Only when both changed does time decide: the later modification wins, and two changes closer
than the overlap are left for a person instead of being guessed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from zoneinfo import ZoneInfo

from woocommerce_sync.core.order_mapping import normalize_status

BILLING_FIELDS = ("address_1", "address_2", "city", "state", "postcode", "country", "email", "phone")
SHIPPING_FIELDS = ("address_1", "address_2", "city", "state", "postcode", "country")


class Decision(Enum):
	NOTHING = "nothing"  # in agreement, or nothing changed since the last sync
	PULL = "pull"  # WooCommerce is the master: import the order
	PUSH = "push"  # ERPNext is the master: update the WooCommerce order
	CONFLICT = "conflict"  # both changed within the overlap: a person decides


@dataclass(frozen=True)
class Side:
	snapshot: dict
	modified_utc: datetime | None


def snapshot(status: str | None, customer_note: str | None, billing: Mapping, shipping: Mapping) -> dict:
	"""The synced fields in WooCommerce's terms, normalised so equal data hashes equal.

	An address without street, city and country is empty, as the import does not make an ERPNext
	Address from it: otherwise such an order would look changed on one side forever."""
	return {
		"status": normalize_status(status),
		"customer_note": _clean(customer_note),
		"billing": _address(billing, BILLING_FIELDS),
		"shipping": _address(shipping, SHIPPING_FIELDS),
	}


def snapshot_of_order(order: Mapping) -> dict:
	return snapshot(
		order.get("status"),
		order.get("customer_note"),
		order.get("billing") or {},
		order.get("shipping") or {},
	)


def fingerprint(fields: dict) -> str:
	return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def decide(woocommerce: Side, erpnext: Side, synced_fingerprint: str | None, overlap: timedelta) -> Decision:
	woo, erp = fingerprint(woocommerce.snapshot), fingerprint(erpnext.snapshot)
	if woo == erp:
		return Decision.NOTHING
	woo_changed = woo != synced_fingerprint
	erp_changed = erp != synced_fingerprint
	if woo_changed and not erp_changed:
		return Decision.PULL
	if erp_changed and not woo_changed:
		return Decision.PUSH
	if woocommerce.modified_utc is None or erpnext.modified_utc is None:
		return Decision.CONFLICT
	gap = woocommerce.modified_utc - erpnext.modified_utc
	if abs(gap) <= overlap:
		return Decision.CONFLICT
	return Decision.PULL if gap > timedelta(0) else Decision.PUSH


def changed_fields(current: dict, wanted: dict) -> dict:
	"""What to send so that an order showing `current` shows `wanted`: only what differs."""
	payload = {}
	for key in ("status", "customer_note"):
		if wanted[key] != current[key]:
			payload[key] = wanted[key]
	for key in ("billing", "shipping"):
		# ERPNext without an address has nothing to say about WooCommerce's: never blank it.
		if wanted[key] and wanted[key] != current[key]:
			fields = BILLING_FIELDS if key == "billing" else SHIPPING_FIELDS
			payload[key] = {name: wanted[key].get(name, "") for name in fields}
	return payload


def site_time_to_utc(moment: datetime, time_zone: str) -> datetime:
	"""ERPNext stores naive site times. In the hour repeated when clocks go back, the first one
	is taken (fold=0): a change is then judged an hour older at worst, never newer."""
	return moment.replace(tzinfo=ZoneInfo(time_zone), fold=0).astimezone(timezone.utc)


def _address(values: Mapping, fields: tuple[str, ...]) -> dict:
	cleaned = {name: _clean(values.get(name)) for name in fields}
	cleaned["country"] = cleaned["country"].upper()
	if not (cleaned["address_1"] and cleaned["city"] and cleaned["country"]):
		return {}
	return cleaned


def _clean(value: object) -> str:
	return " ".join(str(value or "").split())
