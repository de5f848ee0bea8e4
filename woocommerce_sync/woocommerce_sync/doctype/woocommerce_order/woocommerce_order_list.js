// Orders are listed live from the store: filter by store (default: the first enabled one),
// status and date created; the ID box finds an order by its id or searches the store.
frappe.listview_settings["WooCommerce Order"] = {
	add_fields: ["status"],
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
