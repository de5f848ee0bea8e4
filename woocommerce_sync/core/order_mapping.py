"""WooCommerce order (REST API v3 JSON) -> a plain Sales Order draft, without I/O.

Everything that can be decided from the order alone is decided here, in Decimal, where plain
pytest checks it against recorded orders; the glue only looks up and writes documents.

The rule that shapes the draft: ERPNext's grand total equals WooCommerce's `total` to the cent.

- Item lines carry WooCommerce's line totals, which are after coupons and before tax, also in
  stores whose prices include tax. Coupons therefore need no ERPNext discount, and the tax rows
  are never "included in print rate".
- Every tax rate, shipping line and fee becomes an "Actual" charge row with WooCommerce's stored
  amount, so ERPNext never re-taxes the order.
- A store may map its tax rates to Sales Taxes and Charges Templates: the order's template is
  named on the Sales Order (`taxes_and_charges`, for reports and the invoice), while the rows stay
  Actual with WooCommerce's amounts, so the template never re-taxes the order (see order_tax_template).
- ERPNext computes each item amount as round(rate * qty, precision) from a rate that itself has
  that precision, which can miss WooCommerce's line total (10.00 for 3 -> 3 x 3.33 = 9.99). A
  final "rounding" row on the company's round-off account carries such differences, explicitly.
"""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal, NoReturn, get_args

from woocommerce_sync.core.emails import ascii_email
from woocommerce_sync.core.money import (
	ZERO,
	dsum,
	is_half_way,
	places_of,
	quantize,
	to_decimal,
	to_decimal_or_zero,
	unit,
)

CANCELLING_STATUSES = frozenset({"cancelled", "failed", "refunded", "trash"})
DEFAULT_STATUSES_TO_IMPORT = ("processing", "on-hold", "completed")
GuestMode = Literal["per_email", "shared"]
GUEST_MODES: tuple[GuestMode, ...] = get_args(GuestMode)
ChargeKind = Literal["tax", "shipping", "fee", "rounding"]

_POSTAL_FIELDS = ("address_1", "address_2", "city", "state", "postcode", "country")
_ADDRESS_FIELDS = ("first_name", "last_name", "company", *_POSTAL_FIELDS)
_ID = re.compile(r"[0-9]+")
EARLIEST_ORDER_DATE = datetime(1970, 1, 1, tzinfo=timezone.utc)
FUTURE_DATE_SLACK = timedelta(days=366)  # a store clock set wrong by months still imports


class OrderMappingError(Exception):
	"""One order cannot be imported; the message names the store and the order and says the fix."""

	def __init__(self, store: str, order_id: int | None, reason: str):
		self.store = store
		self.order_id = order_id
		self.reason = reason
		order = f"order {order_id}" if order_id is not None else "an order without a readable id"
		super().__init__(f"WooCommerce store {store}, {order}: {reason}")


@dataclass
class MappingConfig:
	"""What map_order needs from a store's settings; the glue fills it from the settings document."""

	store: str
	company_currency: str
	tax_accounts: dict[int, str] = field(default_factory=dict)
	tax_templates: dict[int, str] = field(default_factory=dict)
	default_tax_account: str | None = None
	shipping_account: str | None = None
	fee_account: str | None = None
	rounding_account: str | None = None
	rate_precision: int = 2
	known_currencies: frozenset[str] | None = None
	guest_mode: GuestMode = "per_email"
	shared_guest_customer: str | None = None
	statuses_to_import: tuple[str, ...] = DEFAULT_STATUSES_TO_IMPORT
	max_lines: int = 500

	def __post_init__(self) -> None:
		# Settings documents give "" for empty links and str rate ids; normalise once here.
		if self.guest_mode not in GUEST_MODES:
			raise ValueError(f"guest_mode must be one of {GUEST_MODES}, not {self.guest_mode!r}")
		if not 0 <= self.rate_precision <= 9:
			raise ValueError(f"rate_precision must be between 0 and 9, not {self.rate_precision!r}")
		if self.max_lines < 1:
			raise ValueError(f"max_lines must be at least 1, not {self.max_lines!r}")
		self.company_currency = self.company_currency.strip().upper()
		self.tax_accounts = {
			int(rate_id): account for rate_id, account in self.tax_accounts.items() if account
		}
		self.tax_templates = {
			int(rate_id): template for rate_id, template in self.tax_templates.items() if template
		}
		self.default_tax_account = self.default_tax_account or None
		self.shipping_account = self.shipping_account or None
		self.fee_account = self.fee_account or None
		self.rounding_account = self.rounding_account or None
		self.shared_guest_customer = self.shared_guest_customer or None
		if self.known_currencies is not None:
			self.known_currencies = frozenset(code.strip().upper() for code in self.known_currencies)
		self.statuses_to_import = tuple(normalize_status(status) for status in self.statuses_to_import)


@dataclass
class CustomerDraft:
	"""Who ordered. `shared_customer` set means: use that existing Customer, create none.
	`email` is what Customer and Contact store (domain in punycode); `original_email` is what the
	buyer typed, kept on the Sales Order."""

	email: str | None
	woocommerce_customer_id: int
	is_guest: bool
	customer_name: str
	first_name: str
	last_name: str
	phone: str
	company: str
	shared_customer: str | None = None
	original_email: str | None = None


@dataclass
class AddressDraft:
	"""A billing or shipping address; `key` is equal for equal addresses, so they are reused."""

	address_type: Literal["Billing", "Shipping"]
	first_name: str
	last_name: str
	company: str
	address_1: str
	address_2: str
	city: str
	state: str
	postcode: str
	country: str
	email: str
	phone: str
	key: str


@dataclass
class ItemLineDraft:
	"""One WooCommerce line item; `amount` is WooCommerce's line total (after coupons, before tax)."""

	woocommerce_line_id: int
	product_id: int
	variation_id: int
	sku: str | None
	name: str
	parent_name: str | None
	attributes: list[tuple[str, str]]
	description: str
	qty: Decimal
	price_list_rate: Decimal
	rate: Decimal
	amount: Decimal
	discount: Decimal
	tax_detail: dict[int, Decimal]
	total_tax: Decimal
	item_code_hint: str

	@property
	def discount_percentage(self) -> Decimal:
		"""The coupon share of the list price: the glue must set 100 for free lines, or ERPNext
		refills a zero rate from the price list."""
		if self.price_list_rate <= 0:
			return ZERO
		return quantize((self.price_list_rate - self.rate) * 100 / self.price_list_rate, 2)


@dataclass
class ChargeDraft:
	"""One "Actual" row of Sales Taxes and Charges.

	For tax rows, `item_wise_tax_detail` (item line id -> amount) and `charge_tax_detail`
	(shipping and fee line id -> amount) together add up to `amount` exactly.
	"""

	kind: ChargeKind
	description: str
	account: str
	amount: Decimal
	woocommerce_line_id: int | None = None
	rate_id: int | None = None
	compound: bool = False
	rate_percent: Decimal | None = None
	item_wise_tax_detail: dict[int, Decimal] = field(default_factory=dict)
	charge_tax_detail: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class CouponLineDraft:
	"""A coupon the order used: WooCommerce's discount (before tax) and the tax it took off."""

	code: str
	discount: Decimal
	discount_tax: Decimal


@dataclass
class SalesOrderDraft:
	"""A Sales Order to be, with WooCommerce's money as Decimal and a note for every judgement call."""

	store: str
	woocommerce_id: int
	po_no: str
	number: str
	status: str
	currency: str
	conversion_rate: Decimal | None
	prices_include_tax: bool
	date_created_gmt: datetime | None
	date_modified_gmt: datetime | None
	date_paid_gmt: datetime | None
	customer_note: str
	payment_method: str
	payment_method_title: str
	transaction_id: str
	customer: CustomerDraft
	billing_address: AddressDraft | None
	shipping_address: AddressDraft | None
	items: list[ItemLineDraft]
	charges: list[ChargeDraft]
	discount_total: Decimal
	coupons: list[CouponLineDraft]
	shipping_methods: list[str]
	grand_total: Decimal
	total_taxes: Decimal
	tax_lines_difference: Decimal
	rate_precision: int
	money_places: int
	notes: list[str] = field(default_factory=list)
	# cent-level differences the rounding row settles: nothing to act on, so counted once a page
	rounding_notes: list[str] = field(default_factory=list)
	tax_template: str | None = None

	@property
	def coupon_codes(self) -> list[str]:
		return [coupon.code for coupon in self.coupons]

	def erpnext_items_total(self) -> Decimal:
		"""What ERPNext will compute for the items: each round(rate * qty) at its precision."""
		return dsum(quantize(item.rate * item.qty, self.rate_precision) for item in self.items)

	def erpnext_grand_total(self) -> Decimal:
		return self.erpnext_items_total() + dsum(charge.amount for charge in self.charges)

	def tax_rows_total(self) -> Decimal:
		return dsum(charge.amount for charge in self.charges if charge.kind == "tax")


def normalize_status(status: object) -> str:
	"""WooCommerce statuses as the API spells them: lower case, without the "wc-" post prefix."""
	return str(status or "").strip().lower().removeprefix("wc-")


def should_import(status: object, config: MappingConfig) -> bool:
	"""Whether orders in `status` are imported; statuses are data, an unknown one is just not listed."""
	return normalize_status(status) in config.statuses_to_import


def order_tax_template(rate_ids: list[int], templates: dict[int, str]) -> tuple[str | None, str | None]:
	"""(template, note): the Sales Taxes and Charges Template of an order's tax rates.

	Only a template that every one of the order's tax rates maps to names the order: a template
	that covered part of the tax would misdescribe it. No tax rate, or no template mapped, is no
	template and no note; rates split between templates (or some unmapped) are no template and a note.
	"""
	if not rate_ids or not templates:
		return None, None
	found = {templates.get(rate_id) for rate_id in rate_ids}
	if len(found) == 1 and None not in found:
		return found.pop(), None
	named = ", ".join(
		f"{rate_id} -> {templates[rate_id]}" if rate_id in templates else f"{rate_id} -> none"
		for rate_id in rate_ids
	)
	return None, f"its tax rates map to different Sales Taxes and Charges Templates ({named}), so none is set"


def parse_order(raw: str | bytes | dict, store: str = "(unknown store)") -> dict:
	"""The order as a dict, from JSON text or an already parsed dict.

	Floats are parsed as Decimal and NaN/Infinity are refused, so no float reaches the money.
	"""
	if isinstance(raw, dict):
		return raw
	try:
		text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
		data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
	except (TypeError, ValueError, RecursionError) as error:
		raise OrderMappingError(
			store, None, f"the order is not valid JSON ({error}); fetch it again from the store"
		) from error
	if not isinstance(data, dict):
		raise OrderMappingError(
			store,
			None,
			f"the order is a JSON {type(data).__name__}, not an object; fetch it again from the store",
		)
	return data


def map_order(order: dict, config: MappingConfig) -> SalesOrderDraft:
	"""Map one WooCommerce order; raise OrderMappingError if it cannot be imported as it is."""
	return _OrderMapper(order, config).draft()


def address_draft(
	kind: Literal["billing", "shipping"], data: dict, notes: list[str] | None = None
) -> AddressDraft | None:
	"""A WooCommerce billing or shipping block (of an order or a customer) as an AddressDraft; None
	when it has no postal part (ERPNext needs one for an Address), noted when it had a name."""
	values = {name: _text(data.get(name)) for name in _ADDRESS_FIELDS}
	values["country"] = values["country"].upper()
	if not any(values[name] for name in _POSTAL_FIELDS):
		if any(values.values()) and notes is not None:
			notes.append(f"the {kind} address has a name but no street, city or country; no Address is made")
		return None
	return AddressDraft(
		address_type="Billing" if kind == "billing" else "Shipping",
		email=ascii_email(_text(data.get("email")).lower()),
		phone=_text(data.get("phone")),
		key=_address_key(values),
		**values,
	)


def _refuse_constant(name: str) -> NoReturn:
	raise ValueError(f"{name} is not a number")


def _text(value: object) -> str:
	return "" if value is None else str(value).strip()


def _display_number(value: Decimal) -> str:
	return f"{value.normalize():f}"


def _address_key(values: dict[str, str]) -> str:
	"""A short hash of the address, blind to case, width and spacing, so "1 Market St" and
	"1  market st" are the same Address in ERPNext."""
	normalised = [
		" ".join(unicodedata.normalize("NFKC", values[name]).casefold().split()) for name in _ADDRESS_FIELDS
	]
	return hashlib.sha256("\x1f".join(normalised).encode()).hexdigest()[:16]


def _erpnext_rate(total: Decimal, qty: Decimal, precision: int) -> Decimal:
	"""The rate at `precision` whose ERPNext amount lands nearest WooCommerce's line total.

	It is total / qty rounded, unless rate * qty falls exactly half way (decimal quantities
	only): there ERPNext's rounding method (banker's or commercial, a site setting) decides, so
	the nearest rate whose amount does not depend on it is taken instead.
	"""
	rate = quantize(total / qty, precision)
	if not is_half_way(rate * qty, precision):
		return rate
	step = unit(precision)
	return min(
		(rate - step, rate + step),
		key=lambda candidate: abs(quantize(candidate * qty, precision) - total),
	)


def _allocate(target: Decimal, parts: dict[Any, Decimal], places: int) -> dict[Any, Decimal]:
	"""Round each part, then give the remainder to the largest part, so the parts add up to target."""
	rounded = {key: quantize(value, places) for key, value in parts.items()}
	remainder = target - dsum(rounded.values())
	if remainder and rounded:
		largest = max(parts, key=lambda key: abs(parts[key]))
		rounded[largest] += remainder
	return rounded


class _OrderMapper:
	"""One map_order call: the order, the config, and the notes gathered on the way."""

	def __init__(self, order: object, config: MappingConfig):
		self.config = config
		self.order_id: int | None = None
		self.notes: list[str] = []
		self.rounding_notes: list[str] = []
		if not isinstance(order, dict):
			self.fail(
				f"the order is a JSON {type(order).__name__}, not an object; fetch it again from the store"
			)
		self.order: dict = order
		raw_id = order.get("id")
		if isinstance(raw_id, int) and not isinstance(raw_id, bool) and raw_id > 0:
			self.order_id = raw_id
		elif isinstance(raw_id, str) and _ID.fullmatch(raw_id.strip()) and int(raw_id) > 0:
			self.order_id = int(raw_id)
		else:
			self.fail(
				f"the order has no id (got {raw_id!r}); only orders read from the WooCommerce REST API "
				"(wc/v3) or its order webhooks can be imported"
			)

	def fail(self, reason: str) -> NoReturn:
		raise OrderMappingError(self.config.store, self.order_id, reason)

	def note_odd_meta_data(self, what: str, record: dict) -> list:
		"""The record's meta_data; one that is not the list WooCommerce sends (a plugin wrote it) is
		left out with a note, as the order itself is sound and only plugin values are missing."""
		meta_data = record.get("meta_data")
		if meta_data is None or isinstance(meta_data, list):
			return meta_data or []
		self.notes.append(
			f"the meta_data of {what} is a JSON {type(meta_data).__name__}, not a list, so it is left out "
			"(field rules that read it find nothing); check the plugin that writes it"
		)
		return []

	def money(self, value: object, what: str, *, empty_is_zero: bool = False) -> Decimal:
		try:
			return to_decimal_or_zero(value) if empty_is_zero else to_decimal(value)
		except ValueError:
			self.fail(
				f"{what} is {value!r}, which is not an amount: correct the order in WooCommerce "
				"(or the plugin that wrote it) and sync again"
			)

	def integer(self, value: object, what: str) -> int:
		if value is None or value == "":
			return 0
		if isinstance(value, int) and not isinstance(value, bool):
			return value
		if isinstance(value, str) and _ID.fullmatch(value.strip()):
			return int(value)
		self.fail(f"{what} is {value!r}, not a whole number; the order looks damaged, fetch it again")

	def records(self, name: str) -> list[dict]:
		value = self.order.get(name)
		if value is None:
			return []
		if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
			self.fail(f"its {name} are not a list of objects; the order looks damaged, fetch it again")
		return value

	def mapping(self, name: str) -> dict:
		value = self.order.get(name)
		return value if isinstance(value, dict) else {}

	def line_taxes(self, line: dict, what: str) -> dict[int, Decimal]:
		"""Rate id -> this line's tax for that rate, at the full precision WooCommerce stored."""
		taxes = line.get("taxes") or []
		if not isinstance(taxes, list):
			self.fail(f"{what} has taxes that are not a list; the order looks damaged, fetch it again")
		detail: dict[int, Decimal] = {}
		for tax in taxes:
			if not isinstance(tax, dict):
				self.fail(f"{what} has a tax that is not an object; the order looks damaged, fetch it again")
			rate_id = self.integer(tax.get("id"), f"a tax rate id of {what}")
			detail[rate_id] = detail.get(rate_id, ZERO) + self.money(
				tax.get("total"), f"the tax for rate {rate_id} of {what}", empty_is_zero=True
			)
		return detail

	def draft(self) -> SalesOrderDraft:
		config = self.config
		order = self.order
		line_items = self.records("line_items")
		shipping_lines = self.records("shipping_lines")
		fee_lines = self.records("fee_lines")
		tax_lines = self.records("tax_lines")
		self.note_odd_meta_data("the order", order)
		line_count = len(line_items) + len(shipping_lines) + len(fee_lines)
		if line_count > config.max_lines:
			self.fail(
				f"it has {line_count} lines (items, shipping and fees) and the limit is {config.max_lines}: "
				"enter this order in ERPNext by hand (the limit keeps a sync run's memory and time bounded)"
			)
		if not line_items:
			self.fail(
				"it has no line items, so there is nothing to sell: add the products to the order in "
				"WooCommerce, or leave it out of the Order Statuses to Import"
			)

		currency = _text(order.get("currency")).upper()
		if not currency:
			self.fail("it has no currency; check the store's currency under WooCommerce > Settings > General")
		if config.known_currencies is not None and currency not in config.known_currencies:
			self.fail(
				f"its currency {currency} is not in ERPNext: create and enable Currency {currency} in ERPNext"
			)

		grand_total = self.money(order.get("total"), "its total")
		# The API writes every amount with the store's decimals ("88.46"), so the total tells them.
		money_places = places_of(grand_total) if isinstance(order.get("total"), str | Decimal) else 2
		if money_places > config.rate_precision:
			self.fail(
				f"the store uses {money_places} decimals but ERPNext rounds amounts to {config.rate_precision}: "
				f"set the Currency Precision in ERPNext's System Settings to at least {money_places}"
			)
		total_taxes = self.money(order.get("total_tax"), "its total_tax")

		items = [self.item(line) for line in line_items]
		shipping = self.shipping(shipping_lines)
		fees = self.fees(fee_lines)
		taxes = self.taxes(tax_lines, items, shipping_lines, fee_lines, money_places)

		cent = unit(money_places)
		parts = (
			dsum(item.amount for item in items)
			+ dsum(charge.amount for charge in (*shipping, *fees))
			+ total_taxes
		)
		drift = grand_total - parts
		if abs(drift) > cent * line_count:
			self.fail(
				f"its total {grand_total} is not the sum of its lines, shipping, fees and total_tax ({parts}): "
				"the order is inconsistent in WooCommerce; open it there, press Recalculate, save, and sync again"
			)
		if drift:
			self.rounding_notes.append(
				f"WooCommerce's total {grand_total} differs by {drift} from the sum of its parts as the API "
				f"shows them, rounded ({parts}); the rounding row carries it"
			)
		tax_lines_total = dsum(charge.amount for charge in taxes)
		tax_lines_difference = total_taxes - tax_lines_total
		if abs(tax_lines_difference) > cent * max(1, len(tax_lines)):
			self.fail(
				f"its total_tax {total_taxes} is not the sum of its tax lines ({tax_lines_total}): the order "
				"is inconsistent in WooCommerce; open it there, press Recalculate, save, and sync again"
			)
		if tax_lines_difference:
			self.rounding_notes.append(
				f"WooCommerce's tax lines add up to {tax_lines_total} but its total_tax is {total_taxes}; "
				f"the difference {tax_lines_difference} is on the rounding row, not on a tax account"
			)

		draft = SalesOrderDraft(
			store=config.store,
			woocommerce_id=self.order_id,
			po_no=str(self.order_id),
			number=_text(order.get("number")) or str(self.order_id),
			status=normalize_status(order.get("status")),
			currency=currency,
			conversion_rate=Decimal(1) if currency == config.company_currency else None,
			prices_include_tax=order.get("prices_include_tax") is True,
			date_created_gmt=self.date("date_created"),
			date_modified_gmt=self.date("date_modified"),
			date_paid_gmt=self.date("date_paid"),
			customer_note=_text(order.get("customer_note")),
			payment_method=_text(order.get("payment_method")),
			payment_method_title=_text(order.get("payment_method_title")),
			transaction_id=_text(order.get("transaction_id")),
			customer=self.customer(),
			billing_address=self.address("billing"),
			shipping_address=self.address("shipping"),
			items=items,
			charges=[*taxes, *shipping, *fees],
			discount_total=self.money(order.get("discount_total"), "its discount_total", empty_is_zero=True),
			coupons=[
				CouponLineDraft(
					_text(line.get("code")),
					self.money(line.get("discount"), "a coupon's discount", empty_is_zero=True),
					self.money(line.get("discount_tax"), "a coupon's discount_tax", empty_is_zero=True),
				)
				for line in self.records("coupon_lines")
			],
			shipping_methods=[_text(line.get("method_title")) for line in shipping_lines],
			grand_total=grand_total,
			total_taxes=total_taxes,
			tax_lines_difference=tax_lines_difference,
			rate_precision=config.rate_precision,
			money_places=money_places,
			notes=self.notes,
			rounding_notes=self.rounding_notes,
		)
		draft.tax_template, note = order_tax_template(
			[charge.rate_id for charge in taxes if charge.rate_id is not None], config.tax_templates
		)
		if note:
			self.notes.append(note)
		self.add_rounding_row(draft)
		if draft.erpnext_grand_total() != grand_total:
			self.fail(
				f"ERPNext would total {draft.erpnext_grand_total()} instead of {grand_total}; this is a bug "
				"in woocommerce_sync's order mapping, please report it with the order's JSON"
			)
		if draft.tax_rows_total() + tax_lines_difference != total_taxes:
			self.fail(
				f"the tax rows total {draft.tax_rows_total()} instead of {total_taxes}; this is a bug in "
				"woocommerce_sync's order mapping, please report it with the order's JSON"
			)
		return draft

	def item(self, line: dict) -> ItemLineDraft:
		config = self.config
		line_id = self.integer(line.get("id"), "a line item id")
		name = _text(line.get("name"))
		what = f'line {line_id} ("{name}")'
		try:
			qty = to_decimal(line.get("quantity"))
		except ValueError:
			qty = None
		if qty is None:
			self.fail(
				f"{what} has quantity {line.get('quantity')!r}, which is not a number: correct the line in "
				"WooCommerce and sync again"
			)
		if qty <= 0:
			self.fail(
				f"{what} has quantity {line.get('quantity')!r}; only quantities above zero can be imported "
				"(refunds are handled separately): correct the line in WooCommerce and sync again"
			)
		subtotal = self.money(line.get("subtotal"), f"the subtotal of {what}")
		total = self.money(line.get("total"), f"the total of {what}")
		product_id = self.integer(line.get("product_id"), f"the product id of {what}")
		variation_id = self.integer(line.get("variation_id"), f"the variation id of {what}")
		sku = _text(line.get("sku")) or None
		attributes = [
			(_text(meta.get("display_key")), _text(meta.get("display_value")))
			for meta in self.note_odd_meta_data(what, line)
			if isinstance(meta, dict)
			and not _text(meta.get("key")).startswith("_")
			and _text(meta.get("display_key"))
			and isinstance(meta.get("display_value"), str | int | Decimal)
		]
		description = name
		if attributes:
			description += " (" + ", ".join(f"{key}: {value}" for key, value in attributes) + ")"
		code = f"WC-{config.store}-{product_id}" + (f"-{variation_id}" if variation_id else "")
		rate = _erpnext_rate(total, qty, config.rate_precision)
		return ItemLineDraft(
			woocommerce_line_id=line_id,
			product_id=product_id,
			variation_id=variation_id,
			sku=sku,
			name=name,
			parent_name=_text(line.get("parent_name")) or None,
			attributes=attributes,
			description=description,
			qty=qty,
			price_list_rate=quantize(subtotal / qty, config.rate_precision),
			rate=rate,
			amount=total,
			discount=subtotal - total,
			tax_detail=self.line_taxes(line, what),
			total_tax=self.money(line.get("total_tax"), f"the total_tax of {what}", empty_is_zero=True),
			item_code_hint=sku or code,
		)

	def taxes(
		self,
		tax_lines: list[dict],
		items: list[ItemLineDraft],
		shipping_lines: list[dict],
		fee_lines: list[dict],
		places: int,
	) -> list[ChargeDraft]:
		"""One row per WooCommerce tax rate, with WooCommerce's own per-rate totals.

		WooCommerce rounds each line's tax per rate and adds those up (tax_total for items and
		fees, shipping_tax_total for shipping), so the rounded line taxes are the item-wise detail.
		"""
		fee_ids = [self.integer(line.get("id"), "a fee line id") for line in fee_lines]
		fee_taxes = {
			line_id: self.line_taxes(line, f"fee line {line_id}")
			for line_id, line in zip(fee_ids, fee_lines, strict=True)
		}
		shipping_ids = [self.integer(line.get("id"), "a shipping line id") for line in shipping_lines]
		shipping_taxes = {
			line_id: self.line_taxes(line, f"shipping line {line_id}")
			for line_id, line in zip(shipping_ids, shipping_lines, strict=True)
		}
		rows = []
		for tax_line in tax_lines:
			rate_id = self.integer(tax_line.get("rate_id"), "a tax rate id")
			label = _text(tax_line.get("label")) or _text(tax_line.get("rate_code")) or f"Tax rate {rate_id}"
			account = self.config.tax_accounts.get(rate_id) or self.config.default_tax_account
			if not account:
				self.fail(
					f'tax rate {rate_id} ("{label}") has no account: add it to Tax Rate Accounts in the '
					"store's settings, or set a Default Tax Account"
				)
			cart_tax = self.money(
				tax_line.get("tax_total"), f"the tax_total of tax rate {rate_id}", empty_is_zero=True
			)
			shipping_tax = self.money(
				tax_line.get("shipping_tax_total"),
				f"the shipping_tax_total of tax rate {rate_id}",
				empty_is_zero=True,
			)
			try:
				rate_percent: Decimal | None = to_decimal(tax_line.get("rate_percent"))
			except ValueError:
				rate_percent = None
			cart_parts = {
				("item", item.woocommerce_line_id): item.tax_detail[rate_id]
				for item in items
				if rate_id in item.tax_detail
			}
			cart_parts |= {
				("fee", line_id): taxes[rate_id] for line_id, taxes in fee_taxes.items() if rate_id in taxes
			}
			shipping_parts = {
				("shipping", line_id): taxes[rate_id]
				for line_id, taxes in shipping_taxes.items()
				if rate_id in taxes
			}
			detail: dict[tuple[str, int], Decimal] = {}
			for part in (cart_tax, cart_parts), (shipping_tax, shipping_parts):
				for key, value in self.split_tax(*part, items, label, places).items():
					detail[key] = detail.get(key, ZERO) + value
			rows.append(
				ChargeDraft(
					kind="tax",
					description=f"{label} ({_display_number(rate_percent)}%)"
					if rate_percent is not None
					else label,
					account=account,
					amount=cart_tax + shipping_tax,
					woocommerce_line_id=self.integer(tax_line.get("id"), "a tax line id"),
					rate_id=rate_id,
					compound=tax_line.get("compound") is True,
					rate_percent=rate_percent,
					item_wise_tax_detail={key[1]: value for key, value in detail.items() if key[0] == "item"},
					charge_tax_detail={key[1]: value for key, value in detail.items() if key[0] != "item"},
				)
			)
		return rows

	def split_tax(
		self,
		target: Decimal,
		parts: dict[tuple[str, int], Decimal],
		items: list[ItemLineDraft],
		label: str,
		places: int,
	) -> dict[tuple[str, int], Decimal]:
		"""Line key -> its share of `target`; a share no line carries goes to the largest item."""
		if parts or not target:
			return _allocate(target, parts, places)
		largest = max(items, key=lambda item: abs(item.amount))
		self.rounding_notes.append(
			f'tax "{label}" has {target} that no line carries; the item-wise tax detail puts it on line '
			f"{largest.woocommerce_line_id}"
		)
		return {("item", largest.woocommerce_line_id): target}

	def shipping(self, shipping_lines: list[dict]) -> list[ChargeDraft]:
		return self.charges(
			shipping_lines, "shipping", "method_title", "Shipping", self.config.shipping_account
		)

	def fees(self, fee_lines: list[dict]) -> list[ChargeDraft]:
		return self.charges(fee_lines, "fee", "name", "Fee", self.config.fee_account)

	def charges(
		self, lines: list[dict], kind: ChargeKind, title_key: str, default_title: str, account: str | None
	) -> list[ChargeDraft]:
		"""One Actual row per non-zero shipping or fee line (ex tax; a fee may be negative)."""
		rows = []
		for line in lines:
			line_id = self.integer(line.get("id"), f"a {kind} line id")
			title = _text(line.get(title_key)) or default_title
			amount = self.money(line.get("total"), f'the total of {kind} line {line_id} ("{title}")')
			if not amount:
				continue  # free shipping: nothing to charge, nothing a person needs to hear about
			if not account:
				self.fail(
					f'it has {kind} "{title}" ({amount}) and the store has no {default_title} Account: '
					"set one in the store's settings"
				)
			rows.append(
				ChargeDraft(
					kind=kind, description=title, account=account, amount=amount, woocommerce_line_id=line_id
				)
			)
		return rows

	def add_rounding_row(self, draft: SalesOrderDraft) -> None:
		"""Append the row that makes ERPNext's grand total WooCommerce's total, if one is needed."""
		difference = draft.grand_total - draft.erpnext_grand_total()
		if not difference:
			return
		for item in draft.items:
			computed = quantize(item.rate * item.qty, draft.rate_precision)
			if computed != item.amount:
				self.rounding_notes.append(
					f'line {item.woocommerce_line_id} ("{item.name}"): WooCommerce total {item.amount}, ERPNext '
					f"computes {_display_number(item.qty)} x {item.rate} = {computed}"
				)
		if not self.config.rounding_account:
			self.fail(
				f"ERPNext's total would differ from WooCommerce's {draft.grand_total} by {difference} "
				f"(item rates rounded to {draft.rate_precision} decimals, or WooCommerce's own rounding) and "
				"no account can take the difference: set the Rounding Account (the company's Round Off "
				"account) in the store's settings"
			)
		draft.charges.append(
			ChargeDraft(
				kind="rounding",
				description=(
					f"Rounding difference between WooCommerce and ERPNext: {difference} {draft.currency} "
					f"(WooCommerce total {draft.grand_total})"
				),
				account=self.config.rounding_account,
				amount=difference,
			)
		)

	def customer(self) -> CustomerDraft:
		config = self.config
		billing = self.mapping("billing")
		original_email = _text(billing.get("email")).lower() or None
		email = ascii_email(original_email) if original_email else None
		customer_id = self.integer(self.order.get("customer_id"), "its customer_id")
		is_guest = customer_id == 0
		shared = config.shared_guest_customer if is_guest and config.guest_mode == "shared" else None
		if email is None and not is_guest:
			self.fail(
				f"WooCommerce customer {customer_id} has no billing e-mail on this order, and customers are "
				"matched by e-mail: add the e-mail to the order's billing address in WooCommerce and sync again"
			)
		if email is None and config.guest_mode == "per_email":
			self.fail(
				"it is a guest order without a billing e-mail, and the store makes one customer per guest "
				"e-mail: add the e-mail to the order's billing address in WooCommerce, or choose one shared "
				"guest customer in the store's settings"
			)
		if is_guest and config.guest_mode == "shared" and not shared:
			self.fail(
				"guest orders go to one shared guest customer, but none is chosen: set the Shared Guest "
				"Customer in the store's settings"
			)
		first_name = _text(billing.get("first_name"))
		last_name = _text(billing.get("last_name"))
		company = _text(billing.get("company"))
		return CustomerDraft(
			email=email,
			woocommerce_customer_id=customer_id,
			is_guest=is_guest,
			customer_name=company or f"{first_name} {last_name}".strip() or email or shared or "",
			first_name=first_name,
			last_name=last_name,
			phone=_text(billing.get("phone")),
			company=company,
			shared_customer=shared,
			original_email=original_email,
		)

	def address(self, kind: Literal["billing", "shipping"]) -> AddressDraft | None:
		"""The address, or None when it has no postal part (ERPNext needs one for an Address)."""
		return address_draft(kind, self.mapping(kind), self.notes)

	def date(self, name: str) -> datetime | None:
		"""The *_gmt field as an aware UTC datetime; the store-time field only as a noted fallback."""
		value = self.order.get(f"{name}_gmt")
		field_name = f"{name}_gmt"
		if not value and self.order.get(name):
			value = self.order.get(name)
			field_name = name
			self.notes.append(
				f"{name}_gmt is missing; {name} ({value}), in the store's time zone, is taken as UTC"
			)
		if not value:
			return None
		text = _text(value)
		try:
			parsed = datetime.fromisoformat(text.removesuffix("Z") + ("+00:00" if text.endswith("Z") else ""))
		except ValueError:
			self.fail(f"its {field_name} {text!r} is not a date; the order looks damaged, fetch it again")
		parsed = (
			parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
		)
		if not EARLIEST_ORDER_DATE <= parsed <= datetime.now(timezone.utc) + FUTURE_DATE_SLACK:
			# 9999-12-31 or 0001-01-01 is a placeholder a plugin or an import wrote, not when a sale happened
			self.fail(
				f"its {field_name} {text!r} cannot be a real order date (before 1970 or over a year ahead); "
				"correct the date in WooCommerce (or the plugin or import that wrote it) and sync again"
			)
		return parsed
