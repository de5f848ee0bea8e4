"""Regular and sale prices between ERPNext Price Lists and WooCommerce, in the store's direction.

ERPNext -> WooCommerce (the default): the store's Regular Price List gives `regular_price`, its
Sale Price List gives `sale_price`, the Item Price's Valid From / Valid Upto the sale dates; an
Item with no sale price has its sale cleared. WooCommerce -> ERPNext: the full pass writes the
shop's prices into those lists. Rates are read with one query per batch of 100 items; only
Item Prices without customer, supplier or batch count, in the Item's stock UOM (or none).
A store whose prices include tax gets them grossed up by Tax Rate Included in Store Prices.
"""

from collections.abc import Sequence
from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from woocommerce_sync.core.prices import PriceRules, SalePrice, from_store_price, price_fields, same_price
from woocommerce_sync.core.product_batch import ProductUpdate, chunks
from woocommerce_sync.products.links import describe
from woocommerce_sync.runs import SyncRun

ERPNEXT_TO_WOOCOMMERCE = "ERPNext to WooCommerce"
WOOCOMMERCE_TO_ERPNEXT = "WooCommerce to ERPNext"


def pushes_prices(settings) -> bool:
	return bool(settings.regular_price_list) and (settings.price_direction or ERPNEXT_TO_WOOCOMMERCE) == (
		ERPNEXT_TO_WOOCOMMERCE
	)


def pulls_prices(settings) -> bool:
	return bool(settings.regular_price_list) and settings.price_direction == WOOCOMMERCE_TO_ERPNEXT


def price_rules(settings) -> PriceRules:
	return PriceRules(
		prices_include_tax=bool(settings.prices_include_tax),
		tax_rate_percent=frappe.utils.flt(settings.price_tax_rate),
		erpnext_places=frappe.get_meta("Item Price").get_field("price_list_rate").precision or 2,
	)


def price_updates(settings, links: Sequence[frappe._dict]) -> list[ProductUpdate]:
	"""Price fields for each paired Item that has a regular price; nothing when prices flow the
	other way or no price list is set."""
	if not pushes_prices(settings):
		return []
	rules = price_rules(settings)
	updates = []
	for batch in chunks([link for link in links if not link.has_variants]):
		prices = read_prices(settings, batch)
		for link in batch:
			regular, sale = prices.get(link.item_code, (None, None))
			fields = price_fields(regular.rate if regular else None, sale, rules)
			if fields:
				updates.append(ProductUpdate(link.product_id, link.variation_id, link.item_code, fields))
	return updates


def read_prices(
	settings, links: Sequence[frappe._dict]
) -> dict[str, tuple[SalePrice | None, SalePrice | None]]:
	"""(regular, sale) per item, in one query: the regular price valid today, and the sale price
	valid today or, failing that, the next one to start (so a sale can be scheduled)."""
	today = getdate(nowdate())
	lists = {settings.regular_price_list, settings.sale_price_list} - {None, ""}
	wanted = {link.item_code: link for link in links}
	rows = frappe.db.sql(
		"""select name, item_code, price_list, uom, price_list_rate, valid_from, valid_upto
		from `tabItem Price`
		where price_list in %(lists)s and item_code in %(items)s
			and ifnull(customer, '') = '' and ifnull(supplier, '') = '' and ifnull(batch_no, '') = ''
			and (valid_upto is null or valid_upto >= %(today)s)""",
		{"lists": tuple(lists), "items": tuple(wanted), "today": today},
		as_dict=True,
	)

	def price(item_code: str, uom: str, price_list: str | None, sale: bool):
		offers = [
			r
			for r in rows
			if r.item_code == item_code and r.price_list == price_list and (not r.uom or r.uom == uom)
		]
		return _current(offers, today) or (_next(offers, today) if sale else None)

	return {
		item_code: (
			_as_price(price(item_code, link.stock_uom, settings.regular_price_list, False)),
			_as_price(price(item_code, link.stock_uom, settings.sale_price_list, True))
			if settings.sale_price_list
			else None,
		)
		for item_code, link in wanted.items()
	}


def _current(rows: list, today: date):
	valid = [r for r in rows if not r.valid_from or getdate(r.valid_from) <= today]
	return max(valid, key=lambda r: getdate(r.valid_from) if r.valid_from else date.min, default=None)


def _next(rows: list, today: date):
	later = [r for r in rows if r.valid_from and getdate(r.valid_from) > today]
	return min(later, key=lambda r: getdate(r.valid_from), default=None)


def _as_price(row) -> SalePrice | None:
	if row is None:
		return None
	return SalePrice(
		frappe.utils.flt(row.price_list_rate),
		getdate(row.valid_from) if row.valid_from else None,
		getdate(row.valid_upto) if row.valid_upto else None,
	)


def pull_prices(settings, links: Sequence[frappe._dict], products: dict, run: SyncRun) -> None:
	"""WooCommerce -> ERPNext: write the shop's regular and sale prices into the price lists,
	changing only the Item Prices that differ (a rate that would push back as the same shop
	price is left alone, so tax-inclusive rounding never makes prices drift)."""
	if not pulls_prices(settings):
		return
	rules = price_rules(settings)
	for batch in chunks([link for link in links if not link.has_variants]):
		current = read_prices(settings, batch)
		for link in batch:
			product = products.get((link.product_id, link.variation_id))
			if not product:
				continue
			regular, sale = current.get(link.item_code, (None, None))
			try:
				changed = _pull_one(settings, link, product, regular, sale, rules)
			except Exception as exc:
				frappe.db.rollback()
				run.fail(
					describe(link.product_id, link.variation_id),
					_("Store {0}: the price of Item {1} could not be written to ERPNext: {2}").format(
						settings.name, link.item_code, exc
					),
					reference=("Item", link.item_code),
				)
				continue
			if changed:
				run.count("updated")
			frappe.db.commit()


def _pull_one(settings, link, product: dict, regular, sale, rules: PriceRules) -> bool:
	changed = False
	shop_regular = from_store_price(product.get("regular_price"), rules)
	if shop_regular is not None and not (
		regular and same_price(regular.rate, product["regular_price"], rules)
	):
		_set_item_price(settings.regular_price_list, link, shop_regular, None, None)
		changed = True
	if not settings.sale_price_list:
		return changed
	shop_sale = from_store_price(product.get("sale_price"), rules)
	starts, ends = _day(product.get("date_on_sale_from")), _day(product.get("date_on_sale_to"))
	if shop_sale is None:
		if sale:
			for name in _item_prices(settings.sale_price_list, link):
				frappe.delete_doc("Item Price", name, ignore_permissions=True)
			changed = True
	elif not (
		sale
		and same_price(sale.rate, product["sale_price"], rules)
		and (starts is None or sale.valid_from == starts)
		and sale.valid_upto == ends
	):
		_set_item_price(settings.sale_price_list, link, shop_sale, starts, ends)
		changed = True
	return changed


def _day(value) -> date | None:
	return getdate(str(value)[:10]) if value else None


def _item_prices(price_list: str, link) -> list[str]:
	return frappe.get_all(
		"Item Price",
		filters={
			"price_list": price_list,
			"item_code": link.item_code,
			"customer": ("is", "not set"),
			"supplier": ("is", "not set"),
			"batch_no": ("is", "not set"),
		},
		pluck="name",
		order_by="valid_from desc",
	)


def _set_item_price(price_list: str, link, rate, valid_from: date | None, valid_upto: date | None) -> None:
	names = _item_prices(price_list, link)
	doc = (
		frappe.get_doc("Item Price", names[0])
		if names
		else frappe.new_doc("Item Price").update({"price_list": price_list, "item_code": link.item_code})
	)
	doc.update(
		{"price_list_rate": rate, "valid_from": valid_from or doc.valid_from, "valid_upto": valid_upto}
	)
	doc.save(ignore_permissions=True)
