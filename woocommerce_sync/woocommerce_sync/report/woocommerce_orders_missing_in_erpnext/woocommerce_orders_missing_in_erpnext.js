// The store's orders of a date range against ERPNext; Import Missing Orders queues exactly the
// orders listed as missing.
frappe.query_reports["WooCommerce Orders Missing in ERPNext"] = {
	filters: [
		{
			fieldname: "store",
			label: __("Store"),
			fieldtype: "Link",
			options: "WooCommerce Integration Settings",
			reqd: 1,
		},
		{
			fieldname: "from_date",
			label: __("Created From"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -7),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("Created To"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
	],

	onload(report) {
		report.page.add_inner_button(__("Import Missing Orders"), async () => {
			const store = report.get_filter_value("store");
			const order_ids = (report.data || [])
				.filter((row) => row.problem_key === "Missing in ERPNext")
				.map((row) => row.woocommerce_order_id);
			if (!order_ids.length) {
				return frappe.msgprint(__("No order of {0} is missing in ERPNext in this range.", [store]));
			}
			const message = await frappe.xcall("woocommerce_sync.desk.console.import_missing", {
				store,
				order_ids,
			});
			frappe.show_alert({
				message: frappe.utils.escape_html(message.message),
				indicator: message.queued ? "blue" : "orange",
			});
		});
	},
};
