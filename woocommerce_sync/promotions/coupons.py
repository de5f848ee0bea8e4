"""Coupon Code (with its Pricing Rule) -> WooCommerce coupon, one way, for shops that run their
promotions from ERPNext.

A Coupon Code names its store (*WooCommerce Store*); *Actions > Push to WooCommerce* on its form
or `bench --site <site> woocommerce push-coupons --store <store>` creates or updates the coupon
there, and once it is linked (*WooCommerce Coupon ID*), saving the Coupon Code or its Pricing
Rule queues the update. What a Pricing Rule becomes, and what is refused, is core/coupons.py.

Idempotent: a linked Coupon Code updates its coupon by id; an unlinked one is first looked up by
code (`GET coupons?code=`), so a coupon made in the shop by hand, or by a push whose answer was
lost, is linked instead of duplicated. Writes go 100 to a request (`coupons/batch`). One Coupon
Code per store: WooCommerce codes are unique per store, ERPNext's per site.
"""

from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, nowdate, strip_html

from woocommerce_sync import jobs
from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import COUPON_ID_FIELD, COUPON_JOB, COUPON_STORE_FIELD, SETTINGS
from woocommerce_sync.core.client import WooCommerceClient
from woocommerce_sync.core.coupons import CouponNotExpressible, CouponSource, coupon_payload, same_code
from woocommerce_sync.manual_access import check_store
from woocommerce_sync.products.links import products_of
from woocommerce_sync.runs import SyncRun, sync_run

GONE = "woocommerce_rest_shop_coupon_invalid_id"

# Entry points ----------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def push_coupon_code(coupon_code: str) -> str:
	"""The Coupon Code's Push to WooCommerce: create or update its coupon now, or say why not."""
	frappe.has_permission("Coupon Code", "write", throw=True)
	doc = frappe.get_doc("Coupon Code", coupon_code)
	doc.check_permission("write")
	store = doc.get(COUPON_STORE_FIELD)
	if not store:
		frappe.throw(
			_("Choose the WooCommerce Store of Coupon Code {0} first, save, then push it.").format(doc.name)
		)
	check_store(store)
	run = push_coupons(store, [doc.name], "Manual")
	problems = [failure["reason"] for failure in run.failures] + ([run.error] if run.error else [])
	if problems:
		frappe.throw("<br>".join(frappe.utils.escape_html(p) for p in problems), title=_("Not Pushed"))
	return _("Coupon Code {0} is coupon {1} in WooCommerce store {2}.").format(
		doc.name, frappe.db.get_value("Coupon Code", doc.name, COUPON_ID_FIELD), store
	)


def on_coupon_code_update(doc, method: str | None = None) -> None:
	"""A linked Coupon Code changed: queue the update of its coupon."""
	if doc.get(COUPON_STORE_FIELD) and doc.get(COUPON_ID_FIELD):
		enqueue(doc.get(COUPON_STORE_FIELD), [doc.name])


def on_pricing_rule_update(doc, method: str | None = None) -> None:
	"""A Pricing Rule changed: queue the update of the coupons of its linked Coupon Codes."""
	by_store: dict[str, list[str]] = {}
	for row in frappe.get_all(
		"Coupon Code",
		filters={"pricing_rule": doc.name, COUPON_ID_FIELD: (">", 0)},
		fields=["name", COUPON_STORE_FIELD],
	):
		if row.get(COUPON_STORE_FIELD):
			by_store.setdefault(row.get(COUPON_STORE_FIELD), []).append(row.name)
	for store, names in by_store.items():
		enqueue(store, names)


def enqueue(store: str, names: list[str]) -> bool:
	return jobs.enqueue(
		"woocommerce_sync.promotions.coupons.push_coupons",
		jobs.job_id(COUPON_JOB, store, ",".join(sorted(names))),
		store=store,
		names=sorted(names),
		trigger="Scheduler",
	)


def store_coupon_codes(store: str) -> list[str]:
	"""Every Coupon Code offered in the store (for the bench command)."""
	return frappe.get_all("Coupon Code", filters={COUPON_STORE_FIELD: store}, pluck="name", order_by="name")


# Pushing ---------------------------------------------------------------------------------------


def push_coupons(
	store: str, names: list[str], trigger: str = "Manual", on_progress: Callable[[int], None] | None = None
) -> SyncRun:
	"""Create or update the coupons of these Coupon Codes in the store; one Sync Log for the run."""
	settings = frappe.get_doc(SETTINGS, store)
	with sync_run(store, trigger, "coupon push") as run:
		with get_client(settings) as client:
			pusher = CouponPusher(settings, client, run)
			for start in range(0, len(names), 100):
				chunk = names[start : start + 100]
				pusher.push(chunk)
				if on_progress:
					on_progress(len(chunk))
	return run


class CouponPusher:
	def __init__(self, settings, client: WooCommerceClient, run: SyncRun):
		self.settings = settings
		self.store = settings.name
		self.client = client
		self.run = run

	def push(self, names: list[str]) -> None:
		create, update, created_for, updated_for = [], [], [], {}
		for name in names:
			doc = frappe.get_doc("Coupon Code", name)
			if doc.get(COUPON_STORE_FIELD) != self.store:
				self.fail(
					name, _("it is offered in {0}, not in this store").format(doc.get(COUPON_STORE_FIELD))
				)
				continue
			try:
				payload = coupon_payload(self.source(doc), getdate(nowdate()))
			except CouponNotExpressible as exc:
				refusal = str(exc)
			else:
				refusal = None
			if refusal:  # a person's to fix, not a crash: no traceback in the Error Log
				self.run.fail(name, refusal, reference=("Coupon Code", name))
				continue
			coupon_id = doc.get(COUPON_ID_FIELD) or self.find(payload["code"])
			if coupon_id:
				update.append({"id": coupon_id, **payload})
				updated_for[int(coupon_id)] = name
			else:
				create.append(payload)
				created_for.append(name)
		if not (create or update):
			return
		answer = self.client.batch("coupons", create=create, update=update)
		for name, made in zip(created_for, answer.get("create", []), strict=False):
			self.record(name, made, "created")
		for made in answer.get("update", []):  # WooCommerce names the id in error items too
			name = updated_for.get(int(made.get("id") or 0))
			if name:
				self.record(name, made, "updated")
		frappe.db.commit()

	def find(self, code: str) -> int | None:
		"""The store's (published) coupon with this code: WooCommerce's own look-up by code."""
		for coupon in self.client.get("coupons", {"code": code}) or []:
			if same_code(coupon.get("code") or "", code):
				return int(coupon["id"])
		return None

	def record(self, name: str, made: dict, outcome: str) -> None:
		error = made.get("error")
		if error:
			if error.get("code") == GONE:
				frappe.db.set_value("Coupon Code", name, COUPON_ID_FIELD, 0, update_modified=False)
				self.fail(name, _("its coupon was deleted in the store; push again to create it anew"))
			else:
				self.fail(name, error.get("message") or error.get("code") or _("refused"))
			return
		frappe.db.set_value(
			"Coupon Code",
			name,
			{COUPON_ID_FIELD: int(made["id"]), "woocommerce_coupon_synced": now_datetime()},
			update_modified=False,
		)
		self.run.count(outcome)

	def fail(self, name: str, reason: str) -> None:
		self.run.fail(
			name,
			_("WooCommerce store {0}, Coupon Code {1}: {2}").format(self.store, name, reason),
			reference=("Coupon Code", name),
		)

	def source(self, doc) -> CouponSource:
		rule = frappe.get_doc("Pricing Rule", doc.pricing_rule)
		customer = doc.customer if doc.coupon_type == "Gift Card" else None
		if rule.applicable_for == "Customer":
			customer = rule.customer
		return CouponSource(
			coupon_code=doc.name,
			code=doc.coupon_code or "",
			coupon_type=doc.coupon_type,
			description=strip_html(doc.description or "").strip(),
			maximum_use=doc.maximum_use or 0,
			valid_from=getdate(doc.valid_from) if doc.valid_from else None,
			valid_upto=getdate(doc.valid_upto) if doc.valid_upto else None,
			customer_email=_email(customer),
			pricing_rule=rule.name,
			disabled=bool(rule.disable),
			selling=bool(rule.selling),
			price_or_product_discount=rule.price_or_product_discount or "Price",
			apply_on=rule.apply_on,
			rate_or_discount=rule.rate_or_discount or "",
			discount_percentage=rule.discount_percentage,
			discount_amount=rule.discount_amount,
			min_amt=rule.min_amt,
			max_amt=rule.max_amt,
			min_qty=rule.min_qty,
			max_qty=rule.max_qty,
			applicable_for=rule.applicable_for or "",
			mixed_conditions=bool(rule.mixed_conditions),
			apply_rule_on_other=rule.apply_rule_on_other or "",
			condition=rule.condition or "",
			rule_valid_from=getdate(rule.valid_from) if rule.valid_from else None,
			rule_valid_upto=getdate(rule.valid_upto) if rule.valid_upto else None,
			currency=rule.currency or "",
			store_currency=self.settings.store_currency or "",
			product_ids=self.product_ids(rule),
		)

	def product_ids(self, rule) -> list[int]:
		"""The store's products (a variation by its own id) of the Items the rule applies to; a
		template's variants count, as ERPNext applies a template's rule to them."""
		if rule.apply_on == "Item Code":
			items = [row.item_code for row in rule.items]
		elif rule.apply_on == "Item Group":
			groups = set()
			for row in rule.item_groups:
				groups.add(row.item_group)
				groups.update(frappe.db.get_descendants("Item Group", row.item_group))
			items = frappe.get_all("Item", filters={"item_group": ("in", list(groups))}, pluck="name")
		elif rule.apply_on == "Brand":
			brands = [row.brand for row in rule.brands]
			items = frappe.get_all("Item", filters={"brand": ("in", brands)}, pluck="name") if brands else []
		else:
			return []
		if items:
			items += frappe.get_all("Item", filters={"variant_of": ("in", items)}, pluck="name")
		return [variation or product for product, variation in products_of(self.store, items).values()]


def _email(customer: str | None) -> str:
	if not customer:
		return ""
	values = frappe.db.get_value("Customer", customer, ["woocommerce_email", "email_id"], as_dict=True)
	return (values.woocommerce_email or values.email_id or "") if values else ""
