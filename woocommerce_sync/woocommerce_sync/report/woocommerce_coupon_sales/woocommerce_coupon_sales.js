frappe.query_reports["WooCommerce Coupon Sales"] = {
	filters: [
		{
			fieldname: "store",
			label: __("Store"),
			fieldtype: "Link",
			options: "WooCommerce Integration Settings",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -3),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "Daily", label: __("Daily") },
				{ value: "Weekly", label: __("Weekly") },
				{ value: "Monthly", label: __("Monthly") },
			],
			default: "Monthly",
			reqd: 1,
		},
		{
			fieldname: "coupon_code",
			label: __("Coupon Code"),
			fieldtype: "Data",
		},
	],
};
