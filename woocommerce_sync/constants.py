"""The names the app spells in more than one place: DocTypes, roles, custom fields, job ids, queues.

Plain strings, no frappe import, so any module (and the core tier) can use them. A name changed
here changes everywhere; a DocType's JSON and the install's custom fields must still agree with it.
"""

MODULE = "WooCommerce Sync"

# DocTypes --------------------------------------------------------------------------------------
SETTINGS = "WooCommerce Integration Settings"
REQUEST_LOG = "WooCommerce Request Log"
SYNC_LOG = "WooCommerce Sync Log"
SYNC_LOG_FAILURE = "WooCommerce Sync Log Failure"
WEBHOOK_DELIVERY = "WooCommerce Webhook Delivery"
ITEM_LINK = "WooCommerce Item Link"
ITEM_STORE = "WooCommerce Item Store"
ORDER = "WooCommerce Order"
ORDER_LINE = "WooCommerce Order Line"
ORDER_RETRY = "WooCommerce Order Retry"  # a failed order waiting to be fetched again

# Roles -----------------------------------------------------------------------------------------
MANAGER_ROLE = "WooCommerce Manager"
MANAGER_ROLES = ("System Manager", MANAGER_ROLE)
# Items are also pushed by the people who maintain them.
ITEM_ROLES = (*MANAGER_ROLES, "Item Manager")

# Custom fields (made by install.py) ------------------------------------------------------------
STORE_FIELD = "woocommerce_server"  # Link to the store's settings
ORDER_ID_FIELD = "woocommerce_id"
LIVE_KEY_FIELD = "woocommerce_live_key"  # unique: one live Sales Order per order
LINE_ID_FIELD = "woocommerce_line_id"
ITEM_LINKS_FIELD = "woocommerce_links"  # the Item's WooCommerce Products table
SELL_ON_FIELD = "woocommerce_sell_on"  # the Item's Sell on WooCommerce Stores

# Background jobs: the id prefix says which job, the rest which store and object ----------------
ORDER_SYNC_JOB = "woocommerce-sync-orders"
WEBHOOK_JOB = "woocommerce-webhook"
EXPORT_JOB = "woocommerce-export"
FULL_PASS_JOB = "woocommerce-reconcile"
MAP_PRODUCTS_JOB = "woocommerce-map-products"
LONG_QUEUE = "long"
SHORT_QUEUE = "short"

# Sync Log operations (the workspace's charts and the stores' health count runs by them) --------
ORDERS_OPERATION = "Orders"
STOCK_OPERATION = "Stock and Prices"

# Desk ------------------------------------------------------------------------------------------
IGNORED_ORDER = "WooCommerce Ignored Order"
SYNC_STATUS_REPORT = "WooCommerce Sync Status"
