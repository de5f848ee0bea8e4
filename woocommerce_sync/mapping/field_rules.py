"""A store's field mapping rules (settings > Field Mapping): checked when the settings are saved,
applied by every import and export, so that each path treats a rule the same way.

- Import: after the app's own mapping, so a rule wins over it for the same field (a person wrote
  the rule for that field). A missing or empty value sets nothing, so an order without the meta
  never erases what ERPNext has. A submitted document takes only fields that allow changes after
  submit. An Item Barcode rule adds the value to the Item's barcodes once.
- Export: the field's value goes into the payload (a meta key replaces that key's entry); a
  later push of a linked Sales Order sends only the values its order does not show yet.
- A value that does not fit is left out: the object still syncs, and the run notes the store,
  the object and the rule.

The pure part (paths, conversions) is core/field_mapping.py.
"""

from collections.abc import Callable
from typing import Any

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, flt, get_datetime, get_system_timezone, getdate

from woocommerce_sync.core.field_mapping import (
	DATA_LENGTH,
	FIELD_TYPES,
	NUMBER_TYPES,
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
from woocommerce_sync.install import get_custom_fields

BARCODE = "Item Barcode"


class RuleError(ValueError):
	"""A row of the table that cannot be a rule; the message says what to change."""


def check_rules(settings: Document) -> None:
	"""Settings validate: every row must be a rule that can work; one field is filled by one rule
	of an object, one WooCommerce value written by one rule."""
	seen: set[tuple] = set()
	for row in settings.get("field_mappings") or []:
		try:
			rule = rule_of(row)
		except RuleError as exc:
			frappe.throw(
				_("Store {0}: Field Mapping row {1}: {2}").format(settings.store_name, row.idx, exc),
				title=_("Invalid Field Mapping"),
			)
		keys = []
		if rule.imports and rule.doctype != BARCODE:  # an Item may have several barcodes
			keys.append(("Import", rule.source, rule.doctype, rule.fieldname))
		if rule.exports:
			keys.append(("Export", rule.source, rule.path.text))
		for key in keys:
			if key in seen:
				frappe.throw(
					_(
						"Store {0}: Field Mapping row {1} repeats another row ({2} {3}, {4}): keep one row per "
						"field and direction."
					).format(settings.store_name, row.idx, rule.doctype, rule.fieldname, rule.path.text),
					title=_("Invalid Field Mapping"),
				)
			seen.add(key)


def rule_of(row) -> FieldRule:
	"""One table row as a FieldRule, with the field's type from ERPNext (custom fields included)."""
	source, doctype, fieldname = row.source, row.erpnext_doctype, (row.erpnext_field or "").strip()
	if doctype not in TARGETS.get(source, ()):
		raise RuleError(
			_("a WooCommerce {0} can fill only {1}, not {2}.").format(
				_(source), ", ".join(_(t) for t in TARGETS.get(source, ())), _(doctype)
			)
		)
	try:
		path = parse_path(row.woocommerce_path)
	except FieldPathError as exc:
		raise RuleError(str(exc)) from exc
	if row.direction in ("Export", "Both") and not path.writable:
		raise RuleError(
			_("the path {0} reads a list by position, which an export cannot write; use a meta key.").format(
				path.text
			)
		)
	if doctype == BARCODE and fieldname != "barcode":
		raise RuleError(
			_("an Item Barcode rule fills the field barcode; enter barcode as the ERPNext Field.")
		)
	field = frappe.get_meta(doctype).get_field(fieldname)
	if field is None:
		raise RuleError(
			_("{0} has no field {1}: enter the field name (not its label), e.g. from Customize Form.").format(
				_(doctype), fieldname
			)
		)
	if field.fieldtype not in FIELD_TYPES:
		raise RuleError(
			_("{0}.{1} is a {2} field; rules fill fields of type {3}.").format(
				_(doctype), fieldname, field.fieldtype, ", ".join(FIELD_TYPES)
			)
		)
	if fieldname in {f["fieldname"] for f in get_custom_fields().get(doctype, [])}:
		raise RuleError(_("{0}.{1} is the app's own field; map another one.").format(_(doctype), fieldname))
	return FieldRule(
		idx=row.idx,
		source=source,
		path=path,
		doctype=doctype,
		fieldname=fieldname,
		direction=row.direction,
		fieldtype=field.fieldtype,
		options=tuple(o for o in (field.options or "").splitlines() if o)
		if field.fieldtype == "Select"
		else (),
		length=int(field.length or DATA_LENGTH),
	)


# A target of import rules: a document being made (set in place, the caller saves it), the name of
# an existing one (saved here when a value changed), or None (nothing to fill).
Target = Document | str | None


class FieldRules:
	"""The store's rules for one run. `note` records a per-object message in the run's Sync Log."""

	def __init__(self, settings: Document, note: Callable[[str], None]):
		self.store = settings.name
		self.note = note
		self.site_timezone = get_system_timezone()
		self.rules: list[FieldRule] = []
		self.noted: set[str] = set()  # an order tried again after a conflict says it once
		for row in settings.get("field_mappings") or []:
			try:
				self.rules.append(rule_of(row))
			except RuleError as exc:
				# The field was deleted (or changed type) after the settings were saved.
				note(
					_("WooCommerce store {0}: Field Mapping row {1} is skipped: {2}").format(
						self.store, row.idx, exc
					)
				)

	def of(self, source: str, doctype: str, exports: bool = False) -> list[FieldRule]:
		return [
			r
			for r in self.rules
			if r.source == source and r.doctype == doctype and (r.exports if exports else r.imports)
		]

	# Import ------------------------------------------------------------------------------------

	def apply(self, source: str, data: dict, targets: dict[str, Target], subject: str) -> set[str]:
		"""Fill each target DocType from the WooCommerce object `data`; returns the fields it set
		(so the caller can follow them, e.g. the lines' delivery date)."""
		filled: set[str] = set()
		for doctype, target in targets.items():
			rules = self.of(source, doctype)
			if doctype == "Item":
				rules += self.of(source, BARCODE)
			if not rules or target is None:
				continue
			values = {rule: self.value(rule, data, subject) for rule in rules}
			values = {rule: value for rule, value in values.items() if value is not None}
			if isinstance(target, str):
				filled |= self.update(doctype, target, values, subject)
				continue
			for rule, value in values.items():
				if rule.doctype == BARCODE:
					self.add_barcode(target, value, rule, subject)
				else:
					target.set(rule.fieldname, value)
					filled.add(rule.fieldname)
		return filled

	def value(self, rule: FieldRule, data: dict, subject: str) -> Any:
		try:
			return to_erpnext(read_value(data, rule.path), rule, self.site_timezone)
		except FieldConversionError as exc:
			self.skipped(subject, str(exc))
			return None

	def skipped(self, subject: str, why: str) -> None:
		message = _("WooCommerce store {0}, {1}: {2}; synced without that field.").format(
			self.store, subject, why
		)
		if message not in self.noted:
			self.noted.add(message)
			self.note(message)

	def update(self, doctype: str, name: str, values: dict[FieldRule, Any], subject: str) -> set[str]:
		"""An existing document, saved only when a rule's value differs from what it has; returns
		the fields changed."""
		current = frappe.db.get_value(doctype, name, [r.fieldname for r in values] or ["name"], as_dict=True)
		changed = {
			r: v for r, v in values.items() if current and not _same(current.get(r.fieldname), v, r.fieldtype)
		}
		if not changed:
			return set()
		doc = frappe.get_doc(doctype, name)
		if doc.docstatus == 1:
			editable = {
				r.fieldname: v for r, v in changed.items() if doc.meta.get_field(r.fieldname).allow_on_submit
			}
			if editable:
				doc.db_set(editable)
			return set(editable)
		for rule, value in changed.items():
			doc.set(rule.fieldname, value)
		doc.flags.from_woocommerce = True  # no push of what the store just sent
		savepoint = "woocommerce_field_rules"
		frappe.db.savepoint(savepoint)
		try:
			doc.save(ignore_permissions=True)
		except frappe.ValidationError as exc:
			frappe.db.rollback(save_point=savepoint)
			rows = ", ".join(str(r.idx) for r in changed)
			message = frappe.utils.strip_html(str(exc.args[0] if exc.args else exc)) or type(exc).__name__
			self.skipped(
				subject,
				_("{0} {1} refused the values of field mapping row(s) {2} ({3})").format(
					_(doctype), name, rows, message
				),
			)
			return set()
		return {r.fieldname for r in changed}

	def add_barcode(self, item: Document, barcode: Any, rule: FieldRule, subject: str) -> None:
		"""The barcode once on the Item; one another Item has already is left there, and said."""
		barcode = cstr(barcode)
		if any(row.barcode == barcode for row in item.get("barcodes") or []):
			return
		holder = frappe.db.get_value(BARCODE, {"barcode": barcode, "parenttype": "Item"}, "parent")
		if holder and holder != item.name:
			self.skipped(
				subject,
				_("{0}: the barcode {1} belongs to Item {2} already").format(
					rule.describe(), barcode, holder
				),
			)
			return
		item.append("barcodes", {"barcode": barcode})

	# Export ------------------------------------------------------------------------------------

	def export(
		self,
		source: str,
		sources: dict[str, Document | frappe._dict | str | None],
		payload: dict,
		subject: str,
		current: dict | None = None,
	) -> None:
		"""Write the export rules of `source` into the payload from the documents they read
		(a name is loaded only when a rule needs it); with `current`, the object as the store has
		it, only the values it does not show yet."""
		for doctype, doc in sources.items():
			rules = self.of(source, doctype, exports=True)
			if doctype == "Item":
				rules += self.of(source, BARCODE, exports=True)
			if not rules or not doc:
				continue
			if isinstance(doc, str):
				doc = frappe.get_doc(doctype, doc)
			for rule in rules:
				if rule.doctype == BARCODE:
					value = next((row.barcode for row in doc.get("barcodes") or [] if row.barcode), None)
				else:
					value = doc.get(rule.fieldname)
				try:
					value = to_woocommerce(value, rule)
					if current is None or cstr(read_value(current, rule.path)) != cstr(value):
						write_value(payload, rule.path, value)
				except (FieldConversionError, FieldPathError) as exc:
					self.skipped(subject, str(exc))

	def exports(self, source: str) -> bool:
		return any(r.source == source and r.exports for r in self.rules)


def _same(current: Any, value: Any, fieldtype: str) -> bool:
	if current in (None, ""):
		return False
	if fieldtype == "Date":
		return getdate(current) == value
	if fieldtype == "Datetime":
		return get_datetime(current) == value
	if fieldtype in (*NUMBER_TYPES, "Int", "Check"):
		return flt(current) == flt(value)
	return cstr(current) == cstr(value)
