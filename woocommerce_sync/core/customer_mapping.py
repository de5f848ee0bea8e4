"""WooCommerce customers (REST API v3 JSON) <-> plain drafts, without I/O.

The import maps a customer account to the same CustomerDraft and AddressDrafts an order of that
customer maps to (core/order_mapping.py), so orders/customers.py's CustomerResolver matches and
reuses exactly as the order import does: by e-mail, then by the store account, and identical
addresses by their key. The push builds the body of `POST/PUT customers` from ERPNext's values;
it never carries a password or a username (WooCommerce makes both, see docs/customers-and-categories.md).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from woocommerce_sync.core.emails import ascii_email
from woocommerce_sync.core.order_mapping import AddressDraft, CustomerDraft, address_draft


class CustomerMappingError(ValueError):
	"""The customer cannot be imported as it is; the message says what to fix in the store."""


@dataclass
class CustomerRecord:
	"""One store account, shaped like an order's customer part (what CustomerResolver reads)."""

	woocommerce_id: int
	customer: CustomerDraft
	billing_address: AddressDraft | None
	shipping_address: AddressDraft | None
	date_modified_gmt: datetime | None
	notes: list[str]


def map_customer(data: dict) -> CustomerRecord:
	"""Map one WooCommerce customer; raise CustomerMappingError when it has no id or e-mail."""
	try:
		customer_id = int(data.get("id") or 0)
	except (TypeError, ValueError):
		customer_id = 0
	if customer_id <= 0:
		raise CustomerMappingError("the customer has no id; the answer looks damaged, fetch it again")
	billing = data.get("billing") if isinstance(data.get("billing"), dict) else {}
	shipping = data.get("shipping") if isinstance(data.get("shipping"), dict) else {}
	original_email = _text(data.get("email")).lower() or _text(billing.get("email")).lower()
	email = ascii_email(original_email) if original_email else ""
	if not email:
		raise CustomerMappingError(
			f"WooCommerce customer {customer_id} has no e-mail, and customers are matched by e-mail: "
			"add one to the account in WooCommerce and import again"
		)
	first_name = _text(data.get("first_name")) or _text(billing.get("first_name"))
	last_name = _text(data.get("last_name")) or _text(billing.get("last_name"))
	company = _text(billing.get("company"))
	notes: list[str] = []
	return CustomerRecord(
		woocommerce_id=customer_id,
		customer=CustomerDraft(
			email=email,
			original_email=original_email,
			woocommerce_customer_id=customer_id,
			is_guest=False,
			customer_name=company or f"{first_name} {last_name}".strip() or email,
			first_name=first_name,
			last_name=last_name,
			phone=_text(billing.get("phone")),
			company=company,
		),
		billing_address=address_draft("billing", {"email": email, **billing}, notes),
		shipping_address=address_draft("shipping", shipping, notes),
		date_modified_gmt=_gmt(data.get("date_modified_gmt")),
		notes=notes,
	)


def modified_since(customers: Iterable[dict], since: datetime) -> Iterator[dict]:
	"""The customers changed at or after `since` (aware UTC). WooCommerce's customer list has no
	modified_after filter, so the import reads the list and bounds it here, before any look-up."""
	for data in customers:
		modified = _gmt(data.get("date_modified_gmt")) or _gmt(data.get("date_created_gmt"))
		if modified is None or modified >= since:
			yield data


def customer_body(
	email: str,
	first_name: str,
	last_name: str,
	billing: dict[str, str] | None,
	shipping: dict[str, str] | None,
) -> dict:
	"""The body of `POST customers` / `PUT customers/<id>`: e-mail, names and the two addresses;
	no password and no username, so WooCommerce generates them (and never learns one from us)."""
	body: dict = {"email": email, "first_name": first_name, "last_name": last_name}
	if billing:
		body["billing"] = {**billing, "email": billing.get("email") or email}
	if shipping:
		body["shipping"] = shipping
	return body


def _text(value: object) -> str:
	return "" if value is None else str(value).strip()


def _gmt(value: object) -> datetime | None:
	"""WooCommerce's *_gmt dates come without offset; they are UTC."""
	text = _text(value)
	if not text:
		return None
	try:
		parsed = datetime.fromisoformat(text.removesuffix("Z"))
	except ValueError:
		return None
	return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
