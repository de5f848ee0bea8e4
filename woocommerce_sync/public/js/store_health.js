// A store's form: its health as a headline at the top and in full on the Health tab, and the
// guided first run offered after a successful Test Connection (tax rates, payment gateways,
// then webhooks).
frappe.provide("woocommerce_sync.store_health");

const esc = (text) => frappe.utils.escape_html(text == null ? "" : String(text));
const when = (value) =>
	value ? `${esc(frappe.datetime.str_to_user(value))} (${esc(frappe.datetime.prettyDate(value))})` : __("never");

woocommerce_sync.store_health = {
	async show(frm) {
		const { message: health } = await frappe.call({
			method: "woocommerce_sync.desk.cards.get_store_health",
			args: { store: frm.doc.name },
			type: "GET",
		});
		if (!health || frm.doc.name !== health.store) return;
		const colors = { green: "green", orange: "orange", red: "red", gray: "gray" };
		frm.dashboard.set_headline_alert(
			`<span class="indicator-pill ${colors[health.color]} woocommerce-health-headline">${esc(
				health.reasons.join(", ")
			)}</span> <span class="text-muted">${__("Last successful sync: {0}", [when(health.last_success)])}</span>`,
			colors[health.color]
		);
		frm.get_field("health_html").$wrapper.html(this.details(health));
	},

	details(health) {
		const run = health.last_run;
		const rows = [
			[__("Status"), `<span class="indicator-pill ${health.color}">${esc(health.reasons.join(", "))}</span>`],
			[__("Last successful sync"), when(health.last_success)],
			[
				__("Last run"),
				run
					? `<a href="/app/woocommerce-sync-log/${encodeURIComponent(run.name)}">${esc(run.name)}</a>: ${esc(
							__(run.status)
					  )}, ${when(run.ended || run.started)}`
					: __("none yet"),
			],
			[
				__("Orders waiting for retry"),
				health.retry_count
					? `${health.retry_count} — ${__("latest: order {0}: {1}", [
							esc(health.retry_latest_order),
							esc(health.retry_latest_reason),
					  ])} <a href="/app/query-report/WooCommerce Sync Status?store=${encodeURIComponent(
							health.store
					  )}">${__("Open the console")}</a>`
					: "0",
			],
			[
				__("Webhooks"),
				`${esc(__(health.webhook_state || (health.webhooks_registered ? "Registered" : "Not Registered")))}${
					health.webhook_problems ? `: ${esc(health.webhook_problems)}` : ""
				} (${__("checked {0}", [when(health.webhooks_checked)])})`,
			],
			[__("Webhook deliveries failed or waiting over 10 minutes"), esc(health.deliveries_stuck)],
			[__("Sales Orders imported today"), esc(health.imported_today)],
			[__("Stock and price changes waiting for the push (all stores)"), esc(health.stock_queue)],
			[
				__("Last Test Connection"),
				health.last_connection_test
					? `${health.last_connection_ok ? __("succeeded") : __("failed")} ${when(
							health.last_connection_test
					  )}: ${esc(health.last_connection_message)}`
					: __("never"),
			],
		];
		return `<table class="table table-bordered woocommerce-health">${rows
			.map(([label, value]) => `<tr><th style="width: 30%">${esc(label)}</th><td>${value}</td></tr>`)
			.join("")}</table>`;
	},

	// After a successful Test Connection: fill the tables from the store, then webhooks.
	async first_run(frm) {
		const { message: choices } = await frappe.call({
			method: "woocommerce_sync.desk.first_run.store_choices",
			args: { store: frm.doc.name },
			freeze: true,
			freeze_message: __("Reading tax rates and payment gateways of {0} ...", [frm.doc.name]),
		});
		if (!choices.ok) {
			return frappe.msgprint({ title: __("First Run"), indicator: "red", message: esc(choices.message) });
		}
		const new_taxes = choices.taxes.filter((row) => !row.mapped);
		const new_gateways = choices.gateways.filter((row) => !row.mapped);
		if (!new_taxes.length && !new_gateways.length) return this.offer_webhooks(frm);
		const dialog = new frappe.ui.Dialog({
			title: __("Set up {0} from the store", [frm.doc.name]),
			size: "large",
			fields: [
				{
					fieldtype: "HTML",
					options: `<p>${__(
						"The store has these tax rates and payment gateways that the settings do not map yet. Choose an account and a mode of payment for those to keep; delete the rows you do not want."
					)}</p>`,
				},
				{
					fieldname: "taxes",
					fieldtype: "Table",
					hidden: !new_taxes.length,
					label: __("Tax Rate Accounts"),
					cannot_add_rows: true,
					in_place_edit: true,
					data: new_taxes,
					fields: [
						{ fieldname: "tax_rate_id", fieldtype: "Int", label: __("Rate ID"), read_only: 1, in_list_view: 1, columns: 1 },
						{ fieldname: "tax_rate_label", fieldtype: "Data", label: __("Name and Rate"), read_only: 1, in_list_view: 1, columns: 4 },
						{
							fieldname: "account",
							fieldtype: "Link",
							options: "Account",
							label: __("Account"),
							in_list_view: 1,
							columns: 5,
							get_query: () => ({ filters: { company: frm.doc.company, is_group: 0 } }),
						},
					],
				},
				{
					fieldname: "gateways",
					fieldtype: "Table",
					hidden: !new_gateways.length,
					label: __("Payment Methods"),
					cannot_add_rows: true,
					in_place_edit: true,
					data: new_gateways,
					fields: [
						{ fieldname: "payment_method", fieldtype: "Data", label: __("Gateway"), read_only: 1, in_list_view: 1, columns: 2 },
						{ fieldname: "title", fieldtype: "Data", label: __("Title"), read_only: 1, in_list_view: 1, columns: 3 },
						{
							fieldname: "mode_of_payment",
							fieldtype: "Link",
							options: "Mode of Payment",
							label: __("Mode of Payment"),
							in_list_view: 1,
							columns: 5,
						},
					],
				},
			],
			primary_action_label: __("Fill the Tables"),
			primary_action: async (values) => {
				for (const row of values.taxes || []) {
					if (!row.account) continue;
					frm.add_child("tax_accounts", {
						tax_rate_id: row.tax_rate_id,
						tax_rate_label: row.tax_rate_label,
						account: row.account,
					});
				}
				for (const row of values.gateways || []) {
					if (!row.mode_of_payment) continue;
					frm.add_child("payment_methods", {
						payment_method: row.payment_method,
						mode_of_payment: row.mode_of_payment,
					});
				}
				dialog.hide();
				await frm.save();
				this.offer_webhooks(frm);
			},
		});
		dialog.show();
	},

	offer_webhooks(frm) {
		if (frm.doc.webhooks_registered) return;
		frappe.confirm(
			__("Register the order webhooks in {0} now, so that orders arrive within seconds instead of hourly?", [
				esc(frm.doc.name),
			]),
			async () => {
				const { message: result } = await frappe.call({
					method: "woocommerce_sync.webhooks.registration.register_webhooks",
					args: { store: frm.doc.name },
					freeze: true,
				});
				frappe.msgprint({
					title: __("Register Webhooks"),
					indicator: result.ok ? "green" : "red",
					message: result.message,
				});
				frm.reload_doc();
			}
		);
	},
};

frappe.ui.form.on("WooCommerce Integration Settings", {
	refresh(frm) {
		if (!frm.is_new()) woocommerce_sync.store_health.show(frm);
	},
});
