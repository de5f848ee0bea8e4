frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["WooCommerce Sync Activity"] = {
	method: "woocommerce_sync.woocommerce_sync.dashboard_chart_source.woocommerce_sync_activity.woocommerce_sync_activity.get",
	filters: [
		{
			fieldname: "metric",
			label: __("Metric"),
			fieldtype: "Select",
			options: ["Sales Orders Imported", "Failed Orders", "Stock and Price Pushes"],
			default: "Sales Orders Imported",
			reqd: 1,
		},
		{
			fieldname: "store",
			label: __("Store"),
			fieldtype: "Link",
			options: "WooCommerce Integration Settings",
		},
	],
};
