"""WooCommerce -> ERPNext: the one code path that makes, updates and cancels Sales Orders from orders.

The hourly job, the manual import (Desk and bench) and later the webhook job all end in
`sync_store`, so they cannot disagree. Each order's Sales Order is its own transaction: a bad order
is rolled back, recorded in the Sync Log and retried next run, and the others go on. Its sale
documents follow in a step of their own (sales/sync_invoice.py), so they never keep it out. A run's
pages are imported by any free worker (orders/import_pages.py, docs/scale.md); the cursor moves
only over the finished pages in order, and the database's unique live key keeps one Sales Order
per order even when two runs or two workers race.
"""

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.naming import revert_series_if_last
from frappe.utils import cint, get_datetime, getdate
from frappe.utils.html_utils import sanitize_html

from woocommerce_sync import configuration_cache, jobs
from woocommerce_sync.connection import explain, get_client, log_request
from woocommerce_sync.constants import (
	MANAGER_ROLES,
	ORDER_EMAIL_FIELD,
	ORDER_SYNC_JOB,
	ORDERS_OPERATION,
	SALE_STATE_FIELD,
	SETTINGS,
)
from woocommerce_sync.core.client import (
	BACKGROUND,
	MAX_PER_PAGE,
	ClientProfile,
	RequestRecord,
	WooCommerceClient,
	WooCommerceError,
	WooCommerceNotFound,
)
from woocommerce_sync.core.conflict import Decision, Side, decide, snapshot
from woocommerce_sync.core.order_feed import (
	OrderPage,
	format_gmt,
	iter_modified_orders,
	modified_params,
)
from woocommerce_sync.core.order_mapping import (
	CANCELLING_STATUSES,
	OrderMappingError,
	SalesOrderDraft,
	map_order,
	should_import,
)
from woocommerce_sync.core.read_ahead import read_ahead
from woocommerce_sync.dates import naive_utc, site_date, site_to_utc, stored_utc
from woocommerce_sync.desk import health
from woocommerce_sync.manual_access import check_documents, check_store, import_needs
from woocommerce_sync.mapping.field_rules import FieldRules
from woocommerce_sync.orders import import_pages, retries
from woocommerce_sync.orders.coupons import fill_coupons
from woocommerce_sync.orders.currency import CurrencyRoutes
from woocommerce_sync.orders.customers import CustomerResolver, drop_refused_emails
from woocommerce_sync.orders.ignored import ignored_ids
from woocommerce_sync.orders.line_items import ItemResolver
from woocommerce_sync.orders.live_key import live_key
from woocommerce_sync.orders.mapping_config import mapping_config
from woocommerce_sync.orders.quantities import check_fractions
from woocommerce_sync.orders.sync_state import erpnext_snapshot, mark_synced
from woocommerce_sync.progress import progress_reporter
from woocommerce_sync.runs import LONGEST_JOB, SyncRun, sync_run
from woocommerce_sync.sales.documents import order_invoice
from woocommerce_sync.sales.sync_invoice import PENDING, SaleWorkflow, retry_sale_steps
from woocommerce_sync.webhooks.registration import webhook_problems, webhook_states

EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
ONE_SECOND = timedelta(seconds=1)
# Raised when a concurrent run wrote the same rows first; the order is simply tried again.
CONFLICTS = (
	frappe.DuplicateEntryError,
	frappe.UniqueValidationError,
	frappe.QueryDeadlockError,
	frappe.TimestampMismatchError,
)
CONFLICT_ATTEMPTS = 3
DELETED_STATUS = "deleted"  # shown as the WooCommerce Status of an order deleted in the store
DATE_FILTERS = ("created_after", "created_before")


@dataclass
class ImportFilters:
	"""What a manual import asks for; empty means the incremental sync since `last_sync`.

	Only that sync is incremental: it alone moves `last_sync` and fetches the retry rows first. Any
	filter (ids, statuses, created dates) reads a slice of the store, so it never moves the cursor
	(orders of other statuses modified meanwhile would be skipped for good) and it updates
	existing Sales Orders only when `update_existing` says so."""

	ids: list[int] | None = None
	statuses: list[str] | None = None
	created_after: datetime | None = None  # aware UTC, that second included
	created_before: datetime | None = None  # aware UTC, that second included
	update_existing: bool = True

	@property
	def incremental(self) -> bool:
		return not (self.ids or self.statuses or self.created_after or self.created_before)


# Entry points ---------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def import_orders(
	store: str,
	ids: str | None = None,
	statuses: str | None = None,
	created_from: str | None = None,
	created_to: str | None = None,
	update_existing: int | str = 0,
	dry_run: int | str = 0,
) -> dict:
	"""Desk's Import Orders: queued on the long queue, progress sent to the user who asked."""
	frappe.only_for(MANAGER_ROLES)
	check_documents(store, import_needs(check_store(store)))
	filters = parse_filters(ids, statuses, created_from, created_to, update_existing)
	queued = enqueue_sync(
		store, "Manual", filters=filters, dry_run=cint(dry_run), notify_user=frappe.session.user
	)
	return {"queued": queued}


def enqueue_sync(
	store: str, trigger: str, method: str = "woocommerce_sync.orders.sync_sales_orders.sync_store", **kwargs
) -> bool:
	"""A long job per store and trigger; a second request while one is queued or running is dropped."""
	return jobs.enqueue(
		method,
		jobs.job_id(ORDER_SYNC_JOB, store, trigger),
		timeout=int(LONGEST_JOB.total_seconds()),
		store=store,
		trigger=trigger,
		**kwargs,
	)


def parse_filters(
	ids: str | None = None,
	statuses: str | None = None,
	created_from: str | None = None,
	created_to: str | None = None,
	update_existing: int | str | bool = 0,
) -> ImportFilters:
	"""Form and command-line text ("111, 222", "processing,on-hold", dates) into filters."""
	try:
		id_list = [int(part) for part in (ids or "").replace(" ", ",").split(",") if part.strip()]
	except ValueError:
		frappe.throw(_("Order IDs must be numbers separated by commas, like 111,222,333."))
	status_list = [s.strip().lower() for s in (statuses or "").split(",") if s.strip()]
	return ImportFilters(
		ids=id_list or None,
		statuses=status_list or None,
		created_after=site_to_utc(created_from) if created_from else None,
		created_before=site_to_utc(created_to, end_of_day=True) if created_to else None,
		update_existing=bool(cint(update_existing)),
	)


def sync_store(
	store: str,
	trigger: str = "Manual",
	filters: ImportFilters | None = None,
	dry_run: bool = False,
	notify_user: str | None = None,
	on_progress: Callable[[int], None] | None = None,
	then: Callable[[Document, WooCommerceClient, SyncRun], None] | None = None,
	profile: ClientProfile = BACKGROUND,
) -> SyncRun:
	"""`then` runs after the import with the same client and Sync Log (the hourly two-way pass);
	`profile`: INTERACTIVE when a person waits for the answer (Sync this Order with ERPNext)."""
	filters = filters or ImportFilters()
	settings = frappe.get_doc(SETTINGS, store)
	started_queries = import_pages.session_queries()
	with sync_run(store, trigger, "order sync", dry_run=dry_run, operation=ORDERS_OPERATION) as run:
		progress = progress_reporter("woocommerce_import_progress", store, notify_user, on_progress)
		with get_client(settings, profile) as client:
			importer = OrderImporter(settings, run, filters, dry_run, client)
			_read_and_import(settings, run, importer, filters, dry_run, profile, progress)
			if filters.incremental and not dry_run:
				retry_sale_steps(importer.sale, importer.succeeded_ids | importer.failed_ids)
			if then and not dry_run:
				then(settings, client, run)
			if trigger == "Scheduler" and settings.webhooks_registered:
				states = webhook_states(client, store)
				health.record_webhooks(store, states)
				problems = webhook_problems(states)
				if problems:
					run.note(
						_(
							"Webhooks: {0}. Orders still arrive hourly; press Register Webhooks to repair them."
						).format("; ".join(problems))
					)
	if notify_user and not run.error:
		frappe.publish_realtime(
			"woocommerce_import_done", {"store": store, "sync_log": run.name, **run.counts}, user=notify_user
		)
	import_pages.add_queries(run.name, import_pages.session_queries() - started_queries)
	return run


def import_queued_pages(store: str, sync_log: str) -> None:
	"""A page job: import the run's pages until none is left to lease, on any worker of any machine
	sharing the site's database and Redis. Queued by the run's reader (orders/import_pages.py)."""
	started_queries = import_pages.session_queries()
	settings = frappe.get_doc(SETTINGS, store)
	try:
		with get_client(settings) as client:
			while page := import_pages.lease(sync_log):
				_import_leased(settings, page, client)
	finally:
		import_pages.add_queries(sync_log, import_pages.session_queries() - started_queries)


def pull_orders(settings: Document, run: SyncRun, orders: list[dict]) -> None:
	"""Import orders already read from the store (the two-way pass decided WooCommerce is newer)."""
	OrderImporter(settings, run, ImportFilters(update_existing=True), dry_run=False).import_page(orders)


# Which orders ---------------------------------------------------------------------------------


def count_orders(store: str, filters: ImportFilters) -> int | None:
	"""How many orders a run will read (one request, per_page=1), for a progress bar."""
	settings = frappe.get_doc(SETTINGS, store)
	if filters.ids:
		return len(filters.ids)
	with get_client(settings) as client:
		response = client.request("GET", "orders", params={**_list_params(settings, filters), "per_page": 1})
	total = response.headers.get("X-WP-Total")
	if total is None:
		return None
	return int(total) + (len(retries.pending_ids(store)) if filters.incremental else 0)


def _statuses(settings, filters: ImportFilters) -> list[str]:
	"""Cancelling statuses are listed too, so an order cancelled in the shop reaches its Sales Order."""
	return filters.statuses or [*settings.get_statuses_to_import(), *sorted(CANCELLING_STATUSES)]


def _since(settings) -> datetime:
	overlap = timedelta(minutes=cint(settings.sync_overlap_minutes))
	return stored_utc(settings.last_sync) - overlap if settings.last_sync else EPOCH


def _list_params(settings, filters: ImportFilters) -> dict[str, str]:
	if filters.incremental:
		return modified_params(_since(settings), _statuses(settings, filters))
	params = {"dates_are_gmt": "true", "orderby": "date", "order": "asc"}
	params["status"] = ",".join(_statuses(settings, filters))
	# WooCommerce's after and before exclude their own second; the filters include theirs.
	if filters.created_after:
		params["after"] = format_gmt(filters.created_after - ONE_SECOND)
	if filters.created_before:
		params["before"] = format_gmt(filters.created_before + ONE_SECOND)
	return params


def _read_and_import(
	settings,
	run: SyncRun,
	importer: "OrderImporter",
	filters: ImportFilters,
	dry_run: bool,
	profile: ClientProfile,
	progress: Callable[[int], None],
) -> None:
	"""The reader of a run: pages come from the store one ahead (a thread with a client of its own,
	whose calls are logged here), are stored for any worker to import (orders/import_pages.py), and
	settle in sequence: their counts join the run and the cursor moves past them. Orders deleted in
	the store and unreadable ones (by-id pages) are handled here at once."""
	advance = filters.incremental and not dry_run

	def settle(row: frappe._dict) -> None:
		run.add(row.results)
		importer.succeeded_ids.update(row.results["succeeded"])
		importer.failed_ids.update(row.results["failed"])
		if advance and row.newest_modified:
			_advance_cursor(settings, row.newest_modified)
		progress(row.results["handled"])

	import_pages.clean_stale(settings.name)
	pages = import_pages.PagedRun(
		run.name,
		settings.name,
		_page_params(filters, dry_run),
		work=lambda page: _import_leased(settings, page, importer.sale.client),
		settle=settle,
	)
	retry = retries.pending_ids(settings.name) if filters.incremental else []
	calls: list[RequestRecord] = []
	with get_client(settings, profile) as feed:
		feed.on_request = calls.append
		try:
			with closing(read_ahead(_pages(feed, settings, filters, retry))) as feed_pages:
				for page in feed_pages:
					_log_calls(calls)
					if page.gone or page.unreadable:
						importer.cancel_gone(page.gone)
						importer.fail_unreadable(page.unreadable)
						progress(len(page.gone))
					if page.orders:
						pages.add(page.orders, page.newest_modified)
		except WooCommerceError:
			pages.finish()  # what was read is imported and the cursor moves past it; then the run fails
			raise
		finally:
			_log_calls(calls)
	pages.finish()


def _import_leased(settings, page: import_pages.LeasedPage, client: WooCommerceClient) -> None:
	"""One stored page, imported as a part of its run (here or in a page job): its counts, failures
	and notes go on the page's row, which the reader adds to the Sync Log as the cursor passes it."""
	filters, dry_run = _from_page_params(page.params)
	part = import_pages.PagePart(page, dry_run)
	importer = OrderImporter(settings, part, filters, dry_run, client)
	if page.exhausted:
		for order in page.orders:
			importer._failed(
				_order_id(order),
				_(
					"WooCommerce store {0}, order {1}: the workers importing its page stopped {2} times "
					"(killed, out of memory or timed out); it is fetched again on the next sync"
				).format(settings.name, _order_id(order), import_pages.MAX_ATTEMPTS),
			)
	else:
		importer.import_page(page.orders)
	results = {
		**part.results(),
		"succeeded": sorted(importer.succeeded_ids),
		"failed": sorted(importer.failed_ids),
		"handled": len(page.orders),
	}
	import_pages.finish(page, results, "Failed" if page.exhausted else "Done")


def _page_params(filters: ImportFilters, dry_run: bool) -> dict:
	values = asdict(filters)
	for key in DATE_FILTERS:
		values[key] = values[key] and values[key].isoformat()
	return {"filters": values, "dry_run": bool(dry_run)}


def _from_page_params(params: dict) -> tuple[ImportFilters, bool]:
	values = dict(params["filters"])
	for key in DATE_FILTERS:
		values[key] = values[key] and datetime.fromisoformat(values[key])
	return ImportFilters(**values), params["dry_run"]


def _log_calls(calls: list[RequestRecord]) -> None:
	"""Request Log rows of the reading thread's calls, written from the job's own thread."""
	while calls:
		log_request(calls.pop(0))


def _pages(
	client: WooCommerceClient, settings, filters: ImportFilters, retry: list[int]
) -> Iterator[OrderPage]:
	"""The run's pages; runs in the reading thread, so it only calls the store (`retry`: the ids of
	the store's retry rows, read beforehand)."""
	if filters.ids:
		yield from _pages_by_id(client, filters.ids)
	elif filters.incremental:
		if retry:
			yield from _pages_by_id(client, retry)
		yield from iter_modified_orders(client, _since(settings), _statuses(settings, filters))
	else:
		for orders in client.iter_pages("orders", _list_params(settings, filters)):
			yield OrderPage(orders, None)


def _pages_by_id(client: WooCommerceClient, ids: list[int]) -> Iterator[OrderPage]:
	"""Orders by id, 100 a request. `include=` lists leave trashed orders out, so an id missing
	from the answer is asked for alone: a trashed order comes back with status "trash", a deleted
	one is WooCommerce's own invalid-id 404 and goes to `gone`. Any other 404 (a web page, a plugin,
	no route) goes to `unreadable`: the order fails this run and is asked for again next run."""
	for start in range(0, len(ids), MAX_PER_PAGE):
		chunk = ids[start : start + MAX_PER_PAGE]
		orders = client.get_by_ids("orders", chunk)
		found = {order["id"] for order in orders}
		gone = []
		unreadable: dict[int, Exception] = {}
		for order_id in dict.fromkeys(chunk):
			if order_id in found:
				continue
			try:
				orders.append(client.get(f"orders/{order_id}"))
			except WooCommerceNotFound as exc:
				if exc.proves_deleted("orders"):
					gone.append(order_id)
				else:
					unreadable[order_id] = exc
		if orders or gone or unreadable:
			yield OrderPage(orders, None, gone, unreadable)


def _advance_cursor(settings, newest: datetime) -> None:
	"""Move last_sync past the handled page; its failed orders already have their retry rows."""
	settings.db_set("last_sync", naive_utc(newest), update_modified=False)


# One page, one order at a time ----------------------------------------------------------------


class OrderImporter:
	def __init__(
		self,
		settings,
		run: SyncRun,
		filters: ImportFilters,
		dry_run: bool,
		client: WooCommerceClient | None = None,
	):
		self.settings = settings
		self.store = settings.name
		self.run = run
		self.filters = filters
		self.dry_run = dry_run
		self.config = mapping_config(settings)
		self.price_list = settings.selling_price_list or frappe.db.get_single_value(
			"Selling Settings", "selling_price_list"
		)  # read once a run: a commit per order empties Frappe's cache of single values
		self.customers = CustomerResolver(settings)
		self.currencies = CurrencyRoutes(settings, note=run.note)
		self.items = ItemResolver(settings, note=run.note)
		self.rules = FieldRules(settings, run.note)
		self.orders: dict[int, dict] = {}  # the page's orders as the store sent them, for the rules
		self.taken_po_numbers: dict[tuple[str, str], set[str | None]] = {}
		self.succeeded_ids: set[int] = set()
		self.failed_ids: set[int] = set()  # this run's; the retry rows keep them across runs
		self.sale = SaleWorkflow(settings, run, client)

	def import_page(self, orders: list[dict]) -> None:
		drafts: dict[int, SalesOrderDraft] = {}
		self.orders = {
			order["id"]: order
			for order in orders
			if isinstance(order, dict) and isinstance(order.get("id"), int | str) and order["id"]
		}
		ignored = ignored_ids(self.store, [_order_id(order) for order in orders if _order_id(order)])
		for order in orders:
			if _order_id(order) in ignored:
				self.run.count("skipped")  # a person chose not to import it (WooCommerce Ignored Order)
				continue
			try:
				drafts[order["id"]] = self._map(order)
			except Exception as exc:
				# Whatever a damaged order raises (a TypeError from a non-list meta_data, a ValueError
				# from a 5,000-digit number, an OverflowError from a date out of range), it fails alone.
				reason = (
					str(exc) if isinstance(exc, OrderMappingError) else self._reason(_order_id(order), exc)
				)
				self._failed(_order_id(order), reason)
		self._note_rounding(drafts)
		existing = self._existing_orders(list(drafts))
		self.taken_po_numbers = self._taken_po_numbers(drafts.values())
		self.customers.prefetch(drafts.values())
		self.currencies.prefetch(self.customers.known())
		self.items.prefetch(line for draft in drafts.values() for line in draft.items)
		frappe.db.commit()  # a plain commit: each page reads the configuration afresh
		for woocommerce_id, draft in drafts.items():
			try:
				outcome = self._import_with_retries(draft, existing.get(str(woocommerce_id)))
				if not self.dry_run:
					configuration_cache.commit()  # the Sales Order stands, whatever its sale documents do
				self.run.count(outcome)
				self.succeeded_ids.add(woocommerce_id)
			except Exception as exc:
				self._rollback()
				self._failed(woocommerce_id, self._reason(woocommerce_id, exc))
				continue
			if not self.dry_run:
				self.sale.step(self.orders[woocommerce_id])  # its own transaction; a failure is recorded
		if not self.dry_run:
			self._forget_retries(self.succeeded_ids | ignored)

	def _map(self, order: dict) -> SalesOrderDraft:
		"""The order's draft, without e-mails Frappe refuses: the order is imported without them.
		What the mapping noted for a person (an address too short, meta data left out, a missing
		_gmt date) goes to the Sync Log, naming the store and the order."""
		draft = map_order(order, self.config)
		for note in draft.notes:
			self.run.note(
				_("WooCommerce store {0}, order {1}: {2}").format(self.store, draft.woocommerce_id, note)
			)
		note = drop_refused_emails(draft)
		if note:
			self.run.note(note)
		return draft

	def _note_rounding(self, drafts: dict[int, SalesOrderDraft]) -> None:
		"""Cent differences are common (a coupon split over a line's quantity) and settled by each
		order's rounding row: one note a page says how many, with an example, instead of one a line."""
		rounded = [
			(woocommerce_id, d.rounding_notes[0]) for woocommerce_id, d in drafts.items() if d.rounding_notes
		]
		if rounded:
			self.run.note(
				_(
					"WooCommerce store {0}: {1} orders of a page differ by cents from what ERPNext computes, "
					"and their rounding rows settle it (for example order {2}: {3})"
				).format(self.store, len(rounded), *rounded[0])
			)

	def _import_with_retries(self, draft: SalesOrderDraft, current: frappe._dict | None) -> str:
		"""Another run (a webhook job beside the hourly sync) may write this order's Sales Order,
		Customer or Item between our look-up and our write: start the order again from what is
		now there, after a short random pause so the two runs stop colliding."""
		for attempt in range(1, CONFLICT_ATTEMPTS + 1):
			if current is None and attempt > 1:
				# what the other run made; a first attempt looks again in `create`, just before it
				current = self._existing_orders([draft.woocommerce_id]).get(str(draft.woocommerce_id))
			try:
				return self.import_order(draft, current)
			except CONFLICTS:
				if attempt == CONFLICT_ATTEMPTS:
					raise
				self._rollback()
				time.sleep(random.uniform(0.05, 0.25) * attempt)
				current = None

	def cancel_gone(self, ids: list[int]) -> None:
		"""Orders deleted for good in the store: their Sales Orders are cancelled like cancelled orders."""
		existing = self._existing_orders(ids)
		handled = []
		for woocommerce_id in ids:
			current = existing.get(str(woocommerce_id))
			if current is None or self.dry_run:
				self.run.count("updated" if current else "skipped")
				handled.append(woocommerce_id)
				continue
			try:
				outcome = self.cancel(woocommerce_id, DELETED_STATUS, None, current)
				frappe.db.commit()
				self.run.count(outcome)
				handled.append(woocommerce_id)
			except Exception as exc:
				self._rollback()
				self._failed(woocommerce_id, self._reason(woocommerce_id, exc))
		if not self.dry_run:
			self._forget_retries(handled)  # deleted in the store: nothing left to fetch

	def import_order(self, draft: SalesOrderDraft, current: frappe._dict | None) -> str:
		"""created / updated / skipped; raises for a person to look at."""
		status = draft.status
		if current is None:
			if not should_import(status, self.config) or (
				self.filters.statuses and status not in self.filters.statuses
			):
				return "skipped"
			if not self.dry_run:
				self.create(draft)
			return "created"
		if current.status == "Closed":
			return "skipped"
		if not self.filters.incremental and not self.filters.update_existing:
			return "skipped"
		modified = naive_utc(draft.date_modified_gmt)
		if (
			current.woocommerce_modified
			and modified
			and get_datetime(current.woocommerce_modified) >= modified
		):
			return "skipped"
		if self.dry_run:
			return "updated"
		if status in CANCELLING_STATUSES:
			return self.cancel(draft.woocommerce_id, status, naive_utc(draft.date_modified_gmt), current)
		if current.docstatus == 0:
			self.update_draft(draft, current.name)
			return "updated"
		return self.update_submitted(draft, current.name)

	# Writing Sales Orders ----------------------------------------------------------------------

	def create(self, draft: SalesOrderDraft) -> str:
		so = frappe.new_doc("Sales Order")
		if self.settings.sales_order_series:
			so.naming_series = self.settings.sales_order_series
		self.fill(so, draft)
		# The number first, committed with the order's customer and addresses: ERPNext holds the
		# naming series' row lock from naming to commit, which made every other worker wait through
		# this order's whole validation. A failing order gives its number back (unless another
		# order took the next one meanwhile: then it leaves a gap).
		so.set_new_name()
		configuration_cache.commit()
		try:
			# The page's look-up may be stale by now. Looking again in this fresh transaction, the
			# snapshot ERPNext's purchase-order check reads too, leaves the unique key as the only
			# way a racing run's Sales Order can show, and that is a conflict: the order starts again.
			if self._existing_orders([draft.woocommerce_id]):
				raise frappe.DuplicateEntryError(
					_("WooCommerce store {0}, order {1}: another run imported it a moment ago").format(
						self.store, draft.woocommerce_id
					)
				)
			so.flags.from_woocommerce = True
			so.insert(ignore_permissions=True)
			if self.settings.submit_orders:
				so.submit()
			mark_synced(so.name, draft.date_modified_gmt)
		except Exception:
			_give_back_number(so)
			raise
		return so.name

	def update_draft(self, draft: SalesOrderDraft, name: str) -> None:
		so = frappe.get_doc("Sales Order", name)
		so.set("items", [])
		so.set("taxes", [])
		self.fill(so, draft)
		so.flags.from_woocommerce = True
		so.save(ignore_permissions=True)
		mark_synced(so.name, draft.date_modified_gmt)

	def update_submitted(self, draft: SalesOrderDraft, name: str) -> str:
		"""Status, payment and addresses follow the store unless ERPNext changed them later (the
		two-way rule); changed lines need a person."""
		so = frappe.get_doc("Sales Order", name)
		if self._erpnext_is_master(so, draft):
			return "skipped"  # the two-way pass sends ERPNext's change, or flags the conflict
		customer = so.customer
		billing, shipping = self.customers.billing_and_shipping(
			customer, draft.billing_address, draft.shipping_address
		)
		values = {
			"woocommerce_status": draft.status,
			"woocommerce_payment_method": draft.payment_method_title or draft.payment_method,
			"woocommerce_modified": naive_utc(draft.date_modified_gmt),
			# db_set skips the sanitiser save runs, and Desk shows the note as HTML
			"woocommerce_customer_note": sanitize_html(draft.customer_note) or None,
			ORDER_EMAIL_FIELD: draft.customer.original_email,
			"customer_address": billing or so.customer_address,
			"shipping_address_name": shipping or so.shipping_address_name,
		}
		so.db_set(values)
		self.rules.apply(
			"Order",
			self._order(draft),
			{"Customer": customer, "Address": values["customer_address"], "Sales Order": so.name},
			_("order {0}").format(draft.woocommerce_id),
		)
		mark_synced(so.name, draft.date_modified_gmt)
		if _lines(so) != {(self.items.item_code(line), line.qty, line.rate) for line in draft.items}:
			self.run.fail(
				draft.woocommerce_id,
				_(
					"Needs attention: the lines of WooCommerce order {0} changed after Sales Order {1} was "
					"submitted. Use Update Items on the Sales Order, or cancel and amend it."
				).format(draft.woocommerce_id, name),
				sales_order=name,
			)
		return "updated"

	def _erpnext_is_master(self, so: Document, draft: SalesOrderDraft) -> bool:
		woocommerce = Side(
			snapshot(
				draft.status,
				draft.customer_note,
				asdict(draft.billing_address) if draft.billing_address else {},
				asdict(draft.shipping_address) if draft.shipping_address else {},
			),
			draft.date_modified_gmt,
		)
		erpnext = Side(erpnext_snapshot(so), site_to_utc(so.modified))
		overlap = timedelta(minutes=cint(self.settings.sync_overlap_minutes))
		return decide(woocommerce, erpnext, so.woocommerce_sync_hash, overlap) in (
			Decision.PUSH,
			Decision.CONFLICT,
		)

	def cancel(
		self, woocommerce_id: int, status: str, modified: datetime | None, current: frappe._dict
	) -> str:
		"""The order is cancelled, failed, refunded, trashed or deleted in the store."""
		so = frappe.get_doc("Sales Order", current.name)
		so.db_set({"woocommerce_status": status, "woocommerce_modified": modified or so.woocommerce_modified})
		if status == "refunded" and order_invoice(self.store, woocommerce_id):
			return "updated"  # the sale stands; SaleWorkflow.follow credits the refunds
		problems = self.sale.cancel_downstream(so.name, woocommerce_id)
		so.reload()  # cancelling its invoices and deliveries updated it
		if so.docstatus == 1 and not problems and not _has_submitted_downstream(so.name):
			so.flags.from_woocommerce = True
			so.cancel()
			mark_synced(so.name, modified)
			return "updated"
		self.run.fail(
			woocommerce_id,
			_(
				"Needs attention: WooCommerce order {0} is {1}, but Sales Order {2} cannot be cancelled "
				"automatically ({3}). Cancel it and its documents by hand if the sale is really off."
			).format(
				woocommerce_id,
				status,
				so.name,
				_("{0}; none of its payments, credit notes or invoices was cancelled").format(
					"; ".join(problems)
				)
				if problems
				else (
					_("it is a draft")
					if so.docstatus == 0
					else _("an invoice or delivery is submitted against it")
				),
			),
			sales_order=so.name,
		)
		return "skipped"

	def fill(self, so, draft: SalesOrderDraft) -> None:
		settings = self.settings
		buyer = self.customers.customer(draft.customer)
		customer = self.currencies.customer_for(
			buyer, draft.currency, draft.woocommerce_id, new=buyer == self.customers.made
		)
		order_date = site_date(draft.date_created_gmt)
		billing, shipping = self.customers.billing_and_shipping(
			customer, draft.billing_address, draft.shipping_address
		)
		so.update(
			{
				"company": settings.company,
				"customer": customer,
				"order_type": "Sales",
				"transaction_date": order_date,
				"delivery_date": order_date,
				"po_no": self.po_no(draft, customer),
				"po_date": order_date,
				"currency": draft.currency,
				"conversion_rate": self.currencies.rate(draft.currency, order_date, draft.woocommerce_id),
				"taxes_and_charges": draft.tax_template,
				"selling_price_list": self.price_list,
				"ignore_pricing_rule": 1,
				"disable_rounded_total": 1,
				"set_warehouse": settings.warehouse,
				"customer_address": billing,
				"shipping_address_name": shipping,
				"contact_person": self.customers.contact(customer, draft.customer),
				"woocommerce_server": self.store,
				"woocommerce_id": str(draft.woocommerce_id),
				"woocommerce_live_key": live_key(self.store, draft.woocommerce_id),
				"woocommerce_status": draft.status,
				"woocommerce_payment_method": draft.payment_method_title or draft.payment_method,
				"woocommerce_modified": naive_utc(draft.date_modified_gmt),
				"woocommerce_customer_note": draft.customer_note or None,
				"woocommerce_last_synced": frappe.utils.now_datetime(),
				ORDER_EMAIL_FIELD: draft.customer.original_email,
			}
		)
		if so.is_new() and self.sale.enabled:
			so.set(SALE_STATE_FIELD, PENDING)  # the sale step's own commit says Done or Failed
		order = self._order(draft)
		subject = _("order {0}").format(draft.woocommerce_id)
		targets = {"Customer": customer, "Address": so.customer_address, "Sales Order": so}
		if "delivery_date" in self.rules.apply("Order", order, targets, subject):
			self._keep_delivery_date(so, order_date, subject)
		fill_coupons(so, draft)
		lines = {line.get("id"): line for line in order.get("line_items") or [] if isinstance(line, dict)}
		for line in draft.items:
			row = so.append(
				"items",
				{
					"item_code": self.items.item_code(line),
					"item_name": line.name[:140],
					"description": line.description,
					"qty": line.qty,
					"price_list_rate": line.price_list_rate,
					"discount_percentage": 100 if line.rate == 0 and line.price_list_rate else 0,
					"rate": line.rate,
					"delivery_date": so.delivery_date,
					"warehouse": settings.warehouse,
					"woocommerce_line_id": line.woocommerce_line_id,
				},
			)
			line_subject = _("order {0} line {1}").format(draft.woocommerce_id, line.woocommerce_line_id)
			line_data = lines.get(line.woocommerce_line_id) or {}
			if "delivery_date" in self.rules.apply(
				"Order Line", line_data, {"Sales Order Item": row}, line_subject
			):
				self._keep_delivery_date(row, order_date, line_subject)
		item_codes = {line.woocommerce_line_id: self.items.item_code(line) for line in draft.items}
		check_fractions(draft, item_codes, self.items.created)
		for charge in draft.charges:
			so.append(
				"taxes",
				{
					"charge_type": "Actual",
					"account_head": charge.account,
					"description": charge.description,
					"tax_amount": charge.amount,
					"cost_center": settings.cost_center
					or frappe.get_cached_value("Company", settings.company, "cost_center"),
					"dont_recompute_tax": 1,
					"item_wise_tax_detail": _item_wise_detail(charge.item_wise_tax_detail, item_codes),
				},
			)

	def _order(self, draft: SalesOrderDraft) -> dict:
		"""The order as the store sent it (its id may have come as text)."""
		return self.orders.get(draft.woocommerce_id) or self.orders.get(str(draft.woocommerce_id)) or {}

	def _keep_delivery_date(self, doc, order_date, subject: str) -> None:
		"""ERPNext refuses a delivery date before the order's date: a rule's earlier one is noted
		and the order's date kept, so the order still comes in."""
		if doc.delivery_date and getdate(doc.delivery_date) >= order_date:
			return
		self.rules.skipped(
			subject,
			_("the mapped delivery date {0} is before the order date {1}, which ERPNext refuses").format(
				doc.delivery_date, order_date
			),
		)
		doc.delivery_date = order_date

	def po_no(self, draft: SalesOrderDraft, customer: str) -> str:
		"""The order number the customer knows, unless another live Sales Order of this customer
		carries it (ERPNext allows one live order per customer PO): then qualified by store (another
		store's order has the number), then by order id too (the store itself reused the number: a
		restored shop, a numbering plugin reset). Claimed for the page, so a second order of the
		page with that number takes the next form."""
		mine = live_key(self.store, draft.woocommerce_id)
		for po in _po_forms(self.store, draft):
			claims = self.taken_po_numbers.setdefault((customer, po), set())
			if not claims - {mine}:
				claims.add(mine)
				return po
		return po  # the last form names the order itself: nobody else carries it

	# Book-keeping ------------------------------------------------------------------------------

	def _taken_po_numbers(self, drafts: Iterable[SalesOrderDraft]) -> dict[tuple[str, str], set[str | None]]:
		"""Live Sales Orders already carrying this page's order numbers (in any form) as PO."""
		numbers = list({po for draft in drafts for po in _po_forms(self.store, draft)})
		taken: dict[tuple[str, str], set[str | None]] = {}
		if numbers:
			for row in frappe.get_all(
				"Sales Order",
				filters={"po_no": ("in", numbers), "docstatus": ("<", 2)},
				fields=["customer", "po_no", "woocommerce_live_key"],
			):
				taken.setdefault((row.customer, row.po_no), set()).add(row.woocommerce_live_key)
		return taken

	def _existing_orders(self, ids: list[int]) -> dict[str, frappe._dict]:
		if not ids:
			return {}
		rows = frappe.get_all(
			"Sales Order",
			filters={
				"woocommerce_live_key": ("in", [live_key(self.store, i) for i in ids]),
				"docstatus": ("<", 2),
			},
			fields=["name", "docstatus", "status", "woocommerce_id", "woocommerce_modified"],
		)
		return {row.woocommerce_id: row for row in rows}

	def fail_unreadable(self, unreadable: dict[int, Exception]) -> None:
		"""A 404 that is not WooCommerce's own proves nothing: the order keeps its documents and is
		asked for again next run."""
		for woocommerce_id, exc in unreadable.items():
			self._failed(woocommerce_id, self._reason(woocommerce_id, exc))

	def _rollback(self) -> None:
		configuration_cache.rollback()
		self.customers.forget()
		self.items.forget()

	def _failed(self, woocommerce_id: object, reason: str) -> None:
		"""The order fails alone: on its retry row (fetched by id next run), in this run's Sync Log,
		and in the Error Log once per reason (a repeat links the first traceback)."""
		if isinstance(woocommerce_id, int):
			self.failed_ids.add(woocommerce_id)
		if not isinstance(woocommerce_id, int) or self.dry_run:
			self.run.fail(woocommerce_id, reason)
			return
		self.run.fail(
			woocommerce_id, reason, error_log=retries.known_error_log(self.store, woocommerce_id, reason)
		)
		retries.record(self.store, woocommerce_id, reason, self.run.failures[-1]["error_log"], self.run.name)
		frappe.db.commit()

	def _reason(self, woocommerce_id: object, exc: Exception) -> str:
		message = exc.args[0] if isinstance(exc, frappe.ValidationError) and exc.args else str(exc)
		text = frappe.utils.strip_html(str(message)) or type(exc).__name__
		if isinstance(exc, WooCommerceError):
			text = explain(exc)
		elif isinstance(exc, CONFLICTS):
			text = _(
				"other imports kept writing the same records at the same moment ({0}); it is retried on "
				"the next sync"
			).format(type(exc).__name__)
		elif not isinstance(exc, frappe.ValidationError):
			text = _("the order could not be read ({0}: {1}); the traceback is in the Error Log").format(
				type(exc).__name__, text
			)
		return _("WooCommerce store {0}, order {1}: {2}").format(self.store, woocommerce_id, text)

	def _forget_retries(self, ids: Iterable[int]) -> None:
		retries.drain(self.store, set(ids))
		frappe.db.commit()


def _po_forms(store: str, draft: SalesOrderDraft) -> tuple[str, str, str]:
	return (draft.number, f"{draft.number} ({store})", f"{draft.number} ({store} #{draft.woocommerce_id})")


def _order_id(order: object) -> int | None:
	"""The order's id when it has a usable one (a damaged order may have none, or not be an object)."""
	order_id = order.get("id") if isinstance(order, dict) else None
	return order_id if isinstance(order_id, int) and not isinstance(order_id, bool) else None


def _lines(so) -> set[tuple[str, Decimal, Decimal]]:
	return {(row.item_code, Decimal(str(row.qty)), Decimal(str(row.rate))) for row in so.items}


def _has_submitted_downstream(sales_order: str) -> bool:
	for doctype, field in (
		("Sales Invoice Item", "sales_order"),
		("Delivery Note Item", "against_sales_order"),
	):
		if frappe.db.exists(doctype, {field: sales_order, "docstatus": 1}):
			return True
	return False


def _item_wise_detail(detail: dict[int, Decimal], item_codes: dict[int, str]) -> str:
	"""ERPNext's format: item code -> [rate, amount], summed over lines of the same item."""
	by_item: dict[str, Decimal] = {}
	for line_id, amount in detail.items():
		code = item_codes[line_id]
		by_item[code] = by_item.get(code, Decimal(0)) + amount
	return json.dumps({code: [0, float(amount)] for code, amount in by_item.items()})


def _give_back_number(so: Document) -> None:
	"""Undo the failed order and return its number to the series if it is still the last one taken,
	as Frappe does when the newest document of a series is deleted; an order failing every hour
	then uses no numbers. Whatever goes wrong here costs a gap at most, never the order's error."""
	with suppress(Exception):
		configuration_cache.rollback()
		revert_series_if_last(so.naming_series, so.name, so)
		configuration_cache.commit()
