// Sales Order: where a linked order lives in WooCommerce, and Actions > Sync with WooCommerce.
frappe.ui.form.on("Sales Order", {
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
					frm.doc.woocommerce_id,
					frm.doc.woocommerce_server,
					frm.doc.woocommerce_status || __("unknown"),
					frm.doc.woocommerce_last_synced
						? frappe.datetime.comment_when(frm.doc.woocommerce_last_synced)
						: __("never"),
				]),
				"blue",
				true
			);
		}
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
