from woocommerce_sync.constants import IMAGE_LINK, REQUEST_LOG, SYNC_LOG, WEBHOOK_DELIVERY

app_name = "woocommerce_sync"
app_title = "WooCommerce Sync"
app_publisher = "woocommerce_sync developers"
app_description = "Keeps WooCommerce stores and ERPNext in sync"
app_email = "woocommerce-sync@example.com"
app_license = "MIT"
required_apps = ["erpnext"]

before_install = "woocommerce_sync.install.before_install"
after_install = "woocommerce_sync.install.after_install"
after_migrate = "woocommerce_sync.install.after_migrate"
# `run-tests --app woocommerce_sync` runs only this app's hook: ERPNext's completes the setup
# wizard (a company, a fiscal year) on a fresh test site, as ERPNext's own tests get it.
before_tests = "erpnext.setup.utils.before_tests"

# Log Settings offers these for automatic clean-up, with the default retention in days.
# The image sync's memory never keeps anyone from deleting an Item or a File.
ignore_links_on_delete = [IMAGE_LINK]

default_log_clearing_doctypes = {
	REQUEST_LOG: 30,
	SYNC_LOG: 90,
	WEBHOOK_DELIVERY: 30,
}

scheduler_events = {
	"hourly": [
		"woocommerce_sync.webhooks.deliveries.requeue_stale_deliveries",
		# Each store's daily digest e-mail, at its send hour.
		"woocommerce_sync.desk.digest.send_due_digests",
		# Delivery Notes whose tracking did not reach the store yet.
		"woocommerce_sync.sales.shipment_tracking.retry_pending",
	],
	"hourly_long": [
		# Per store: import the orders changed in WooCommerce, then the two-way pass for the
		# Sales Orders changed in ERPNext (sales_order_to_woocommerce.sync_both_ways).
		"woocommerce_sync.orders.sales_order_to_woocommerce.enqueue_all_stores",
		"woocommerce_sync.products.full_pass.enqueue_all_stores",
	],
	# Stock and prices changed in the last minute reach the shop within the next one.
	"cron": {"* * * * *": ["woocommerce_sync.products.push.push_pending"]},
}

doc_events = {
	"Sales Order": {
		"validate": [
			"woocommerce_sync.orders.live_key.protect_link",
			"woocommerce_sync.orders.live_key.set_live_key",
		],
		"on_cancel": [
			"woocommerce_sync.orders.live_key.release_live_key",
			"woocommerce_sync.products.queue.on_sales_order",
			"woocommerce_sync.orders.sales_order_to_woocommerce.on_cancel",
		],
		"on_submit": [
			"woocommerce_sync.products.queue.on_sales_order",
			"woocommerce_sync.orders.sales_order_to_woocommerce.on_submit",
		],
		"on_update_after_submit": [
			"woocommerce_sync.products.queue.on_sales_order",
			"woocommerce_sync.orders.sales_order_to_woocommerce.on_update_after_submit",
		],
	},
	"Stock Ledger Entry": {"on_submit": "woocommerce_sync.products.queue.on_stock_ledger_entry"},
	"Item Price": {
		"on_update": "woocommerce_sync.products.queue.on_item_price",
		"on_trash": "woocommerce_sync.products.queue.on_item_price",
	},
	"Item": {"on_update": "woocommerce_sync.products.export.on_item_update"},
	"Sales Invoice": {"validate": "woocommerce_sync.sales.invoice_link.protect_invoice_link"},
	"Delivery Note": {"on_submit": "woocommerce_sync.sales.shipment_tracking.on_submit"},
	"Coupon Code": {"on_update": "woocommerce_sync.promotions.coupons.on_coupon_code_update"},
	"Pricing Rule": {"on_update": "woocommerce_sync.promotions.coupons.on_pricing_rule_update"},
	"Customer": {"on_update": "woocommerce_sync.customers.customer_to_woocommerce.on_customer_update"},
	"Item Group": {
		"on_update": "woocommerce_sync.products.categories.on_item_group_change",
		"after_rename": "woocommerce_sync.products.categories.on_item_group_change",
	},
}

doctype_js = {
	"WooCommerce Integration Settings": [
		"public/js/store_health.js",
		"public/js/customers_and_categories.js",
		"public/js/product_images.js",
	],
	"Item": "public/js/item.js",
	"Customer": "public/js/customer.js",
	"Sales Order": ["public/js/sales_order.js", "public/js/sales_order_invoice.js"],
	"Delivery Note": "public/js/delivery_note.js",
	"Coupon Code": "public/js/coupon_code.js",
}
doctype_list_js = {
	"Sales Order": "public/js/sales_order_list.js",
	"Item": "public/js/item_list.js",
}
