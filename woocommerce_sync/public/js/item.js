// Item: Actions > Sync to WooCommerce creates or updates the Item in every store it is sold on.
frappe.ui.form.on("Item", {
	refresh(frm) {
		if (frm.is_new() || !(frm.doc.woocommerce_sell_on || []).length) return;
		frm.add_custom_button(
			__("Sync to WooCommerce"),
			async () => {
				if (frm.is_dirty()) await frm.save();
				const { message: results } = await frappe.call({
					method: "woocommerce_sync.products.export.sync_item",
					args: { item_code: frm.doc.name },
					freeze: true,
					freeze_message: __("Sending {0} to WooCommerce ...", [frm.doc.name]),
				});
				const failed = results.some((r) => r.failures.length);
				const lines = results.map((r) => {
					const log = `<a href="/app/woocommerce-sync-log/${r.sync_log}">${__("Sync Log")}</a>`;
					const problems = r.failures.map((f) => frappe.utils.escape_html(f.reason)).join("<br>");
					return `<b>${frappe.utils.escape_html(r.store)}</b>: ${__("created {0}, updated {1}", [
						r.counts.created,
						r.counts.updated,
					])} (${log})${problems ? "<br>" + problems : ""}`;
				});
				frappe.msgprint({
					title: __("Sync to WooCommerce"),
					indicator: failed ? "red" : "green",
					message: lines.join("<br><br>"),
				});
				frm.reload_doc();
			},
			__("Actions")
		);
	},
});
