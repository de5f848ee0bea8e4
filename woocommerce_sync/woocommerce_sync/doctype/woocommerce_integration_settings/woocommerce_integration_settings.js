frappe.ui.form.on("WooCommerce Integration Settings", {
	setup(frm) {
		const company_filter = () => ({ filters: { company: frm.doc.company, is_group: 0 } });
		frm.set_query("warehouse", company_filter);
		frm.set_query("cost_center", company_filter);
		for (const field of ["default_tax_account", "shipping_account", "fee_account"]) {
			frm.set_query(field, company_filter);
		}
		frm.set_query("account", "tax_accounts", company_filter);
		frm.set_query("selling_price_list", () => ({ filters: { selling: 1 } }));
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Test Connection"), () => frm.trigger("test_connection"));
		frm.add_custom_button(
			__("Request Log"),
			() => frappe.set_route("List", "WooCommerce Request Log", { store: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("Sync Log"),
			() => frappe.set_route("List", "WooCommerce Sync Log", { store: frm.doc.name }),
			__("View")
		);
	},

	async test_connection(frm) {
		if (frm.is_dirty()) await frm.save();
		const { message: result } = await frm.call({
			doc: frm.doc,
			method: "test_connection",
			freeze: true,
			freeze_message: __("Asking {0} ...", [frm.doc.store_url]),
		});
		frappe.msgprint({
			title: result.ok ? __("Connection Successful") : __("Connection Failed"),
			indicator: result.ok ? "green" : "red",
			message: frappe.utils.escape_html(result.message),
		});
		if (result.ok) frm.reload_doc();
	},
});
