// Orders are listed live from the store: filter by store (the first enabled one is put in the
// Store filter when none is chosen), status and date created; the ID box finds an order by its
// id or searches the store. The Sales Order column says whether the order is in ERPNext.
frappe.listview_settings["WooCommerce Order"] = {
	add_fields: ["status", "sales_order"],
	onload(listview) {
		// A store in the address (/app/woocommerce-order?store=...) is applied after onload: never
		// ask another store first (a slow or dead one would answer with an error).
		if (frappe.route_options && frappe.route_options.store) return;
		if (listview.filters.some((filter) => filter[1] === "store")) return;
		frappe.db
			.get_list("WooCommerce Integration Settings", {
				filters: { enabled: 1 },
				order_by: "creation asc",
				limit: 1,
			})
			.then((stores) => {
				if (stores.length) listview.filter_area.add([["WooCommerce Order", "store", "=", stores[0].name]]);
			});
	},
	formatters: {
		sales_order(value) {
			return value
				? `<span class="indicator-pill green">${frappe.utils.escape_html(value)}</span>`
				: `<span class="indicator-pill orange">${__("Not in ERPNext")}</span>`;
		},
	},
	get_indicator(doc) {
		const colors = {
			pending: "orange",
			"on-hold": "orange",
			processing: "blue",
			completed: "green",
			cancelled: "red",
			refunded: "grey",
			failed: "red",
			trash: "grey",
		};
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
