// Delivery Note: Actions > Send Tracking to WooCommerce sends the Transport Receipt No and the
// Transporter to the WooCommerce orders it ships (submitting does so by itself, in the background).
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || !frm.doc.lr_no) return;
		frm.add_custom_button(
			__("Send Tracking to WooCommerce"),
			async () => {
				const { message } = await frappe.call({
					method: "woocommerce_sync.sales.shipment_tracking.send_tracking_now",
					args: { delivery_note: frm.doc.name },
					freeze: true,
					freeze_message: __("Sending tracking {0} to WooCommerce ...", [frm.doc.lr_no]),
				});
				frappe.show_alert({ message: frappe.utils.escape_html(message || ""), indicator: "green" });
				frm.reload_doc();
			},
			__("Actions")
		);
	},
});
