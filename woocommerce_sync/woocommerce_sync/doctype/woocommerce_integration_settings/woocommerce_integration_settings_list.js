// One indicator per store, from the fields the order syncs keep on it; the same rules as
// woocommerce_sync/desk/health.py `assess` (red: not syncing; orange: syncing, needs a look).
// Orders waiting for a retry are WooCommerce Order Retry rows: counted per listed store on each
// refresh, and the rows drawn again when a count changed.
const STALE_AFTER_MS = 2 * 60 * 60 * 1000;
let retry_counts = {};

function same_counts(a, b) {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...keys].every((key) => (a[key] || 0) === (b[key] || 0));
}

frappe.listview_settings["WooCommerce Integration Settings"] = {
	add_fields: [
		"enabled",
		"last_success",
		"last_run_status",
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
		const waiting = retry_counts[doc.name] || 0;
		if (waiting) return [__("{0} orders to retry", [waiting]), "orange", `name,=,${doc.name}`];
		if (["Missing", "Disabled by WooCommerce"].includes(doc.webhook_state)) {
			return [__("Webhooks: {0}", [__(doc.webhook_state)]), "orange", `webhook_state,=,${doc.webhook_state}`];
		}
		if (doc.last_run_status === "Partial Failure") {
			return [__("Last sync had failures"), "orange", "last_run_status,=,Partial Failure"];
		}
		return [__("Syncing"), "green", "enabled,=,1"];
	},
	refresh(listview) {
		const stores = (listview.data || []).map((doc) => doc.name);
		if (!stores.length) return;
		frappe.xcall("woocommerce_sync.desk.cards.retry_counts", { stores }).then((counts) => {
			if (same_counts(counts || {}, retry_counts)) return;
			retry_counts = counts || {};
			listview.render();
		});
	},
};
