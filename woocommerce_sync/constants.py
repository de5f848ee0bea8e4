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
STORE_CURRENCY = "WooCommerce Store Currency"  # the settings' Currencies table
ORDER_COUPON = "WooCommerce Order Coupon"
CATEGORY_LINK = "WooCommerce Category Link"
ORDER_RETRY = "WooCommerce Order Retry"  # a failed order waiting to be fetched again
IMAGE_LINK = "WooCommerce Image Link"  # an Item's image and the WooCommerce image it is
IMPORT_PAGE = "WooCommerce Import Page"  # a page of a running order import, leased by a worker

# Roles -----------------------------------------------------------------------------------------
MANAGER_ROLE = "WooCommerce Manager"
MANAGER_ROLES = ("System Manager", MANAGER_ROLE)
# Items are also pushed by the people who maintain them.
ITEM_ROLES = (*MANAGER_ROLES, "Item Manager")

# Custom fields (made by install.py) ------------------------------------------------------------
STORE_FIELD = "woocommerce_server"  # Link to the store's settings
ORDER_ID_FIELD = "woocommerce_id"
REFUND_ID_FIELD = "woocommerce_refund_id"  # Sales Invoice: the refund a Credit Note credits
LIVE_KEY_FIELD = "woocommerce_live_key"  # unique: one live Sales Order per order
LINE_ID_FIELD = "woocommerce_line_id"
ITEM_LINKS_FIELD = "woocommerce_links"  # the Item's WooCommerce Products table
SELL_ON_FIELD = "woocommerce_sell_on"  # the Item's Sell on WooCommerce Stores
SALE_STATE_FIELD = "woocommerce_sale_state"  # the Sales Order's sale documents: Pending, Done, Failed
SALE_REASON_FIELD = "woocommerce_sale_reason"  # why they failed, and the fix
ORDER_EMAIL_FIELD = "woocommerce_billing_email"  # the Sales Order keeps the e-mail as typed in the store
# A Sales Order's push to its store (orders/push_state.py)
PUSH_STATE_FIELD = "woocommerce_push_state"  # Queued, Sent or Failed
PUSH_QUEUED_FIELD = "woocommerce_push_queued"  # when the last change was queued (site time)
PUSHED_FIELD = "woocommerce_pushed"  # when the store last took the Sales Order (site time)
PUSH_ERROR_FIELD = "woocommerce_push_error"  # why the last push failed
EXPORT_ATTEMPTED_FIELD = "woocommerce_export_attempted"  # first export attempt (UTC)
PUSH_QUEUED, PUSH_SENT, PUSH_FAILED = "Queued", "Sent", "Failed"
CURRENCY_KEY_FIELD = "woocommerce_currency_key"  # unique: a customer's twin for another currency
COUPONS_FIELD = "woocommerce_coupons"  # the Sales Order's WooCommerce Coupons table
TRACKING_SENT_FIELD = "woocommerce_tracking_sent"  # Delivery Note: what reached which order (JSON)
TRACKING_STATUS_FIELD = "woocommerce_tracking_status"  # Delivery Note: sent, or why not
TRACKING_PENDING_FIELD = "woocommerce_tracking_pending"  # Delivery Note: still to send (retried hourly)
COUPON_STORE_FIELD = "woocommerce_server"  # Coupon Code: the store it is a coupon of
COUPON_ID_FIELD = "woocommerce_coupon_id"  # Coupon Code: the coupon's id in that store
CUSTOMER_EMAIL_FIELD = "woocommerce_email"  # unique: the e-mail orders and accounts are matched by
CUSTOMER_KEY_FIELD = "woocommerce_customer_key"  # unique: "<store>:<customer id>" of the account

# Background jobs: the id prefix says which job, the rest which store and object ----------------
ORDER_SYNC_JOB = "woocommerce-sync-orders"
ORDER_PAGE_JOB = "woocommerce-sync-order-page"  # imports pages of a running order import
WEBHOOK_JOB = "woocommerce-webhook"
EXPORT_JOB = "woocommerce-export"
PUSH_JOB = "woocommerce-push"  # one per Sales Order: ERPNext -> WooCommerce
FULL_PASS_JOB = "woocommerce-reconcile"
MAP_PRODUCTS_JOB = "woocommerce-map-products"
SELLING_JOB = "woocommerce-selling"
TRACKING_JOB = "woocommerce-tracking"
COUPON_JOB = "woocommerce-coupon"
CUSTOMER_IMPORT_JOB = "woocommerce-import-customers"
CUSTOMER_PUSH_JOB = "woocommerce-push-customer"
CATEGORY_SYNC_JOB = "woocommerce-categories"
IMAGE_SYNC_JOB = "woocommerce-images"
LONG_QUEUE = "long"
SHORT_QUEUE = "short"

# Sync Log operations (the workspace's charts and the stores' health count runs by them) --------
ORDERS_OPERATION = "Orders"
STOCK_OPERATION = "Stock and Prices"

# Store settings: what a shipment sends to the order (Shipment Tracking) -------------------------
TRACKING_OFF = "Off"
TRACKING_NOTE = "Order Note"
TRACKING_NOTE_AND_META = "Order Note and Shipment Tracking Meta"
# A store's category direction (its Sync Categories setting) -----------------------------------
CATEGORIES_OFF = "Off"
CATEGORIES_TO_WOOCOMMERCE = "ERPNext to WooCommerce"
CATEGORIES_TO_ERPNEXT = "WooCommerce to ERPNext"
# A store's image direction (its Sync Images setting) -----------------------------------------
IMAGES_TO_WOOCOMMERCE = "ERPNext to WooCommerce"
IMAGES_TO_ERPNEXT = "WooCommerce to ERPNext"

# Desk ------------------------------------------------------------------------------------------
IGNORED_ORDER = "WooCommerce Ignored Order"
SYNC_STATUS_REPORT = "WooCommerce Sync Status"
