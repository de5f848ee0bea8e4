"""A store's field mapping rules, without I/O: where a value is in a WooCommerce object, and how
it becomes an ERPNext field's value (and back).

A path names a value in the REST JSON of an order, order line, customer, product or variation:

- a bare key (`_billing_vat`: no dot, no bracket) is a `meta_data` key, the way plugins store
  their values; the same as `meta_data[key=_billing_vat].value`;
- `billing.company`: keys of nested objects; `line_items[0].name`: an index into a list;
- `meta_data[key=X].value`: the entry of a list whose `key` is X, and on from there
  (`meta_data[key=_tracking].value[0].number` reads into a plugin's array);
- `$.` starts at the object itself, for a top-level field with no dot (`$.global_unique_id`).

Values are converted for the ERPNext field's type; a value that does not fit raises
FieldConversionError naming the rule and the value, so the caller leaves the field alone and
says so. An empty value (missing, null, "") converts to None: nothing is set.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

SOURCES = ("Order", "Order Line", "Customer", "Product", "Variation")
DIRECTIONS = ("Import", "Export", "Both")
# What each WooCommerce object may fill: an order its Sales Order, its buyer and billing address.
TARGETS = {
	"Order": ("Sales Order", "Customer", "Address"),
	"Order Line": ("Sales Order Item",),
	"Customer": ("Customer", "Address"),
	"Product": ("Item", "Item Barcode"),
	"Variation": ("Item", "Item Barcode"),
}
TEXT_TYPES = ("Data", "Small Text", "Text", "Long Text")
NUMBER_TYPES = ("Float", "Currency", "Percent")
FIELD_TYPES = (*TEXT_TYPES, "Int", *NUMBER_TYPES, "Check", "Date", "Datetime", "Select")
DATA_LENGTH = 140  # Frappe's varchar length of a Data field without its own

_TRUE = {"1", "yes", "true", "on", "y"}
_FALSE = {"0", "no", "false", "off", "n"}
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]|\[([A-Za-z_][A-Za-z0-9_]*)=([^\]]+)\]|(\.)")
_INT = re.compile(r"[+-]?\d+")
_TIMESTAMP = re.compile(r"\d{9,10}")
_ISO_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


class FieldPathError(ValueError):
	"""The path does not parse; the message shows how to write it."""


class FieldConversionError(ValueError):
	"""A value does not fit the rule's ERPNext field; the message names the rule and the value."""


@dataclass(frozen=True)
class Step:
	"""One step of a path: a key, a list index, or the list entry whose `field` equals `match`."""

	key: str | None = None
	index: int | None = None
	field: str | None = None
	match: str | None = None


@dataclass(frozen=True)
class FieldPath:
	text: str
	steps: tuple[Step, ...]

	@property
	def meta_key(self) -> str | None:
		"""The meta key when the path is exactly one `meta_data` entry's value."""
		if (
			len(self.steps) == 3
			and self.steps[0].key == "meta_data"
			and self.steps[1].field == "key"
			and self.steps[2].key == "value"
		):
			return self.steps[1].match
		return None

	@property
	def writable(self) -> bool:
		"""An export can write a meta entry or nested keys; not into a list by position."""
		return bool(self.meta_key) or all(step.key is not None for step in self.steps)


@dataclass(frozen=True)
class FieldRule:
	"""One row of a store's mapping, with the target field's type from ERPNext's meta."""

	idx: int
	source: str
	path: FieldPath
	doctype: str
	fieldname: str
	direction: str
	fieldtype: str
	options: tuple[str, ...] = ()
	length: int = DATA_LENGTH

	@property
	def imports(self) -> bool:
		return self.direction in ("Import", "Both")

	@property
	def exports(self) -> bool:
		return self.direction in ("Export", "Both")

	def describe(self) -> str:
		return f"field mapping row {self.idx} ({self.source} {self.path.text} -> {self.doctype}.{self.fieldname})"


def parse_path(text: object) -> FieldPath:
	"""The path's steps; FieldPathError when it is empty or malformed."""
	raw = str(text or "").strip()
	if not raw:
		raise FieldPathError("the WooCommerce path is empty: enter a meta key or a path like billing.company")
	if not any(mark in raw for mark in ".[]$"):
		return FieldPath(raw, (Step(key="meta_data"), Step(field="key", match=raw), Step(key="value")))
	body = raw[2:] if raw.startswith("$.") else raw
	steps: list[Step] = []
	position, after_dot = 0, True
	while position < len(body):
		found = _SEGMENT.match(body, position)
		if not found or (found.group(5) and after_dot) or (found.group(1) and not after_dot):
			raise FieldPathError(
				f"the WooCommerce path {raw!r} does not parse at {body[position:]!r}: write keys joined by "
				"dots, [n] for a list position, [key=X] for a list entry, e.g. meta_data[key=_billing_vat].value"
			)
		key, index, field, match, dot = found.groups()
		if dot:
			after_dot = True
		else:
			if key is not None:
				steps.append(Step(key=key.strip()))
			elif index is not None:
				steps.append(Step(index=int(index)))
			else:
				steps.append(Step(field=field, match=match.strip()))
			after_dot = False
		position = found.end()
	if after_dot or not steps or steps[0].key is None:
		raise FieldPathError(
			f"the WooCommerce path {raw!r} must start with a key and not end with a dot, e.g. billing.company"
		)
	return FieldPath(raw, tuple(steps))


_MISSING = object()


def read_value(obj: object, path: FieldPath) -> Any:
	"""The value at the path, or None when any step is missing (a meta key the object lacks)."""
	current: Any = obj
	for step in path.steps:
		if step.key is not None:
			current = current.get(step.key, _MISSING) if isinstance(current, dict) else _MISSING
		elif step.index is not None:
			current = (
				current[step.index] if isinstance(current, list) and step.index < len(current) else _MISSING
			)
		else:
			current = next(
				(
					entry
					for entry in (current if isinstance(current, list) else [])
					if isinstance(entry, dict) and str(entry.get(step.field)) == step.match
				),
				_MISSING,
			)
		if current is _MISSING:
			return None
	return current


def write_value(payload: dict, path: FieldPath, value: Any) -> None:
	"""Put the value into an export payload: a meta key replaces that key's entry in `meta_data`
	(or adds one); other paths make nested objects as needed."""
	if not path.writable:
		raise FieldPathError(
			f"the WooCommerce path {path.text!r} reads a list by position; an export cannot write it"
		)
	if path.meta_key:
		meta = payload.setdefault("meta_data", [])
		meta[:] = [e for e in meta if not (isinstance(e, dict) and e.get("key") == path.meta_key)]
		meta.append({"key": path.meta_key, "value": value})
		return
	target = payload
	for step in path.steps[:-1]:
		target = target.setdefault(step.key, {})
		if not isinstance(target, dict):
			raise FieldPathError(
				f"the WooCommerce path {path.text!r} goes through {step.key!r}, which is not an object"
			)
	target[path.steps[-1].key] = value


def to_erpnext(value: Any, rule: FieldRule, site_timezone: str = "UTC") -> Any:
	"""The WooCommerce value as the rule's field stores it; None for an empty value."""
	if value is None or (isinstance(value, str) and not value.strip()):
		return None
	if isinstance(value, dict | list):
		_refuse(rule, value, "it is a list or an object; point the path at one value inside it")
	fieldtype = rule.fieldtype
	if fieldtype in TEXT_TYPES:
		text = _text(value)
		if fieldtype == "Data" and len(text) > rule.length:
			_refuse(rule, value, f"it is longer than the field's {rule.length} characters")
		return text
	if fieldtype == "Int":
		number = _decimal(value, rule)
		if number != number.to_integral_value():
			_refuse(rule, value, "it is not a whole number")
		return int(number)
	if fieldtype in NUMBER_TYPES:
		return _decimal(value, rule)
	if fieldtype == "Check":
		word = _text(value).lower()
		if word in _TRUE:
			return 1
		if word in _FALSE:
			return 0
		_refuse(rule, value, "it is not yes/no, true/false or 1/0")
	if fieldtype == "Date":
		return _date(value, rule)
	if fieldtype == "Datetime":
		return _datetime(value, rule, site_timezone)
	if fieldtype == "Select":
		text = _text(value)
		for option in rule.options:
			if option.casefold() == text.casefold():
				return option
		_refuse(rule, value, f"it is none of the field's options ({', '.join(rule.options)})")
	raise FieldConversionError(f"{rule.describe()}: ERPNext fields of type {fieldtype} cannot be mapped")


def to_woocommerce(value: Any, rule: FieldRule) -> Any:
	"""An ERPNext field's value as WooCommerce stores it: text, numbers as text, yes/no, ISO dates."""
	if value is None or value == "":
		return ""
	fieldtype = rule.fieldtype
	if fieldtype == "Int":
		return int(value)
	if fieldtype in NUMBER_TYPES:
		return _text(Decimal(str(value)))
	if fieldtype == "Check":
		return "yes" if int(value) else "no"
	if fieldtype == "Date":
		return (value if isinstance(value, date) else _date(value, rule)).isoformat()[:10]
	if fieldtype == "Datetime":
		moment = value if isinstance(value, datetime) else _datetime(value, rule, "UTC")
		return moment.replace(microsecond=0).isoformat()
	return _text(value)


def _refuse(rule: FieldRule, value: Any, why: str) -> None:
	shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
	raise FieldConversionError(f"{rule.describe()}: the value {shown} does not fit {rule.fieldtype}: {why}")


def _text(value: Any) -> str:
	if isinstance(value, bool):
		return "1" if value else "0"
	if isinstance(value, Decimal | float):
		return format(Decimal(str(value)).normalize(), "f")
	return str(value).strip()


def _decimal(value: Any, rule: FieldRule) -> Decimal:
	if isinstance(value, bool):
		_refuse(rule, value, "it is true/false, not a number")
	try:
		number = Decimal(str(value).strip())
	except InvalidOperation:
		_refuse(rule, value, "it is not a number (write it like 12.50)")
	if not number.is_finite() or abs(number) >= Decimal("1e15"):
		_refuse(rule, value, "it is not a finite number ERPNext can store")
	return number


def _timestamp(value: Any) -> datetime | None:
	"""A unix time (seconds, as WordPress plugins store it) as an aware UTC moment."""
	whole = isinstance(value, int) and not isinstance(value, bool)
	if whole or (isinstance(value, str) and _TIMESTAMP.fullmatch(value.strip())):
		return datetime.fromtimestamp(int(value), tz=timezone.utc)
	return None


def _date(value: Any, rule: FieldRule) -> date:
	"""ISO dates and WooCommerce date-times (the day part), 24/12/2026, 24.12.2026, unix times
	(the UTC day: WordPress runs PHP in UTC, so a plugin's midnight is UTC midnight)."""
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	moment = _timestamp(value)
	if moment:
		return moment.date()
	text = _text(value)
	iso = _ISO_DAY.match(text)
	for layout in _DATE_FORMATS:
		found = _strptime(iso.group(1) if iso else text, layout)
		if found:
			return found.date()
	_refuse(rule, value, "it is not a date like 2026-12-24, 24/12/2026 or a unix time")


def _datetime(value: Any, rule: FieldRule, site_timezone: str) -> datetime:
	"""WooCommerce's 2026-11-23T08:00:00 (the store's local time, kept as it is), a date (its
	midnight), an ISO time with an offset or a unix time (converted to the site's time zone)."""
	if isinstance(value, datetime):
		moment = value
	else:
		moment = _timestamp(value)
		text = _text(value)
		if moment is None:
			moment = _iso_moment(text)
		if moment is None:
			for layout in _DATE_FORMATS:
				day = _strptime(text, layout)
				if day:
					moment = day
					break
		if moment is None:
			_refuse(rule, value, "it is not a date and time like 2026-11-23T08:00:00 or a unix time")
	if moment.tzinfo is not None:
		moment = moment.astimezone(ZoneInfo(site_timezone)).replace(tzinfo=None)
	return moment.replace(microsecond=0)


def _iso_moment(text: str) -> datetime | None:
	try:
		return datetime.fromisoformat(text.replace("Z", "+00:00"))
	except ValueError:
		return None


def _strptime(text: str, layout: str) -> datetime | None:
	try:
		return datetime.strptime(text, layout)
	except ValueError:
		return None
