// Sales Order list: a WooCommerce indicator on linked orders, next to ERPNext's own.
(() => {
	const settings = frappe.listview_settings["Sales Order"] || {};
	settings.add_fields = [...(settings.add_fields || []), "woocommerce_id", "woocommerce_status"];
	settings.formatters = Object.assign({}, settings.formatters, {
		woocommerce_id(value, df, doc) {
			if (!value) return "";
			const title = __("WooCommerce order {0}: {1}", [value, doc.woocommerce_status || ""]);
			return `<span class="indicator-pill purple ellipsis" title="${frappe.utils.escape_html(
				title
			)}">${frappe.utils.escape_html(`${value} ${doc.woocommerce_status || ""}`)}</span>`;
		},
	});
	frappe.listview_settings["Sales Order"] = settings;
})();
