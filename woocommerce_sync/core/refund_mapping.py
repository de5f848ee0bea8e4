"""A WooCommerce refund (REST API v3 JSON) -> the lines and charges of a Credit Note, without I/O.

The rule: the Credit Note's grand total is the refund's `amount` and its tax rows are the refund's
tax, to the cent. WooCommerce refunds come in three shapes, and one refund may mix them:

- line-level: line items with negative quantities and totals, each naming the order line it
  refunds (`_refunded_item_id`); these become returned quantities of the invoice's lines;
- a line's money without quantity (quantity 0, total set), shipping and fee lines: rows of money
  without a returned quantity, on the line's, shipping or fee account;
- amount-only: no lines at all, or an amount above what the lines add up to: one row of money.

WooCommerce fills a refund's amount from the unrounded per-rate taxes (19.487 -> 19.49) while its
tax lines are rounded per rate (-1.30 and -0.19): such a cent is a rounding row, as on the order.
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Literal

from woocommerce_sync.core.money import dsum, places_of, quantize, to_decimal, to_decimal_or_zero, unit
from woocommerce_sync.core.order_mapping import ChargeDraft, MappingConfig, _erpnext_rate

MoneyKind = Literal["line", "shipping", "fee", "unassigned"]


class RefundMappingError(Exception):
	"""One refund cannot be credited as it is; the message names store, order and refund."""

	def __init__(self, store: str, order_id: int, refund_id: object, reason: str):
		self.reason = reason
		super().__init__(f"WooCommerce store {store}, order {order_id}, refund {refund_id}: {reason}")


@dataclass
class ReturnedLine:
	"""Quantity of an order line given back, at the rate ERPNext will multiply out."""

	woocommerce_line_id: int
	name: str
	qty: Decimal
	rate: Decimal
	amount: Decimal


@dataclass
class RefundedMoney:
	"""Money given back without a quantity: for a line (its id), shipping, a fee, or nothing in particular."""

	kind: MoneyKind
	description: str
	amount: Decimal
	woocommerce_line_id: int | None = None


@dataclass
class CreditNoteDraft:
	"""Positive amounts; the glue writes them as the negative rows of a return invoice."""

	refund_id: int
	reason: str
	date_created_gmt: datetime | None
	amount: Decimal
	returned_lines: list[ReturnedLine]
	refunded_money: list[RefundedMoney]
	charges: list[ChargeDraft] = field(default_factory=list)

	def tax_total(self) -> Decimal:
		return dsum(charge.amount for charge in self.charges if charge.kind == "tax")

	def erpnext_total(self, rate_precision: int) -> Decimal:
		"""What ERPNext will compute: each round(rate * qty), the money rows and the charges."""
		return (
			dsum(quantize(line.rate * line.qty, rate_precision) for line in self.returned_lines)
			+ dsum(money.amount for money in self.refunded_money)
			+ dsum(charge.amount for charge in self.charges)
		)


def refund_ids(order: dict) -> list[int]:
	"""The refund ids the order itself lists (`refunds`: id, reason, total), oldest first."""
	ids = []
	for entry in order.get("refunds") or []:
		if isinstance(entry, dict) and isinstance(entry.get("id"), int) and entry["id"] > 0:
			ids.append(entry["id"])
	return sorted(ids)


def map_refund(refund: dict, order_id: int, config: MappingConfig) -> CreditNoteDraft:
	"""Map one refund of order `order_id`; raise RefundMappingError if it cannot be credited."""
	refund_id = refund.get("id")

	def fail(reason: str):
		raise RefundMappingError(config.store, order_id, refund_id, reason)

	def money(value: object, what: str, empty_is_zero: bool = True) -> Decimal:
		try:
			return to_decimal_or_zero(value) if empty_is_zero else to_decimal(value)
		except ValueError:
			fail(f"{what} is {value!r}, which is not an amount; the refund looks damaged, fetch it again")

	if not isinstance(refund_id, int) or refund_id <= 0:
		fail("it has no id; only refunds read from the WooCommerce REST API can be credited")
	amount = money(refund.get("amount"), "its amount", empty_is_zero=False)
	if amount <= 0:
		fail(f"its amount is {amount}; only refunds above zero can be credited")
	places = places_of(amount)

	returned: list[ReturnedLine] = []
	refunded: list[RefundedMoney] = []
	tax_entries = 0
	for line in refund.get("line_items") or []:
		line_id = _refunded_item_id(line)
		name = str(line.get("name") or "").strip()
		if line_id is None:
			fail(f'line "{name}" does not say which order line it refunds (_refunded_item_id)')
		total = -money(line.get("total"), f"the total of refunded line {line_id}")
		try:
			qty = -to_decimal(line.get("quantity") or 0)
		except ValueError:
			fail(f"the quantity of refunded line {line_id} is {line.get('quantity')!r}, not a number")
		tax_entries += len(line.get("taxes") or [])
		if qty < 0 or total < 0:
			fail(f"refunded line {line_id} gives back {qty} units and {total}; a refund can only give back")
		if qty:
			rate = _erpnext_rate(total, qty, config.rate_precision)
			returned.append(ReturnedLine(line_id, name, qty, rate, total))
		elif total:
			refunded.append(RefundedMoney("line", name, total, line_id))
	for kind, key, title in (("shipping", "method_title", "Shipping"), ("fee", "name", "Fee")):
		for line in refund.get(f"{kind}_lines") or []:
			total = -money(line.get("total"), f"the total of refunded {kind} line {line.get('id')}")
			tax_entries += len(line.get("taxes") or [])
			if total:
				description = f"{title}: {line.get(key)}" if line.get(key) else title
				refunded.append(RefundedMoney(kind, description, total, _refunded_item_id(line)))

	charges = []
	for tax_line in refund.get("tax_lines") or []:
		rate_id = tax_line.get("rate_id")
		label = str(tax_line.get("label") or tax_line.get("rate_code") or f"Tax rate {rate_id}")
		account = config.tax_accounts.get(rate_id) or config.default_tax_account
		if not account:
			fail(
				f'tax rate {rate_id} ("{label}") has no account: add it to Tax Rate Accounts in the '
				"store's settings, or set a Default Tax Account"
			)
		tax = -(
			money(tax_line.get("tax_total"), f"the tax_total of rate {rate_id}")
			+ money(tax_line.get("shipping_tax_total"), f"the shipping_tax_total of rate {rate_id}")
		)
		if tax:
			charges.append(
				ChargeDraft(kind="tax", description=label, account=account, amount=tax, rate_id=rate_id)
			)

	draft = CreditNoteDraft(
		refund_id=refund_id,
		reason=str(refund.get("reason") or "").strip(),
		date_created_gmt=_gmt(refund.get("date_created_gmt") or refund.get("date_created")),
		amount=amount,
		returned_lines=returned,
		refunded_money=refunded,
		charges=charges,
	)
	difference = amount - draft.erpnext_total(config.rate_precision)
	# Per-rate rounding of each refunded line and ERPNext's rounded rates: a cent per rounded value.
	tolerance = unit(places) * (tax_entries + len(returned))
	if difference and abs(difference) <= tolerance and (returned or charges):
		if not config.rounding_account:
			fail(
				f"the refund differs from its lines by {difference} and no account can take the rounding: "
				"set the Rounding Account in the store's settings"
			)
		draft.charges.append(
			ChargeDraft(
				kind="rounding",
				description=f"Rounding difference between WooCommerce's refund {amount} and its lines",
				account=config.rounding_account,
				amount=difference,
			)
		)
	elif difference > 0:
		refunded.append(RefundedMoney("unassigned", "Refund", difference))
	elif difference < 0:
		fail(
			f"its lines and taxes add up to {amount - difference}, more than the refunded {amount}; "
			"correct the refund in WooCommerce or credit it by hand"
		)
	if draft.erpnext_total(config.rate_precision) != amount:
		fail(f"the Credit Note would total {draft.erpnext_total(config.rate_precision)}, not {amount}")
	return draft


def _refunded_item_id(line: dict) -> int | None:
	for meta in line.get("meta_data") or []:
		if isinstance(meta, dict) and meta.get("key") == "_refunded_item_id":
			value = str(meta.get("value") or "").strip()
			return int(value) if value.isdigit() else None
	return None


def _gmt(value: object) -> datetime | None:
	if not value:
		return None
	text = str(value).strip().removesuffix("Z")
	parsed = datetime.fromisoformat(text)
	return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
