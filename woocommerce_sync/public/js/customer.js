// Customer: Push to WooCommerce (customers/customer_to_woocommerce.py).
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role(["System Manager", "WooCommerce Manager"])) return;
		frm.add_custom_button(
			__("Push to WooCommerce"),
			() => {
				const key = frm.doc.woocommerce_customer_key || "";
				const linked = key.includes(":") ? key.slice(0, key.lastIndexOf(":")) : null;
				if (linked) return push(frm, linked);
				frappe.prompt(
					[
						{
							fieldname: "store",
							fieldtype: "Link",
							options: "WooCommerce Integration Settings",
							label: __("Store"),
							reqd: 1,
							get_query: () => ({ filters: { enabled: 1 } }),
						},
					],
					(values) => push(frm, values.store),
					__("Create Customer {0} in WooCommerce", [frm.doc.name]),
					__("Push")
				);
			},
			__("WooCommerce")
		);
	},
});

async function push(frm, store) {
	const { message } = await frappe.call({
		method: "woocommerce_sync.customers.customer_to_woocommerce.push_customer",
		args: { customer: frm.doc.name, store },
		freeze: true,
	});
	frappe.show_alert({
		message: message.queued
			? __("Push to {0} queued; its Sync Log tells how it went.", [message.store])
			: __("A push of this Customer to {0} is already queued.", [message.store]),
		indicator: message.queued ? "blue" : "orange",
	});
}
