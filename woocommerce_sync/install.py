"""Custom fields and the role the app needs, created idempotently on install and every migrate.

Every custom field carries module "WooCommerce Sync", so `bench uninstall-app` removes them with
the module; the columns (and so the values on existing Sales Orders) stay in the database.
"""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from woocommerce_sync.constants import (
	COUPON_ID_FIELD,
	COUPON_STORE_FIELD,
	COUPONS_FIELD,
	CURRENCY_KEY_FIELD,
	CUSTOMER_KEY_FIELD,
	EXPORT_ATTEMPTED_FIELD,
	ITEM_LINK,
	ITEM_LINKS_FIELD,
	ITEM_STORE,
	LINE_ID_FIELD,
	LIVE_KEY_FIELD,
	MANAGER_ROLE,
	MODULE,
	ORDER_COUPON,
	ORDER_EMAIL_FIELD,
	ORDER_ID_FIELD,
	PUSH_ERROR_FIELD,
	PUSH_QUEUED_FIELD,
	PUSH_STATE_FIELD,
	PUSHED_FIELD,
	REFUND_ID_FIELD,
	SALE_REASON_FIELD,
	SALE_STATE_FIELD,
	SELL_ON_FIELD,
	SETTINGS,
	STORE_FIELD,
	TRACKING_PENDING_FIELD,
	TRACKING_SENT_FIELD,
	TRACKING_STATUS_FIELD,
)


def before_install() -> None:
	ensure_role()


# The workspace's cards and charts, the reports and the stores' health read by store and date.
# Made on every migrate: a DocType's on_doctype_update runs only when its JSON changed.
INDEXES = {
	"Sales Order": [["woocommerce_server", "creation"], ["woocommerce_server", "transaction_date"]],
	"Sales Invoice": [["woocommerce_server", "posting_date"]],
	"WooCommerce Sync Log": [["store", "started"]],
	"WooCommerce Webhook Delivery": [["status", "creation"]],
}


def after_install() -> None:
	ensure_role()
	create_custom_fields(get_custom_fields(), update=True)
	for doctype, indexes in INDEXES.items():
		for columns in indexes:
			frappe.db.add_index(doctype, columns)


def after_migrate() -> None:
	after_install()


def ensure_role() -> None:
	if not frappe.db.exists("Role", MANAGER_ROLE):
		frappe.get_doc({"doctype": "Role", "role_name": MANAGER_ROLE, "desk_access": 1}).insert(
			ignore_permissions=True
		)


def _woocommerce_link_fields(insert_after: str) -> list[dict]:
	"""The store/order pair shared by every document that mirrors a WooCommerce order."""
	return [
		{
			"fieldname": STORE_FIELD,
			"label": "WooCommerce Store",
			"fieldtype": "Link",
			"options": SETTINGS,
			"insert_after": insert_after,
			"in_standard_filter": 1,
		},
		{
			"fieldname": ORDER_ID_FIELD,
			"label": "WooCommerce Order ID",
			"fieldtype": "Data",
			"insert_after": STORE_FIELD,
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"in_standard_filter": 1,
			"in_list_view": 1,
		},
	]


def _line_id_field() -> dict:
	"""The WooCommerce order line a row sells, copied from Sales Order to invoice and credit note,
	so a refund of that line finds its row."""
	return {
		"fieldname": LINE_ID_FIELD,
		"label": "WooCommerce Line ID",
		"fieldtype": "Int",
		"insert_after": "item_code",
		"hidden": 1,
		"read_only": 1,
	}


def _push_state_fields(insert_after: str) -> list[dict]:
	"""Where the Sales Order's push to its store stands (orders/push_state.py); set by the app."""
	state = {"read_only": 1, "no_copy": 1, "depends_on": "eval:doc.woocommerce_push_state"}
	return [
		{
			"fieldname": "woocommerce_push_section",
			"label": "Push to WooCommerce",
			"fieldtype": "Section Break",
			"insert_after": insert_after,
			"depends_on": "eval:doc.woocommerce_push_state",
		},
		{
			"fieldname": PUSH_STATE_FIELD,
			"label": "Push State",
			"fieldtype": "Select",
			"options": "\nQueued\nSent\nFailed",
			"insert_after": "woocommerce_push_section",
			"in_standard_filter": 1,
			"read_only": 1,
			"no_copy": 1,
			"description": "Queued: a background job sends the Sales Order to the store. Failed: see the "
			"reason; the hourly sync retries, or press Retry.",
		},
		{
			"fieldname": PUSH_QUEUED_FIELD,
			"label": "Push Queued At",
			"fieldtype": "Datetime",
			"insert_after": PUSH_STATE_FIELD,
			**state,
		},
		{
			"fieldname": PUSHED_FIELD,
			"label": "Sent to WooCommerce At",
			"fieldtype": "Datetime",
			"insert_after": PUSH_QUEUED_FIELD,
			**state,
		},
		{
			"fieldname": "woocommerce_push_column",
			"fieldtype": "Column Break",
			"insert_after": PUSHED_FIELD,
		},
		{
			"fieldname": PUSH_ERROR_FIELD,
			"label": "Push Failure Reason",
			"fieldtype": "Small Text",
			"insert_after": "woocommerce_push_column",
			**state,
			"depends_on": "eval:doc.woocommerce_push_state=='Failed'",
		},
		{
			"fieldname": EXPORT_ATTEMPTED_FIELD,
			"label": "Export First Attempted (UTC)",
			"fieldtype": "Datetime",
			"insert_after": PUSH_ERROR_FIELD,
			**state,
			"depends_on": f"eval:doc.{EXPORT_ATTEMPTED_FIELD}",
			"description": "A retried export first looks for the store order made since then, so a lost "
			"answer never makes a second order.",
		},
	]


def get_custom_fields() -> dict[str, list[dict]]:
	fields = {
		"Sales Order": [
			{
				"fieldname": "woocommerce_tab",
				"label": "WooCommerce",
				"fieldtype": "Tab Break",
				"insert_after": "party_account_currency",
			},
			*_woocommerce_link_fields("woocommerce_tab"),
			{
				"fieldname": "woocommerce_column_break",
				"fieldtype": "Column Break",
				"insert_after": ORDER_ID_FIELD,
			},
			{
				"fieldname": "woocommerce_status",
				"label": "WooCommerce Status",
				"fieldtype": "Data",
				"insert_after": "woocommerce_column_break",
				"allow_on_submit": 1,
				"no_copy": 1,
				"in_standard_filter": 1,
				"description": "The order's status in the store; changing it on a submitted order updates the store.",
			},
			{
				"fieldname": "woocommerce_payment_method",
				"label": "WooCommerce Payment Method",
				"fieldtype": "Data",
				"insert_after": "woocommerce_status",
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": "woocommerce_modified",
				"label": "WooCommerce Modified (UTC)",
				"fieldtype": "Datetime",
				"insert_after": "woocommerce_payment_method",
				"read_only": 1,
				"no_copy": 1,
				"description": "The order's date_modified_gmt when it was last synced.",
			},
			{
				"fieldname": "woocommerce_customer_note",
				"label": "WooCommerce Customer Note",
				"fieldtype": "Small Text",
				"insert_after": "woocommerce_modified",
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": LIVE_KEY_FIELD,
				"label": "WooCommerce Live Key",
				"fieldtype": "Data",
				"insert_after": "woocommerce_customer_note",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"unique": 1,
				"description": "store:order id while this Sales Order is not cancelled; the unique index keeps "
				"one live Sales Order per WooCommerce order even when two imports race.",
			},
			{
				"fieldname": "woocommerce_last_synced",
				"label": "Last Synced with WooCommerce",
				"fieldtype": "Datetime",
				"insert_after": LIVE_KEY_FIELD,
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": "woocommerce_sync_hash",
				"label": "WooCommerce Sync Fingerprint",
				"fieldtype": "Data",
				"insert_after": "woocommerce_last_synced",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "Fingerprint of the status, note and addresses both sides last agreed on; "
				"a side still showing it has not changed (no echo of our own pushes).",
			},
			{
				"fieldname": ORDER_EMAIL_FIELD,
				"label": "WooCommerce E-mail",
				"fieldtype": "Data",
				"insert_after": "woocommerce_sync_hash",
				"read_only": 1,
				"no_copy": 1,
				"description": "The billing e-mail as the store has it. Customer and Contact keep an "
				"internationalised domain in punycode, or no e-mail when ERPNext refuses the address.",
			},
			{
				"fieldname": "woocommerce_sale_section",
				"label": "Sale Documents",
				"fieldtype": "Section Break",
				"insert_after": ORDER_EMAIL_FIELD,
			},
			{
				"fieldname": SALE_STATE_FIELD,
				"label": "Sale Documents",
				"fieldtype": "Select",
				"options": "\nPending\nDone\nFailed",
				"insert_after": "woocommerce_sale_section",
				"read_only": 1,
				"no_copy": 1,
				"search_index": 1,
				"in_standard_filter": 1,
				"description": "Invoice, payment, credit notes and delivery of the order, made after the Sales "
				"Order in their own step. Failed: the next sync (or Create Invoice) tries again.",
			},
			{
				"fieldname": SALE_REASON_FIELD,
				"label": "Sale Documents Problem",
				"fieldtype": "Small Text",
				"insert_after": SALE_STATE_FIELD,
				"read_only": 1,
				"no_copy": 1,
				"depends_on": f"eval:doc.{SALE_STATE_FIELD}=='Failed'",
			},
			*_push_state_fields(SALE_REASON_FIELD),
			{
				"fieldname": COUPONS_FIELD,
				"label": "WooCommerce Coupons",
				"fieldtype": "Table",
				"options": ORDER_COUPON,
				"insert_after": "woocommerce_sync_hash",
				"read_only": 1,
				"no_copy": 1,
				"description": "The coupons the customer used in the store, with the discount each gave; "
				"the WooCommerce Coupon Sales report adds them up.",
			},
		],
		"Delivery Note": [
			{
				"fieldname": "woocommerce_section",
				"label": "WooCommerce",
				"fieldtype": "Section Break",
				"insert_after": "lr_date",
				"collapsible": 1,
				"collapsible_depends_on": TRACKING_STATUS_FIELD,
			},
			{
				"fieldname": TRACKING_STATUS_FIELD,
				"label": "WooCommerce Tracking",
				"fieldtype": "Small Text",
				"insert_after": "woocommerce_section",
				"read_only": 1,
				"no_copy": 1,
				"allow_on_submit": 1,
				"description": "Whether the Transport Receipt No and Transporter reached the WooCommerce "
				"order, or why not.",
			},
			{
				"fieldname": TRACKING_SENT_FIELD,
				"label": "WooCommerce Tracking Sent",
				"fieldtype": "Code",
				"options": "JSON",
				"insert_after": TRACKING_STATUS_FIELD,
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"allow_on_submit": 1,
				"description": "Per order: the tracking number sent, the order note made and whether the "
				"order was updated, so a retry never adds a second note.",
			},
			{
				"fieldname": TRACKING_PENDING_FIELD,
				"label": "WooCommerce Tracking Pending",
				"fieldtype": "Check",
				"insert_after": TRACKING_SENT_FIELD,
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"allow_on_submit": 1,
				"search_index": 1,
			},
		],
		"Coupon Code": [
			{
				"fieldname": "woocommerce_section",
				"label": "WooCommerce",
				"fieldtype": "Section Break",
				"insert_after": "description",
				"collapsible": 1,
				"collapsible_depends_on": COUPON_STORE_FIELD,
			},
			{
				"fieldname": COUPON_STORE_FIELD,
				"label": "WooCommerce Store",
				"fieldtype": "Link",
				"options": SETTINGS,
				"insert_after": "woocommerce_section",
				"description": "The store this coupon is offered in: Actions > Push to WooCommerce creates "
				"it there, and later saves keep it up to date.",
			},
			{
				"fieldname": COUPON_ID_FIELD,
				"label": "WooCommerce Coupon ID",
				"fieldtype": "Int",
				"insert_after": COUPON_STORE_FIELD,
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": "woocommerce_coupon_synced",
				"label": "Last Pushed to WooCommerce",
				"fieldtype": "Datetime",
				"insert_after": COUPON_ID_FIELD,
				"read_only": 1,
				"no_copy": 1,
			},
		],
		"Sales Invoice": [
			{
				"fieldname": "woocommerce_section",
				"label": "WooCommerce",
				"fieldtype": "Section Break",
				"insert_after": "inter_company_invoice_reference",
				"collapsible": 1,
			},
			*_woocommerce_link_fields("woocommerce_section"),
			{
				"fieldname": REFUND_ID_FIELD,
				"label": "WooCommerce Refund ID",
				"fieldtype": "Data",
				"insert_after": ORDER_ID_FIELD,
				"read_only": 1,
				"no_copy": 1,
				"search_index": 1,
				"description": "The refund this Credit Note credits; each refund is credited once.",
			},
		],
		"Sales Order Item": [_line_id_field()],
		"Sales Invoice Item": [_line_id_field()],
		"Customer": [
			{
				"fieldname": "woocommerce_email",
				"label": "WooCommerce Email",
				"fieldtype": "Data",
				"options": "Email",
				"insert_after": "email_id",
				"unique": 1,
				"no_copy": 1,
				"description": "The e-mail WooCommerce orders are matched by; unique, so two imports racing "
				"for a new buyer make one Customer.",
			},
			{
				"fieldname": CUSTOMER_KEY_FIELD,
				"label": "WooCommerce Customer",
				"fieldtype": "Data",
				"insert_after": "woocommerce_email",
				"read_only": 1,
				"no_copy": 1,
				"unique": 1,
				"description": "store:customer id of the WooCommerce account, so a buyer who changes e-mail "
				"is still recognised (store:guest:e-mail for a guest whose e-mail ERPNext refuses); unique, "
				"so the order import and the customer import racing for one account make one Customer.",
			},
			{
				"fieldname": CURRENCY_KEY_FIELD,
				"label": "WooCommerce Currency Twin Of",
				"fieldtype": "Data",
				"insert_after": "woocommerce_customer_key",
				"read_only": 1,
				"unique": 1,
				"no_copy": 1,
				"description": "customer:currency when this Customer takes a customer's WooCommerce orders in "
				"another currency (One Customer per Currency); unique, so two racing imports make one.",
			},
		],
		"Address": [
			{
				"fieldname": "woocommerce_address_key",
				"label": "WooCommerce Address Key",
				"fieldtype": "Data",
				"insert_after": "links",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"search_index": 1,
			},
		],
		"Item": [
			{
				"fieldname": "woocommerce_section",
				"label": "WooCommerce",
				"fieldtype": "Section Break",
				"insert_after": "description",
				"collapsible": 1,
				"collapsible_depends_on": ITEM_LINKS_FIELD,
			},
			{
				"fieldname": ITEM_LINKS_FIELD,
				"label": "WooCommerce Products",
				"fieldtype": "Table",
				"options": ITEM_LINK,
				"insert_after": "woocommerce_section",
				"no_copy": 1,
				"description": "The WooCommerce product or variation this Item is, per store.",
			},
			{
				"fieldname": SELL_ON_FIELD,
				"label": "Sell on WooCommerce Stores",
				"fieldtype": "Table MultiSelect",
				"options": ITEM_STORE,
				"insert_after": ITEM_LINKS_FIELD,
				"description": "The Item is created in these stores when missing, and its stock, prices and "
				"details are kept up to date there. A variant is sold where its template is.",
			},
			{
				"fieldname": "woocommerce_dimensions_column",
				"fieldtype": "Column Break",
				"insert_after": SELL_ON_FIELD,
			},
			*(
				{
					"fieldname": f"woocommerce_{dimension}",
					"label": f"{dimension.title()} (for WooCommerce)",
					"fieldtype": "Float",
					"insert_after": after,
					"description": "In the shop's dimension unit." if dimension == "height" else None,
				}
				for dimension, after in (
					("length", "woocommerce_dimensions_column"),
					("width", "woocommerce_length"),
					("height", "woocommerce_width"),
				)
			),
		],
	}
	for doctype_fields in fields.values():
		for field in doctype_fields:
			field["module"] = MODULE
	return fields
