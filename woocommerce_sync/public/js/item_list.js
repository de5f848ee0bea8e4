// Item list: Actions > Sell on WooCommerce store... / Stop selling on WooCommerce store...: the
// selected Items get (or lose) the store in their Sell on WooCommerce Stores, in one background
// job with its progress shown here.
(() => {
	const settings = frappe.listview_settings["Item"] || {};
	const onload = settings.onload;

	function choose_store(listview, sell) {
		const items = listview.get_checked_items(true);
		if (!items.length) {
			frappe.msgprint(__("Select the Items first, then choose this action again."));
			return;
		}
		frappe.prompt(
			{
				fieldname: "store",
				fieldtype: "Link",
				options: "WooCommerce Integration Settings",
				label: __("WooCommerce Store"),
				reqd: 1,
				get_query: () => ({ filters: { enabled: 1 } }),
			},
			async ({ store }) => {
				const { message } = await frappe.call({
					method: "woocommerce_sync.products.selling.set_selling",
					args: { store, item_codes: items, sell: sell ? 1 : 0 },
				});
				frappe.show_alert({
					message: message.queued
						? __("{0} Items queued; progress appears here.", [message.items])
						: __("The same change for these Items is already running."),
					indicator: message.queued ? "blue" : "orange",
				});
			},
			sell
				? __("Sell {0} Items on a WooCommerce store", [items.length])
				: __("Stop selling {0} Items on a WooCommerce store", [items.length]),
			sell ? __("Sell") : __("Stop selling")
		);
	}

	settings.onload = function (listview) {
		if (onload) onload.call(this, listview);
		listview.page.add_actions_menu_item(
			__("Sell on WooCommerce store..."),
			() => choose_store(listview, true),
			false
		);
		listview.page.add_actions_menu_item(
			__("Stop selling on WooCommerce store..."),
			() => choose_store(listview, false),
			false
		);
		frappe.realtime.off("woocommerce_selling_progress");
		frappe.realtime.on("woocommerce_selling_progress", (data) => {
			const title = data.sell
				? __("Selling Items on {0}", [data.store])
				: __("Stop selling Items on {0}", [data.store]);
			const description = __("{0} of {1} Items", [data.done, data.total]);
			frappe.show_progress(title, data.done, data.total, description);
			if (data.sync_log) {
				frappe.hide_progress();
				frappe.show_alert({
					message: __("{0}: done. See Sync Log {1}.", [title, data.sync_log]),
					indicator: "green",
				});
				listview.refresh();
			}
		});
	};
	frappe.listview_settings["Item"] = settings;
})();
