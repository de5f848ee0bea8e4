frappe.ui.form.on("WooCommerce Integration Settings", {
	setup(frm) {
		const company_filter = () => ({ filters: { company: frm.doc.company, is_group: 0 } });
		frm.set_query("warehouse", company_filter);
		frm.set_query("cost_center", company_filter);
		for (const field of ["default_tax_account", "shipping_account", "fee_account"]) {
			frm.set_query(field, company_filter);
		}
		frm.set_query("account", "tax_accounts", company_filter);
		frm.set_query("account", "payment_methods", () => ({
			filters: { company: frm.doc.company, is_group: 0, account_type: ["in", ["Bank", "Cash"]] },
		}));
		frm.set_query("selling_price_list", () => ({ filters: { selling: 1 } }));
		for (const field of ["regular_price_list", "sale_price_list"]) {
			frm.set_query(field, () => ({ filters: { selling: 1 } }));
		}
		frm.set_query("warehouse", "stock_warehouses", company_filter);
	},

	onload(frm) {
		frappe.realtime.on("woocommerce_import_progress", (data) => {
			if (data.store !== frm.doc.name) return;
			frappe.show_progress(__("Importing orders"), data.done, data.done, __("{0} orders read", [data.done]));
		});
		frappe.realtime.on("woocommerce_import_done", (data) => {
			if (data.store !== frm.doc.name) return;
			frappe.hide_progress();
			frappe.msgprint({
				title: __("Import finished"),
				indicator: data.failed ? "orange" : "green",
				message: __("Created {0}, updated {1}, skipped {2}, failed {3}. See {4}.", [
					data.created,
					data.updated,
					data.skipped,
					data.failed,
					`<a href="/app/woocommerce-sync-log/${data.sync_log}">${__("the Sync Log")}</a>`,
				]),
			});
			frm.reload_doc();
		});
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Test Connection"), () => frm.trigger("test_connection"));
		frm.add_custom_button(__("Import Orders"), () => frm.trigger("import_orders"));
		for (const [label, method] of [
			[__("Register Webhooks"), "register_webhooks"],
			[__("Remove Webhooks"), "remove_webhooks"],
		]) {
			frm.add_custom_button(
				label,
				async () => {
					const { message: result } = await frappe.call({
						method: `woocommerce_sync.webhooks.registration.${method}`,
						args: { store: frm.doc.name },
						freeze: true,
					});
					frappe.msgprint({
						title: label,
						indicator: result.ok ? "green" : "red",
						message: result.message,
					});
				},
				__("Webhooks")
			);
		}
		frm.add_custom_button(__("Map Existing Products"), () => frm.trigger("map_products"), __("Products"));
		frm.add_custom_button(__("Sync Stock and Prices Now"), () => frm.trigger("sync_stock"), __("Products"));
		frm.add_custom_button(__("Pull a Product"), () => frm.trigger("pull_product"), __("Products"));
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

	import_orders(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Import Orders from {0}", [frm.doc.name]),
			fields: [
				{
					fieldname: "ids",
					fieldtype: "Data",
					label: __("WooCommerce Order IDs"),
					description: __("Comma separated, e.g. 111,222,333. Empty: use the filters below."),
				},
				{
					fieldname: "statuses",
					fieldtype: "Data",
					label: __("Statuses"),
					description: __("Comma separated; empty uses the store's Order Statuses to Import."),
				},
				{
					fieldname: "created_from",
					fieldtype: "Date",
					label: __("Created From"),
					description: __("From and To are days in this site's time zone, as in the WooCommerce Order list."),
				},
				{ fieldname: "created_to", fieldtype: "Date", label: __("Created To") },
				{
					fieldname: "update_existing",
					fieldtype: "Check",
					label: __("Update orders already in ERPNext"),
				},
				{ fieldname: "dry_run", fieldtype: "Check", label: __("Dry run (write nothing)") },
			],
			primary_action_label: __("Import"),
			primary_action: async (values) => {
				dialog.hide();
				const { message } = await frappe.call({
					method: "woocommerce_sync.orders.sync_sales_orders.import_orders",
					args: { store: frm.doc.name, ...values },
				});
				frappe.show_alert({
					message: message.queued
						? __("Import queued; progress appears here.")
						: __("An import for this store is already running."),
					indicator: message.queued ? "blue" : "orange",
				});
			},
		});
		dialog.show();
	},

	map_products(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Map Existing Products of {0}", [frm.doc.name]),
			fields: [
				{
					fieldtype: "HTML",
					options: `<p>${__(
						"Pairs every product and variation of the store with the Item whose {0} equals its SKU. Unpaired ones on both sides are listed in the Sync Log.",
						[frappe.utils.escape_html(frm.doc.product_match_field || "item_code")]
					)}</p>`,
				},
				{
					fieldname: "create_items",
					fieldtype: "Check",
					label: __("Create an Item for each store product no Item matches"),
				},
				{
					fieldname: "mark_sold",
					fieldtype: "Check",
					label: __("Mark every paired Item sold"),
					description: __(
						"Adds this store to the Sell on WooCommerce Stores of Items paired earlier (e.g. by the order import), so their stock and prices are pushed."
					),
				},
				{
					fieldname: "build_templates",
					fieldtype: "Check",
					label: __("Build templates from variation Items"),
					description: __(
						"A variable product whose variations are paired with standalone Items gets a template; those Items become its variants and keep their item codes. Run a dry run first: the Sync Log lists every change."
					),
				},
				{
					fieldname: "dry_run",
					fieldtype: "Check",
					label: __("Dry run (change nothing)"),
					description: __("The Sync Log counts and lists what would change."),
				},
			],
			primary_action_label: __("Map"),
			primary_action: async (values) => {
				dialog.hide();
				const { message } = await frappe.call({
					method: "woocommerce_sync.products.mapping.map_existing_products",
					args: { store: frm.doc.name, ...values },
				});
				frappe.show_alert({
					message: message.queued
						? __("Mapping queued; the result will be in the Sync Log.")
						: __("A mapping for this store is already running."),
					indicator: message.queued ? "blue" : "orange",
				});
			},
		});
		dialog.show();
	},

	async sync_stock(frm) {
		const { message } = await frappe.call({
			method: "woocommerce_sync.products.full_pass.sync_stock_now",
			args: { store: frm.doc.name },
		});
		frappe.show_alert({
			message: message.queued
				? __("Full stock and price pass queued; the result will be in the Sync Log.")
				: __("A full pass for this store is already running."),
			indicator: message.queued ? "blue" : "orange",
		});
	},

	pull_product(frm) {
		frappe.prompt(
			{ fieldname: "product_id", fieldtype: "Int", label: __("WooCommerce Product ID"), reqd: 1 },
			async ({ product_id }) => {
				const { message } = await frappe.call({
					method: "woocommerce_sync.products.pull.pull_product",
					args: { store: frm.doc.name, product_id },
					freeze: true,
				});
				frappe.set_route("Form", "Item", message.item_code);
			},
			__("Pull a Product from {0}", [frm.doc.name]),
			__("Pull")
		);
	},

	async test_connection(frm) {
		if (frm.is_dirty()) await frm.save();
		const { message: result } = await frappe.call({
			method: "woocommerce_sync.woocommerce_sync.doctype.woocommerce_integration_settings.woocommerce_integration_settings.test_connection",
			args: { store: frm.doc.name },
			freeze: true,
			freeze_message: __("Asking {0} ...", [frm.doc.store_url]),
		});
		const answer = frappe.msgprint({
			title: result.ok ? __("Connection Successful") : __("Connection Failed"),
			// A store in another currency with no receivable route connects, with a warning.
			indicator: !result.ok ? "red" : result.warnings?.length ? "orange" : "green",
			message: frappe.utils.escape_html(result.message),
		});
		const reloaded = frm.reload_doc();
		if (result.ok) {
			// The guided first run (public/js/store_health.js) once the message is closed, once; set
			// before the reload ends, so a message closed at once still leads to it.
			answer.custom_onhide = async () => {
				answer.custom_onhide = null;
				await reloaded;
				woocommerce_sync.store_health.first_run(frm);
			};
		}
		await reloaded;
	},
});
