"""Configuration read once a page, not once an order.

Frappe empties its per-transaction value cache (`frappe.db.value_cache`) at every commit and
rollback. The import commits after every order, so that a failure costs that order alone and no row
lock is held for a whole page; ERPNext then read Selling Settings, the Company, the Currency, the
Price List and a dozen more again for every order, about 30 statements of each order's cost.

`commit()` and `rollback()` keep what is configuration across the transaction's end: the values of
single DocTypes and the name checks of the DocTypes below, which an import never writes and an
administrator changes rarely. The importer starts each page with a plain commit, so a change made
while a page is being imported is seen from the next page on (a page is at most 100 orders, a few
seconds), as within one long web request. What the import writes (Customer, Contact, Address,
Item, Sales Order) is never kept, nor a miss.
"""

import frappe

CONFIGURATION = frozenset(
	{
		"Account",
		"Company",
		"Cost Center",
		"Country",
		"Currency",
		"Customer Group",
		"DocType",
		"Fiscal Year",
		"Item Tax Template",
		"Language",
		"Letter Head",
		"Mode of Payment",
		"Payment Terms Template",
		"Price List",
		"Sales Taxes and Charges Template",
		"Shipping Rule",
		"Tax Category",
		"Terms and Conditions",
		"Territory",
		"UOM",
		"Warehouse",
		"WooCommerce Integration Settings",
	}
)


def commit() -> None:
	"""`frappe.db.commit()`, keeping the configuration read so far."""
	kept = _configuration()
	frappe.db.commit()
	frappe.db.value_cache.update(kept)


def rollback() -> None:
	"""`frappe.db.rollback()`, keeping the configuration read so far: the import writes none of it,
	so what the failed transaction read is what every other transaction reads too."""
	kept = _configuration()
	frappe.db.rollback()
	frappe.db.value_cache.update(kept)


def _configuration() -> dict:
	"""Single DocTypes' values (keyed by the DocType's name) and found names of CONFIGURATION."""
	return {
		key: value
		for key, value in frappe.db.value_cache.items()
		if (isinstance(key, str) and isinstance(value, dict))
		or (isinstance(key, tuple) and key[0] in CONFIGURATION and value)
	}
