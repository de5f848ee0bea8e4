"""Sync Images: the images of every Item a store sells, in the direction the store chose.

Desk's *Products > Sync Images* and `bench woocommerce sync-images` run one job (deduplicated per
store) with one Sync Log, its progress sent to the user who asked or drawn in the terminal.
ERPNext to WooCommerce: image_push.py; WooCommerce to ERPNext: image_pull.py. Exports send images
on their own as well (products/export.py).
"""

from collections.abc import Callable

import frappe
from frappe import _

from woocommerce_sync import jobs
from woocommerce_sync.connection import get_client
from woocommerce_sync.constants import (
	IMAGE_SYNC_JOB,
	IMAGES_TO_ERPNEXT,
	IMAGES_TO_WOOCOMMERCE,
	MANAGER_ROLES,
	SETTINGS,
)
from woocommerce_sync.manual_access import check_documents, check_store
from woocommerce_sync.products.image_pull import pull_store_images
from woocommerce_sync.products.image_push import push_store_images
from woocommerce_sync.products.links import sold_links
from woocommerce_sync.progress import progress_reporter
from woocommerce_sync.runs import SyncRun, sync_run

PROGRESS_EVENT = "woocommerce_images_progress"
DONE_EVENT = "woocommerce_images_done"


@frappe.whitelist(methods=["POST"])
def sync_images(store: str) -> dict:
	"""Desk's Sync Images: a long job, its progress sent to the user who asked."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store)
	if check_direction(settings) == IMAGES_TO_ERPNEXT:
		check_documents(store, [("File", "create"), ("Item", "write")])
	queued = jobs.enqueue(
		"woocommerce_sync.products.images.sync_store_images",
		jobs.job_id(IMAGE_SYNC_JOB, store),
		timeout=6 * jobs.HOUR,
		store=store,
		trigger="Manual",
		notify_user=frappe.session.user,
	)
	return {"queued": queued}


def check_direction(settings) -> str:
	direction = settings.get("image_direction")
	if direction not in (IMAGES_TO_WOOCOMMERCE, IMAGES_TO_ERPNEXT):
		frappe.throw(
			_(
				"Store {0} does not sync images: choose a direction in Sync Images (Products and Stock tab "
				"of its settings), then try again."
			).format(settings.name)
		)
	return direction


def count_to_sync(store: str) -> int:
	"""How many Items a run walks, for a progress bar."""
	return len(sold_links(store))


def sync_store_images(
	store: str,
	trigger: str = "Manual",
	notify_user: str | None = None,
	on_progress: Callable[[int], None] | None = None,
) -> SyncRun:
	settings = frappe.get_doc(SETTINGS, store)
	direction = check_direction(settings)
	progress = progress_reporter(PROGRESS_EVENT, store, notify_user, on_progress)
	with sync_run(store, trigger, "image sync") as run:
		run.note(_("Images: {0}.").format(_(direction)))
		with get_client(settings) as client:
			work = push_store_images if direction == IMAGES_TO_WOOCOMMERCE else pull_store_images
			work(settings, client, run, progress)
	if notify_user:
		frappe.publish_realtime(
			DONE_EVENT,
			{"store": store, "sync_log": run.name, "error": run.error, **run.counts},
			user=notify_user,
		)
	return run
