// WooCommerce Integration Settings: Import Customers and Sync Categories (customers/, products/categories.py).
frappe.ui.form.on("WooCommerce Integration Settings", {
	onload(frm) {
		for (const [kind, title] of [
			["customers", __("Importing customers")],
			["categories", __("Syncing categories")],
		]) {
			frappe.realtime.on(`woocommerce_${kind}_progress`, (data) => {
				if (data.store !== frm.doc.name) return;
				frappe.show_progress(title, data.done, data.done, __("{0} done", [data.done]));
			});
			frappe.realtime.on(`woocommerce_${kind}_done`, (data) => {
				if (data.store !== frm.doc.name) return;
				frappe.hide_progress();
				frappe.msgprint({
					title: kind === "customers" ? __("Customer import finished") : __("Category sync finished"),
					indicator: data.error ? "red" : data.failed ? "orange" : "green",
					message:
						(data.error ? `<p>${frappe.utils.escape_html(data.error)}</p>` : "") +
						__("Created {0}, updated {1}, skipped {2}, failed {3}. See {4}.", [
							data.created,
							data.updated,
							data.skipped,
							data.failed,
							`<a href="/app/woocommerce-sync-log/${data.sync_log}">${__("the Sync Log")}</a>`,
						]),
				});
			});
		}
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Import Customers"), () => frm.trigger("import_customers"), __("Customers"));
		if (frm.doc.category_direction && frm.doc.category_direction !== "Off") {
			frm.add_custom_button(
				__("Sync Categories"),
				async () => {
					const { message } = await frappe.call({
						method: "woocommerce_sync.products.categories.sync_categories",
						args: { store: frm.doc.name },
					});
					frappe.show_alert({
						message: message.queued
							? __("Category sync queued; progress appears here.")
							: __("A category sync for this store is already running."),
						indicator: message.queued ? "blue" : "orange",
					});
				},
				__("Products")
			);
		}
	},

	import_customers(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Import Customers from {0}", [frm.doc.name]),
			fields: [
				{
					fieldtype: "HTML",
					options: `<p>${__(
						"Store accounts become Customers with their Contact and Billing and Shipping Addresses, matched by e-mail, then by account, as the order import matches buyers. Empty fields: every customer."
					)}</p>`,
				},
				{
					fieldname: "ids",
					fieldtype: "Data",
					label: __("WooCommerce Customer IDs"),
					description: __("Comma separated, e.g. 2,15,16."),
				},
				{
					fieldname: "modified_since",
					fieldtype: "Datetime",
					label: __("Modified Since"),
					description: __("In this site's time zone. WooCommerce cannot filter customers by date, so the whole list is read and older accounts are skipped."),
				},
			],
			primary_action_label: __("Import"),
			primary_action: async (values) => {
				dialog.hide();
				const { message } = await frappe.call({
					method: "woocommerce_sync.customers.import_customers.import_customers",
					args: { store: frm.doc.name, ...values },
				});
				frappe.show_alert({
					message: message.queued
						? __("Customer import queued; progress appears here.")
						: __("A customer import for this store is already running."),
					indicator: message.queued ? "blue" : "orange",
				});
			},
		});
		dialog.show();
	},
});
