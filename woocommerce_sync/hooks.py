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
}

scheduler_events = {
	"hourly_long": ["woocommerce_sync.sync_sales_orders.enqueue_all_stores"],
}

doctype_js = {"Sales Order": ["public/js/sales_order_invoice.js"]}

doc_events = {
	"Sales Order": {
		"validate": "woocommerce_sync.order_link.set_live_key",
		"on_cancel": "woocommerce_sync.order_link.release_live_key",
	},
}
