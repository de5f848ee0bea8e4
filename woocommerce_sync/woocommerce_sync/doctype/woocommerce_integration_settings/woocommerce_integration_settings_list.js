// One indicator per store, from the fields the order syncs keep on it; the same rules as
// woocommerce_sync/desk/health.py `assess` (red: not syncing; orange: syncing, needs a look).
const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

frappe.listview_settings["WooCommerce Integration Settings"] = {
	add_fields: [
		"enabled",
		"last_success",
		"last_run_status",
		"retry_order_ids",
		"webhook_state",
		"last_connection_test",
		"last_connection_ok",
	],
	get_indicator(doc) {
		if (!doc.enabled) return [__("Disabled"), "gray", "enabled,=,0"];
		if (doc.last_run_status === "Failed") return [__("Last sync failed"), "red", "last_run_status,=,Failed"];
		if (!doc.last_success) return [__("Never synced"), "red", "last_success,is,not set"];
		// Both in the system time zone, as the database keeps them.
		if (moment(frappe.datetime.system_datetime()).diff(moment(doc.last_success)) > STALE_AFTER_MS) {
			return [__("No sync since {0}", [frappe.datetime.prettyDate(doc.last_success)]), "red", "enabled,=,1"];
		}
		if (doc.last_connection_test && !doc.last_connection_ok) {
			return [__("Test Connection failed"), "red", "last_connection_ok,=,0"];
		}
		const waiting = (doc.retry_order_ids || "").split(/\s+/).filter(Boolean).length;
		if (waiting) return [__("{0} orders to retry", [waiting]), "orange", "retry_order_ids,is,set"];
		if (["Missing", "Disabled by WooCommerce"].includes(doc.webhook_state)) {
			return [__("Webhooks: {0}", [__(doc.webhook_state)]), "orange", `webhook_state,=,${doc.webhook_state}`];
		}
		if (doc.last_run_status === "Partial Failure") {
			return [__("Last sync had failures"), "orange", "last_run_status,=,Partial Failure"];
		}
		return [__("Syncing"), "green", "enabled,=,1"];
	},
};
