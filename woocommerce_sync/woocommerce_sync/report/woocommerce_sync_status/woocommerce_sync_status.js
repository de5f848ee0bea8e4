// The sync status console: tick rows, then Retry or Ignore them; Retry All takes every store.
const CONSOLE = "woocommerce_sync.desk.console";

frappe.query_reports["WooCommerce Sync Status"] = {
	filters: [
		{
			fieldname: "show",
			label: __("Show"),
			fieldtype: "Select",
			options: [
				{ value: "Failing Orders", label: __("Failing Orders") },
				{ value: "Webhook Deliveries", label: __("Webhook Deliveries") },
			],
			default: "Failing Orders",
			reqd: 1,
		},
		{
			fieldname: "store",
			label: __("Store"),
			fieldtype: "Link",
			options: "WooCommerce Integration Settings",
		},
	],

	get_datatable_options(options) {
		return Object.assign(options, { checkboxColumn: true });
	},

	onload(report) {
		const checked = () =>
			report.datatable.rowmanager.getCheckedRows().map((index) => report.data[index]);
		const by_store = (rows) =>
			rows.reduce((groups, row) => {
				(groups[row.store] = groups[row.store] || []).push(row.woocommerce_order_id);
				return groups;
			}, {});
		const tell = (message) => {
			frappe.show_alert({ message: frappe.utils.escape_html(message.message), indicator: "blue" });
			report.refresh();
		};
		const showing_orders = () => report.get_filter_value("show") !== "Webhook Deliveries";

		report.page.add_inner_button(__("Retry Selected"), async () => {
			const rows = checked();
			if (!rows.length) return frappe.msgprint(__("Tick the rows to retry first."));
			if (!showing_orders()) {
				const names = rows.map((row) => row.name);
				return tell(await frappe.xcall(`${CONSOLE}.retry_deliveries`, { names }));
			}
			for (const [store, order_ids] of Object.entries(by_store(rows))) {
				tell(await frappe.xcall(`${CONSOLE}.retry_orders`, { store, order_ids }));
			}
		});
		report.page.add_inner_button(__("Retry All"), async () => {
			tell(await frappe.xcall(`${CONSOLE}.retry_all`));
		});
		report.page.add_inner_button(__("Ignore Selected"), () => {
			const rows = checked();
			if (!showing_orders() || !rows.length) {
				return frappe.msgprint(__("Tick the failing orders to ignore first."));
			}
			frappe.prompt(
				{
					fieldname: "note",
					fieldtype: "Small Text",
					label: __("Why are these orders not imported?"),
					reqd: 1,
				},
				async ({ note }) => {
					for (const [store, order_ids] of Object.entries(by_store(rows))) {
						tell(await frappe.xcall(`${CONSOLE}.ignore_orders`, { store, order_ids, note }));
					}
				},
				__("Ignore {0} orders", [rows.length]),
				__("Ignore")
			);
		});
	},
};
