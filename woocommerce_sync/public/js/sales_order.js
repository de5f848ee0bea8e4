// Sales Order: where a linked order lives in WooCommerce, its push state with Retry, and
// Actions > Sync with WooCommerce.
frappe.ui.form.on("Sales Order", {
	setup(frm) {
		// The push job says when it is done (orders/sales_order_to_woocommerce.py: _tell_form).
		frappe.realtime.on("woocommerce_push_state", (data) => {
			if (data.sales_order === frm.doc.name && !frm.is_dirty()) frm.reload_doc();
		});
	},
	refresh(frm) {
		if (!frm.doc.woocommerce_server || frm.is_new()) return;
		if (frm.doc.woocommerce_id) {
			frappe
				.xcall("woocommerce_sync.orders.sales_order_to_woocommerce.woocommerce_admin_url", {
					sales_order: frm.doc.name,
				})
				.then((url) => {
					if (url) {
						frm.add_web_link(url, __("Open order {0} in WooCommerce", [frm.doc.woocommerce_id]));
					}
				});
			frm.dashboard.add_comment(
				__("WooCommerce order {0} in store {1}, status {2}; last synced {3}.", [
					frappe.utils.escape_html(frm.doc.woocommerce_id),
					frappe.utils.escape_html(frm.doc.woocommerce_server),
					frappe.utils.escape_html(frm.doc.woocommerce_status || __("unknown")),
					frm.doc.woocommerce_last_synced
						? frappe.datetime.comment_when(frm.doc.woocommerce_last_synced)
						: __("never"),
				]),
				"blue",
				true
			);
			frm.add_custom_button(
				__("Unlink from WooCommerce"),
				() =>
					frappe.prompt(
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
						({ reason }) =>
							frappe
								.xcall("woocommerce_sync.orders.live_key.unlink_from_woocommerce", {
									sales_order: frm.doc.name,
									reason,
								})
								.then(() => frm.reload_doc()),
						__("Unlink from WooCommerce order {0}", [frappe.utils.escape_html(frm.doc.woocommerce_id)]),
						__("Unlink")
					),
				__("Actions")
			);
		}
		show_push_state(frm);
		if (frm.doc.docstatus !== 1) return;
		frm.add_custom_button(
			__("Sync with WooCommerce"),
			() =>
				frappe.call({
					method: "woocommerce_sync.orders.sales_order_to_woocommerce.sync_with_woocommerce",
					args: { sales_order: frm.doc.name },
					freeze: true,
					freeze_message: __("Comparing with WooCommerce..."),
					callback: (r) => {
						frappe.msgprint({ title: __("WooCommerce"), message: r.message, indicator: "blue" });
						frm.reload_doc();
					},
				}),
			__("Actions")
		);
	},
});

// The push job's state (orders/push_state.py): queued, or failed with the reason and a Retry.
function show_push_state(frm) {
	const state = frm.doc.woocommerce_push_state;
	if (state === "Queued") {
		frm.dashboard.add_comment(
			__("Queued for WooCommerce store {0}: a background job sends it within moments.", [
				frappe.utils.escape_html(frm.doc.woocommerce_server),
			]),
			"blue",
			true
		);
	}
	if (state !== "Failed" || frm.doc.docstatus === 0) return;
	frm.dashboard.add_comment(
		__("Not sent to WooCommerce: {0} The hourly sync retries; or press Retry WooCommerce Push.", [
			frappe.utils.escape_html(frm.doc.woocommerce_push_error || ""),
		]),
		"red",
		true
	);
	frm.add_custom_button(__("Retry WooCommerce Push"), () =>
		frappe
			.xcall("woocommerce_sync.orders.sales_order_to_woocommerce.retry_push", {
				sales_order: frm.doc.name,
			})
			.then(() => frm.reload_doc()) // the server's alert says it is queued
	);
}
