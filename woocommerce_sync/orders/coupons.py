"""The coupons a WooCommerce order used, kept on its Sales Order for the record and the reports.

The WooCommerce Coupons table is read-only and filled by the import whenever it writes the Sales
Order's lines (a new or draft Sales Order); the money itself is already in the lines, whose
amounts are WooCommerce's totals after coupons, so this table never changes a total.
"""

from woocommerce_sync.constants import COUPONS_FIELD
from woocommerce_sync.core.order_mapping import SalesOrderDraft


def fill_coupons(so, draft: SalesOrderDraft) -> None:
	"""Replace the Sales Order's coupon rows by the order's coupon lines."""
	so.set(
		COUPONS_FIELD,
		[
			{"coupon_code": coupon.code, "discount": coupon.discount, "discount_tax": coupon.discount_tax}
			for coupon in draft.coupons
		],
	)
