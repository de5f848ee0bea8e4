"""Set-up for the product, stock and price tests: a store that syncs stock, paired Items, stock."""

import copy

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate

from woocommerce_sync.constants import SETTINGS
from woocommerce_sync.products.links import link_item
from woocommerce_sync.products.push import push_pending
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore, load_fixture
from woocommerce_sync.tests.utils import get_company, make_importing_settings

SALE_PRICE_LIST = "_Test WooCommerce Sale"
SUPPLIER = "_Test WooCommerce Supplier"
CUSTOMER = "_Test WooCommerce Stock Customer"


def make_stock_settings(fake: FakeWooCommerceStore, **overrides):
	"""A store pushing stock from the company's warehouse and prices from Standard Selling."""
	ensure_sale_price_list()
	values = {
		"sync_stock": 1,
		"regular_price_list": "Standard Selling",
		"sale_price_list": SALE_PRICE_LIST,
		**overrides,
	}
	return make_importing_settings(fake, **values)


def ensure_sale_price_list() -> None:
	if not frappe.db.exists("Price List", SALE_PRICE_LIST):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": SALE_PRICE_LIST, "selling": 1, "currency": "USD"}
		).insert(ignore_permissions=True)


def make_item(item_code: str, stores: tuple[str, ...] = (), **values) -> str:
	frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": item_code,
			"item_name": values.pop("item_name", item_code),
			"item_group": "All Item Groups",
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"woocommerce_sell_on": [{"woocommerce_server": store} for store in stores],
			**values,
		}
	).insert(ignore_permissions=True)
	return item_code


def paired_items(fake: FakeWooCommerceStore, store: str, count: int, prefix: str | None = None) -> list[str]:
	"""`count` simple products in the fake store, each paired with a new Item sold on the store."""
	prefix = prefix or f"WCT{frappe.generate_hash(length=5).upper()}"
	codes = []
	for product in fake.add_products(count, prefix=prefix):
		make_item(product["sku"], (store,))
		link_item(product["sku"], store, product["id"])
		codes.append(product["sku"])
	return codes


def order_of(fake: FakeWooCommerceStore, lines: list[tuple[dict, dict | None, int]]) -> int:
	"""An untaxed order (the recorded registered customer's, without shipping or coupon) of these
	(product, variation or None, quantity) lines, as WooCommerce lists it; returns its id."""
	order = copy.deepcopy(load_fixture("order_get_registered")["body"])
	items = []
	for number, (product, variation, quantity) in enumerate(lines, 1):
		price = (variation or product).get("price") or "10.00"
		total = f"{float(price) * quantity:.2f}"
		option = ", ".join(a["option"] for a in (variation or {}).get("attributes", []))
		items.append(
			{
				"id": number,
				"name": f"{product['name']} - {option}" if variation else product["name"],
				"product_id": product["id"],
				"variation_id": variation["id"] if variation else 0,
				"quantity": quantity,
				"tax_class": "",
				"subtotal": total,
				"subtotal_tax": "0.00",
				"total": total,
				"total_tax": "0.00",
				"taxes": [],
				"meta_data": [
					{
						"id": 100 + number,
						"key": a["name"].lower(),
						"value": a["option"],
						"display_key": a["name"],
						"display_value": a["option"],
					}
					for a in (variation or {}).get("attributes", [])
				],
				"sku": (variation or product).get("sku") or "",
				"price": float(price),
				"parent_name": product["name"] if variation else None,
			}
		)
	grand = f"{sum(float(i['total']) for i in items):.2f}"
	order.update(
		line_items=items,
		tax_lines=[],
		shipping_lines=[],
		fee_lines=[],
		coupon_lines=[],
		refunds=[],
		discount_total="0.00",
		discount_tax="0.00",
		shipping_total="0.00",
		shipping_tax="0.00",
		cart_tax="0.00",
		total_tax="0.00",
		total=grand,
	)
	for key in ("id", "number", "order_key"):
		order.pop(key)
	return fake.add_order(order)["id"]


def receive(item_codes: list[str], qty: float, warehouse: str | None = None) -> str:
	"""A Material Receipt of `qty` of each item."""
	company = get_company()
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": company.name,
			"items": [
				{
					"item_code": code,
					"qty": qty,
					"t_warehouse": warehouse or company.warehouse,
					"basic_rate": 10,
				}
				for code in item_codes
			],
		}
	)
	entry.insert(ignore_permissions=True)
	entry.submit()
	return entry.name


def supplier() -> str:
	if not frappe.db.exists("Supplier", SUPPLIER):
		frappe.get_doc(
			{"doctype": "Supplier", "supplier_name": SUPPLIER, "supplier_group": "All Supplier Groups"}
		).insert(ignore_permissions=True)
	return SUPPLIER


def customer() -> str:
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": CUSTOMER,
				"customer_group": "All Customer Groups",
				"territory": "All Territories",
			}
		).insert(ignore_permissions=True)
	return CUSTOMER


def selling_doc(doctype: str, lines: dict[str, float], **values):
	company = get_company()
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			"company": company.name,
			"customer": customer(),
			"currency": "USD",
			"selling_price_list": "Standard Selling",
			"set_warehouse": company.warehouse,
			"items": [
				{"item_code": code, "qty": qty, "rate": 20, "warehouse": company.warehouse}
				for code, qty in lines.items()
			],
			**values,
		}
	)
	if doctype == "Sales Order":
		doc.delivery_date = nowdate()
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


class ProductStoreTestCase(FrappeTestCase):
	"""A fake store with product settings; the store is disabled afterwards so that the real
	scheduler of the test site never pushes to a fake that is gone."""

	def store_settings(self) -> dict:
		return {}

	def setUp(self):
		self.fake = FakeWooCommerceStore().start()
		self.addCleanup(self.fake.stop)
		self.settings = make_stock_settings(self.fake, **self.store_settings())
		self.store = self.settings.name
		self.addCleanup(self.disable_store)

	def disable_store(self):
		frappe.db.set_value(SETTINGS, self.store, "enabled", 0)
		frappe.db.commit()

	def push(self):
		"""What the scheduler does after the documents committed."""
		frappe.db.commit()
		push_pending()
