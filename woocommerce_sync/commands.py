"""`bench --site <site> woocommerce ...`: the same imports as the Desk buttons, from a terminal."""

import click
import frappe
from frappe.commands import get_site, pass_context

from woocommerce_sync.constants import SETTINGS, SYNC_LOG


@click.group("woocommerce")
def woocommerce() -> None:
	"""WooCommerce Sync commands."""


@woocommerce.command("import-orders")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--ids", help="WooCommerce order ids, comma separated: 111,222,333")
@click.option("--status", help="Only these statuses, comma separated (default: the store's statuses)")
@click.option(
	"--since", help="Orders created on or after this date (YYYY-MM-DD, a day in the site's time zone)"
)
@click.option(
	"--until", help="Orders created on or before this date (YYYY-MM-DD, a day in the site's time zone)"
)
@click.option("--update-existing", is_flag=True, help="Also update orders already in ERPNext")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing but the Sync Log")
@pass_context
def import_orders(context, store, ids, status, since, until, update_existing, dry_run) -> None:
	"""Import WooCommerce orders as Sales Orders; without filters, everything modified since Last Sync."""
	from woocommerce_sync.orders.sync_sales_orders import count_orders, parse_filters, sync_store

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		if not frappe.db.exists(SETTINGS, store):
			raise click.ClickException(f"No WooCommerce Integration Settings named {store!r} on this site.")
		filters = parse_filters(ids, status, since, until, update_existing)
		total = count_orders(store, filters)
		with click.progressbar(
			length=total or 0, label=f"Importing orders from {store}", show_pos=True
		) as bar:
			run = sync_store(store, "Command", filters=filters, dry_run=dry_run, on_progress=bar.update)
		print_summary(run)
		if run.counts["failed"]:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@woocommerce.command("import-customers")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--ids", help="WooCommerce customer ids, comma separated: 2,15,16")
@click.option(
	"--modified-since",
	help="Only accounts changed at or after this moment (YYYY-MM-DD or 'YYYY-MM-DD HH:MM', site time zone)",
)
@pass_context
def import_customers(context, store, ids, modified_since) -> None:
	"""Import the store's customer accounts as Customers, Contacts and Addresses (default: all)."""
	from woocommerce_sync.customers.import_customers import count_customers, import_store, parse_filters

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		filters = parse_filters(ids, modified_since)
		total = count_customers(store, filters)
		with click.progressbar(
			length=total or 0, label=f"Importing customers from {store}", show_pos=True
		) as bar:
			run = import_store(store, "Command", filters=filters, on_progress=bar.update)
		print_summary(run, "customer")
		if run.counts["failed"] or run.error:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@woocommerce.command("push-customer")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--customer", required=True, help="Customer name (ID)")
@pass_context
def push_customer(context, store, customer) -> None:
	"""Create or update the Customer's account in the store (what its Push to WooCommerce does)."""
	from woocommerce_sync.customers.customer_to_woocommerce import push_to_store

	_run_for_store(context, store, lambda: push_to_store(customer, store, "Command"))


@woocommerce.command("sync-categories")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@pass_context
def sync_categories(context, store) -> None:
	"""Item Groups <-> product categories, in the direction the store chose (Sync Categories)."""
	from woocommerce_sync.products.categories import count_to_sync, sync_store_categories

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		total = count_to_sync(store)
		with click.progressbar(length=total, label=f"Syncing categories of {store}", show_pos=True) as bar:
			run = sync_store_categories(store, "Command", on_progress=bar.update)
		print_summary(run)
		if run.counts["failed"] or run.error:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@woocommerce.command("sync-images")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@pass_context
def sync_images(context, store) -> None:
	"""Item images <-> product images of every Item the store sells, in the store's Sync Images direction."""
	from woocommerce_sync.products.images import count_to_sync, sync_store_images

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		with click.progressbar(
			length=count_to_sync(store), label=f"Syncing images of {store}", show_pos=True
		) as bar:
			run = sync_store_images(store, "Command", on_progress=bar.update)
		print_summary(run, kind="image")
		if run.counts["failed"] or run.error:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@woocommerce.command("map-products")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--create-items", is_flag=True, help="Make an Item for each store product no Item matches")
@click.option("--mark-sold", is_flag=True, help="Mark every Item paired earlier sold on the store")
@click.option(
	"--build-templates", is_flag=True, help="Make templates of variable products from their variation Items"
)
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing")
@pass_context
def map_products(context, store, create_items, mark_sold, build_templates, dry_run) -> None:
	"""Pair every product and variation of the store with an Item by SKU; report the unpaired."""
	from woocommerce_sync.products.mapping import map_products as run_mapping

	_run_for_store(
		context,
		store,
		lambda: run_mapping(
			store,
			"Command",
			create_items=create_items,
			dry_run=dry_run,
			mark_sold=mark_sold,
			build_templates=build_templates,
		),
	)


@woocommerce.command("sync-stock")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@pass_context
def sync_stock(context, store) -> None:
	"""The full stock and price pass: fix every paired product whose stock or price drifted."""
	from woocommerce_sync.products.full_pass import reconcile_store

	_run_for_store(context, store, lambda: reconcile_store(store, "Command"))


@woocommerce.command("push-item")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--item", "item_code", required=True, help="Item code (a variant sends its whole template)")
@pass_context
def push_item(context, store, item_code) -> None:
	"""Create or update one Item as a product in the store (what the Item's Sync to WooCommerce does)."""
	from woocommerce_sync.products.export import export_item

	_run_for_store(context, store, lambda: export_item(item_code, store, "Command"))


@woocommerce.command("pull-product")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--id", "product_id", required=True, type=int, help="WooCommerce product id")
@pass_context
def pull_product(context, store, product_id) -> None:
	"""Make an Item (a template with variants for a variable product) from a store product."""
	from woocommerce_sync.products.pull import pull_product as pull

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		click.echo(f"Item {pull(store, product_id)['item_code']}")
	finally:
		frappe.destroy()


@woocommerce.command("create-invoices")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option(
	"--ids", help="WooCommerce order ids, comma separated (default: submitted orders without invoice)"
)
@pass_context
def create_invoices(context, store, ids) -> None:
	"""Invoice (and pay, as configured) the store's submitted Sales Orders, whatever their status."""
	follow_orders(context, store, ids, "create_invoices", "Invoicing orders of")


@woocommerce.command("sync-refunds")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--ids", help="WooCommerce order ids, comma separated (default: every invoiced order)")
@pass_context
def sync_refunds(context, store, ids) -> None:
	"""A Credit Note (and refund payment) for every WooCommerce refund not credited yet."""
	follow_orders(context, store, ids, "sync_refunds", "Crediting refunds of")


@woocommerce.command("send-tracking")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option("--delivery-notes", help="Delivery Note names, comma separated (default: those still to send)")
@pass_context
def send_tracking(context, store, delivery_notes) -> None:
	"""Send the tracking number and carrier of submitted Delivery Notes to their WooCommerce orders."""
	from woocommerce_sync.sales.shipment_tracking import pending_delivery_notes
	from woocommerce_sync.sales.shipment_tracking import send_tracking as send

	_run_with_progress(
		context,
		store,
		lambda: _names(delivery_notes) or pending_delivery_notes(store),
		send,
		"Sending tracking to",
	)


@woocommerce.command("push-coupons")
@click.option("--store", required=True, help="Name of the WooCommerce Integration Settings document")
@click.option(
	"--coupon-codes", help="Coupon Code names, comma separated (default: every one offered in the store)"
)
@pass_context
def push_coupons(context, store, coupon_codes) -> None:
	"""Create or update the store's coupons from ERPNext's Coupon Codes and their Pricing Rules."""
	from woocommerce_sync.promotions.coupons import push_coupons as push
	from woocommerce_sync.promotions.coupons import store_coupon_codes

	_run_with_progress(
		context, store, lambda: _names(coupon_codes) or store_coupon_codes(store), push, "Pushing coupons to"
	)


def _names(text: str | None) -> list[str]:
	return [part.strip() for part in (text or "").split(",") if part.strip()]


def _run_with_progress(context, store: str, names, work, label: str) -> None:
	"""`work(store, names, "Command", on_progress=...)` over the names, with a progress bar."""
	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		chosen = names()
		with click.progressbar(length=len(chosen), label=f"{label} {store}", show_pos=True) as bar:
			run = work(store, chosen, "Command", on_progress=bar.update)
		print_summary(run)
		if run.counts["failed"] or run.error:
			raise SystemExit(1)
	finally:
		frappe.destroy()


def follow_orders(context, store: str, ids: str | None, action: str, label: str) -> None:
	from woocommerce_sync.orders.sync_sales_orders import parse_filters
	from woocommerce_sync.sales.sync_invoice import order_ids_to_follow, run_for_orders

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		order_ids = parse_filters(ids).ids or [int(i) for i in order_ids_to_follow(store, action)]
		with click.progressbar(length=len(order_ids), label=f"{label} {store}", show_pos=True) as bar:
			run = run_for_orders(store, action, order_ids, on_progress=bar.update)
		print_summary(run)
		if run.counts["failed"]:
			raise SystemExit(1)
	finally:
		frappe.destroy()


def _require_store(store: str) -> None:
	if not frappe.db.exists(SETTINGS, store):
		raise click.ClickException(f"No WooCommerce Integration Settings named {store!r} on this site.")


def _run_for_store(context, store: str, work) -> None:
	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		_require_store(store)
		run = work()
		print_summary(run)
		if run.counts["failed"] or frappe.db.get_value(SYNC_LOG, run.name, "status") == "Failed":
			raise SystemExit(1)
	finally:
		frappe.destroy()


def print_summary(run, kind: str = "order") -> None:
	click.echo("")
	if run.dry_run:
		click.echo("Dry run: nothing was written; these are what a real run would do.")
	for outcome in ("created", "updated", "skipped", "failed"):
		click.echo(f"{outcome.title():<10}{run.counts[outcome]:>8}")
	for failure in run.failures:
		what = failure["woocommerce_order_id"]
		click.secho(f"  {kind + ' ' if what.isdigit() else ''}{what}: {failure['reason']}", fg="red")
	for note in run.notes:
		click.echo(f"  {note}")
	click.echo(f"Sync Log: {run.name}")


commands = [woocommerce]
