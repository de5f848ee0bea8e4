// A WooCommerce order read live from its store; the one action re-syncs it into ERPNext.
frappe.ui.form.on("WooCommerce Order", {
	refresh(frm) {
		frm.disable_save();
		if (frm.doc.sales_order) {
			frm.set_intro(
				__("Imported as Sales Order {0}.", [
					`<a href="/app/sales-order/${encodeURIComponent(frm.doc.sales_order)}">${frappe.utils.escape_html(
						frm.doc.sales_order
					)}</a>`,
				]),
				"blue"
			);
		}
		frm.add_custom_button(
			__("Sync this Order with ERPNext"),
			async () => {
				const { message: result } = await frappe.call({
					method: "woocommerce_sync.woocommerce_sync.doctype.woocommerce_order.woocommerce_order.sync_order",
					args: { name: frm.doc.name },
					freeze: true,
					freeze_message: __("Syncing order {0}...", [frm.doc.woocommerce_id]),
				});
				frappe.msgprint({
					title: __("Sync this Order with ERPNext"),
					indicator: { created: "green", updated: "green", skipped: "blue" }[result.outcome] || "red",
					message: result.message,
				});
				frm.reload_doc();
			},
			__("Actions")
		);
	},
});
