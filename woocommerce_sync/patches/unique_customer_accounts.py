"""Before Customer.woocommerce_customer_key becomes unique: one Customer keeps each account.

Until now two Customers could carry the same store account (an order import and a second one
racing, or a buyer's orders under two e-mails). The oldest keeps the key, as the importers'
look-ups already preferred it; the others are unlinked from the account (their orders and
e-mails stay), and empty keys become NULL, which a unique index allows many of.
"""

import frappe

from woocommerce_sync.constants import CUSTOMER_KEY_FIELD


def execute() -> None:
	if not frappe.db.has_column("Customer", CUSTOMER_KEY_FIELD):
		return  # installed fresh: the field is made unique from the start
	frappe.db.sql(f"update `tabCustomer` set `{CUSTOMER_KEY_FIELD}` = NULL where `{CUSTOMER_KEY_FIELD}` = ''")
	duplicates = frappe.db.sql(
		f"""select `{CUSTOMER_KEY_FIELD}` from `tabCustomer` where `{CUSTOMER_KEY_FIELD}` is not null
		group by `{CUSTOMER_KEY_FIELD}` having count(*) > 1""",
		pluck=True,
	)
	for key in duplicates:
		names = frappe.get_all(
			"Customer", filters={CUSTOMER_KEY_FIELD: key}, pluck="name", order_by="creation asc"
		)
		frappe.db.set_value(
			"Customer", {"name": ("in", names[1:])}, CUSTOMER_KEY_FIELD, None, update_modified=False
		)
