// Coupon Code: Actions > Push to WooCommerce creates or updates its coupon in its WooCommerce Store.
frappe.ui.form.on("Coupon Code", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.woocommerce_server) return;
		frm.add_custom_button(
			__("Push to WooCommerce"),
			async () => {
				if (frm.is_dirty()) await frm.save();
				const { message } = await frappe.call({
					method: "woocommerce_sync.promotions.coupons.push_coupon_code",
					args: { coupon_code: frm.doc.name },
					freeze: true,
					freeze_message: __("Sending {0} to WooCommerce ...", [frm.doc.coupon_code]),
				});
				frappe.show_alert({ message: frappe.utils.escape_html(message), indicator: "green" });
				frm.reload_doc();
			},
			__("Actions")
		);
	},
});
