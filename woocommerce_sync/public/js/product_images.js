// WooCommerce Integration Settings: Products > Sync Images (products/images.py), with its progress.
frappe.ui.form.on("WooCommerce Integration Settings", {
	onload(frm) {
		frappe.realtime.on("woocommerce_images_progress", (data) => {
			if (data.store !== frm.doc.name) return;
			frappe.show_progress(__("Syncing images"), data.done, data.done, __("{0} Items done", [data.done]));
		});
		frappe.realtime.on("woocommerce_images_done", (data) => {
			if (data.store !== frm.doc.name) return;
			frappe.hide_progress();
			frappe.msgprint({
				title: __("Image sync finished"),
				indicator: data.error ? "red" : data.failed ? "orange" : "green",
				message:
					(data.error ? `<p>${frappe.utils.escape_html(data.error)}</p>` : "") +
					__("Updated {0}, skipped {1}, failed {2}. See {3}.", [
						data.updated,
						data.skipped,
						data.failed,
						`<a href="/app/woocommerce-sync-log/${data.sync_log}">${__("the Sync Log")}</a>`,
					]),
			});
		});
	},

	refresh(frm) {
		if (frm.is_new() || !frm.doc.image_direction || frm.doc.image_direction === "Off") return;
		frm.add_custom_button(
			__("Sync Images"),
			async () => {
				const { message } = await frappe.call({
					method: "woocommerce_sync.products.images.sync_images",
					args: { store: frm.doc.name },
				});
				frappe.show_alert({
					message: message.queued
						? __("Image sync queued; progress appears here.")
						: __("An image sync for this store is already running."),
					indicator: message.queued ? "blue" : "orange",
				});
			},
			__("Products")
		);
	},
});
