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

# Log Settings offers these for automatic clean-up, with the default retention in days.
default_log_clearing_doctypes = {
	"WooCommerce Request Log": 30,
	"WooCommerce Sync Log": 90,
	"WooCommerce Webhook Delivery": 30,
}

scheduler_events = {
	"hourly": ["woocommerce_sync.webhook.requeue_stale_deliveries"],
	"hourly_long": [
		"woocommerce_sync.sync_sales_orders.enqueue_all_stores",
		"woocommerce_sync.product_reconciliation.enqueue_all_stores",
	],
	# Stock and prices changed in the last minute reach the shop within the next one.
	"cron": {"* * * * *": ["woocommerce_sync.product_push.push_pending"]},
}

doc_events = {
	"Sales Order": {
		"validate": ["woocommerce_sync.order_link.protect_link", "woocommerce_sync.order_link.set_live_key"],
		"on_cancel": [
			"woocommerce_sync.order_link.release_live_key",
			"woocommerce_sync.product_queue.on_sales_order",
			"woocommerce_sync.sales_order_to_woocommerce.on_cancel",
		],
		"on_submit": [
			"woocommerce_sync.product_queue.on_sales_order",
			"woocommerce_sync.sales_order_to_woocommerce.on_submit",
		],
		"on_update_after_submit": [
			"woocommerce_sync.product_queue.on_sales_order",
			"woocommerce_sync.sales_order_to_woocommerce.on_update_after_submit",
		],
	},
	"Stock Ledger Entry": {"on_submit": "woocommerce_sync.product_queue.on_stock_ledger_entry"},
	"Item Price": {
		"on_update": "woocommerce_sync.product_queue.on_item_price",
		"on_trash": "woocommerce_sync.product_queue.on_item_price",
	},
	"Item": {"on_update": "woocommerce_sync.product_export.on_item_update"},
}

doctype_js = {
	"Item": "public/js/item.js",
	"Sales Order": ["public/js/sales_order.js", "public/js/sales_order_invoice.js"],
}
doctype_list_js = {"Sales Order": "public/js/sales_order_list.js"}
