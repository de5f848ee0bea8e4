// Sales Order > Actions: Create Invoice and Sync Refunds for orders imported from WooCommerce.
frappe.ui.form.on("Sales Order", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || !frm.doc.woocommerce_server || !frm.doc.woocommerce_id) return;
		const run = (method, busy) =>
			frappe.call({
				method: `woocommerce_sync.sales.sync_invoice.${method}`,
				args: { sales_order: frm.doc.name },
				freeze: true,
				freeze_message: busy,
				callback: (r) => {
					const out = r.message || {};
					frappe.show_alert({
						message: out.invoice
							? __("Done. Sales Invoice {0}; see Sync Log {1}.", [out.invoice, out.sync_log])
							: __("Done; see Sync Log {0}.", [out.sync_log]),
						indicator: "green",
					});
					frm.reload_doc();
				},
			});
		frm.add_custom_button(
			__("Create Invoice"),
			() => run("create_invoice", __("Creating the invoice...")),
			__("Actions")
		);
		frm.add_custom_button(
			__("Sync Refunds"),
			() => run("sync_order_refunds", __("Reading the order's refunds from WooCommerce...")),
			__("Actions")
		);
	},
});
