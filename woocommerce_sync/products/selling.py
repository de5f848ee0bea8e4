"""The Item list's *Sell on WooCommerce store...* and *Stop selling*: thousands of Items at once.

The request checks the store and the user's right to change Items (manual_access), keeps the
Items the user may see, and queues one job on the long queue. The job marks or unmarks them in
batches (products/links.py: a few statements per batch, no Item save), commits each batch,
shows its progress in Desk and ends with a Sync Log. Items newly sold have their stock and prices
noted for the minute push; Items no longer sold stay paired and keep their product in the shop.
"""

import hashlib

import frappe
from frappe import _

from woocommerce_sync import jobs
from woocommerce_sync.constants import ITEM_ROLES, SELLING_JOB
from woocommerce_sync.core.product_batch import chunks
from woocommerce_sync.manual_access import check_documents, check_store
from woocommerce_sync.products.links import SELL_BATCH, mark_sold, stop_selling
from woocommerce_sync.runs import SyncRun, sync_run

PROGRESS_EVENT = "woocommerce_selling_progress"


@frappe.whitelist(methods=["POST"])
def set_selling(store: str, item_codes: list[str] | str | None = None, sell: bool = True) -> dict:
	"""Queue marking these Items sold on the store (or, with `sell` off, not sold any more)."""
	frappe.only_for(ITEM_ROLES)
	check_store(store)
	check_documents(store, [("Item", "write")])
	wanted = frappe.parse_json(item_codes) if isinstance(item_codes, str) else list(item_codes or [])
	if not wanted:
		frappe.throw(_("Select the Items to change in the Item list first."))
	codes = visible_items(wanted)
	sell = frappe.utils.sbool(sell)
	digest = hashlib.sha1("\n".join(sorted(codes)).encode()).hexdigest()[:12]
	queued = jobs.enqueue(
		"woocommerce_sync.products.selling.apply_selling",
		jobs.job_id(SELLING_JOB, store, "sell" if sell else "stop", digest),
		timeout=jobs.HOUR,
		store=store,
		item_codes=codes,
		sell=sell,
	)
	return {"queued": queued, "items": len(codes), "not_found": len(set(wanted)) - len(codes)}


def visible_items(item_codes: list[str]) -> list[str]:
	"""The Items among these that exist and the user may see (User Permissions included)."""
	found: list[str] = []
	for batch in chunks(sorted(set(item_codes)), SELL_BATCH):
		found += frappe.get_list("Item", filters={"name": ("in", batch)}, pluck="name")
	return found


def apply_selling(store: str, item_codes: list[str], sell: bool = True) -> SyncRun:
	"""The job: every batch committed on its own, progress published to the user who asked."""
	what = _("Sell on WooCommerce store") if sell else _("Stop selling on WooCommerce store")
	with sync_run(store, "Manual", "selling Items" if sell else "stop selling Items") as run:
		run.note(_("{0}: {1} Items.").format(what, len(item_codes)))
		done = 0
		for batch in chunks(item_codes, SELL_BATCH):
			changed = mark_sold(store, batch) if sell else stop_selling(store, batch)
			frappe.db.commit()
			run.counts["updated"] += len(changed)
			run.counts["skipped"] += len(batch) - len(changed)
			done += len(batch)
			frappe.publish_realtime(
				PROGRESS_EVENT,
				{"store": store, "done": done, "total": len(item_codes), "sell": sell},
				user=frappe.session.user,
			)
		run.note(
			_("{0} Items changed, {1} were already so.").format(run.counts["updated"], run.counts["skipped"])
		)
	frappe.publish_realtime(
		PROGRESS_EVENT,
		{
			"store": store,
			"done": len(item_codes),
			"total": len(item_codes),
			"sell": sell,
			"sync_log": run.name,
		},
		user=frappe.session.user,
	)
	return run
