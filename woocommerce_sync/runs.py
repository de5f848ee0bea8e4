"""One Sync Log lifecycle for every run of a store: `with sync_run(store, trigger, what) as run:`.

The log is committed as Running before the work starts, so a crash leaves a trace; the body
counts and records failures; the exit ends it Success, Partial Failure or Failed, with the
traceback in the Error Log. A log whose job died (worker killed, machine restarted) is ended
Interrupted by the store's next run, so Running always means running.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime
from frappe.utils.background_jobs import get_redis_conn
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus, get_current_job

from woocommerce_sync.connection import explain
from woocommerce_sync.constants import ORDERS_OPERATION, SYNC_LOG
from woocommerce_sync.core.client import WooCommerceError
from woocommerce_sync.desk import health

MAX_REASON = 2000
MAX_TITLE = 140  # Error Log's title is a Data field
LONGEST_JOB = timedelta(hours=6)  # the timeout of the longest job (the order sync); a run outlives none
ALIVE = (JobStatus.QUEUED, JobStatus.STARTED)


class SyncRun:
	"""The counts, failures and notes of one run; opened and ended by `sync_run`. `operation`:
	"Orders" or "Stock and Prices", which the workspace's charts and the stores' health go by."""

	def __init__(
		self,
		store: str,
		trigger: str | None,
		what: str,
		dry_run: bool = False,
		operation: str | None = None,
		log: str | None = None,
	):
		"""`log`: count into this running Sync Log instead of opening one (a page job of a run keeps
		its counts and failures for the run, which ends the log)."""
		self.store = store
		self.what = what
		self.operation = operation
		self.dry_run = dry_run
		self.counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
		self.failures: list[dict] = []
		self.notes: list[str] = []
		self.error: str | None = None
		self._logged: tuple[BaseException, str] | None = None
		if log:
			self.log = frappe.get_doc(SYNC_LOG, log)
			return
		self.log = frappe.get_doc(
			{
				"doctype": SYNC_LOG,
				"store": store,
				"trigger": trigger,
				"operation": operation,
				"status": "Running",
				"started": now_datetime(),
				"job_id": current_job_id(),
				"notes": "Dry run: nothing was written." if dry_run else None,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	@property
	def name(self) -> str:
		return self.log.name

	def count(self, outcome: str) -> None:
		self.counts[outcome] += 1

	def fail(
		self,
		woocommerce_id: object,
		reason: str,
		sales_order: str | None = None,
		reference: tuple[str, str] | None = None,
		error_log: str | None = None,
	) -> None:
		"""`reference` names another document than a Sales Order, e.g. ("Item", item code).

		Called while handling an exception, the traceback goes to the Error Log and the failure
		links to it. That Error Log is committed at once: callers roll their order's work back
		before they call this, and the next order's rollback must not take the traceback along.
		`error_log`: the Error Log of the same failure in an earlier run, linked instead of a new one
		(an order failing for the same reason every hour has one traceback)."""
		reference_doctype, reference_name = reference or (
			("Sales Order", sales_order) if sales_order else (None, None)
		)
		exc = sys.exc_info()[1]
		if exc is not None and error_log is None:
			subject = (
				f"{reference_doctype} {reference_name}" if reference_doctype else _subject(woocommerce_id)
			)
			error_log = self._error_log(
				exc, f"failed for {subject}", (reference_doctype or SYNC_LOG, reference_name or self.name)
			)
			frappe.db.commit()
		self.counts["failed"] += 1
		self.failures.append(
			{
				"woocommerce_order_id": str(woocommerce_id or ""),
				"reference_doctype": reference_doctype,
				"reference_name": reference_name,
				"reason": reason[:MAX_REASON],
				"error_log": error_log,
			}
		)

	def note(self, text: str) -> None:
		self.notes.append(text)

	def results(self) -> dict:
		"""This part's counts, failures and notes, for the run that ends the log (see `add`)."""
		return {"counts": self.counts, "failures": self.failures, "notes": self.notes}

	def add(self, results: dict) -> None:
		"""Add the results of a part of this run (a page another worker imported)."""
		for outcome, number in results["counts"].items():
			self.counts[outcome] += number
		self.failures.extend(results["failures"])
		self.notes.extend(note for note in results["notes"] if note not in self.notes)

	def finish(self, error: str | None = None) -> None:
		"""Write counts and failures; `error` is a failure of the whole run (store down, bad keys)."""
		self.error = error
		if error:
			self.notes.append(error)
		status = "Failed" if error else ("Partial Failure" if self.counts["failed"] else "Success")
		log = frappe.get_doc(SYNC_LOG, self.log.name)
		log.update(
			{
				"status": status,
				"ended": now_datetime(),
				"created_count": self.counts["created"],
				"updated_count": self.counts["updated"],
				"skipped_count": self.counts["skipped"],
				"failed_count": self.counts["failed"],
				"notes": "\n".join(filter(None, [log.notes, *self.notes]))[: MAX_REASON * 5] or None,
			}
		)
		# The parent row and the new failure rows are written as such: Document.save would first
		# delete the child rows not in the list, and that delete's gap locks make runs finishing at
		# the same moment (a webhook job beside the hourly one) deadlock on the failures table.
		log.modified = now_datetime()
		log.db_update()
		for failure in self.failures:
			log.append("failures", failure).db_insert()
		if self.operation == ORDERS_OPERATION and not self.dry_run:
			health.record_order_sync(self.store, self.name, status)
		frappe.db.commit()

	def _error_log(self, exc: BaseException, outcome: str, reference: tuple[str, str]) -> str:
		"""The Error Log of the exception being handled; one for all the objects one exception failed
		(a refused batch of 100 products)."""
		if self._logged and self._logged[0] is exc:
			return self._logged[1]
		title = f"WooCommerce store {self.store}: {self.what} {outcome}"[:MAX_TITLE]
		name = frappe.log_error(
			title=title,
			message=frappe.get_traceback(),
			reference_doctype=reference[0],
			reference_name=reference[1],
		).name
		self._logged = (exc, name)
		return name


@contextmanager
def sync_run(
	store: str,
	trigger: str,
	what: str,
	dry_run: bool = False,
	raise_store_errors: bool = False,
	operation: str | None = None,
) -> Iterator[SyncRun]:
	"""Open the store's Sync Log, run the body, end the log. `what` names the run in Error Log
	titles ("order sync", "export of Item X").

	A store error (down, keys revoked) ends the run Failed with its plain reason and is swallowed,
	as the store's next run tries again, unless `raise_store_errors` (the caller retries itself).
	Any other exception ends it Failed, pointing at the Error Log, and is raised again."""
	end_interrupted_runs(store)
	run = SyncRun(store, trigger, what, dry_run=dry_run, operation=operation)
	try:
		yield run
	except WooCommerceError as exc:
		frappe.db.rollback()
		run._error_log(exc, "failed", (SYNC_LOG, run.name))
		run.finish(error=explain(exc))
		if raise_store_errors:
			raise
	except Exception as exc:
		frappe.db.rollback()
		error_log = run._error_log(exc, "crashed", (SYNC_LOG, run.name))
		run.finish(error=_("The sync stopped on an unexpected error; see Error Log {0}.").format(error_log))
		raise
	else:
		run.finish()


def current_job_id() -> str | None:
	"""The RQ id of the background job running this code; None in a request or a command."""
	job = get_current_job() if frappe.job else None
	return job.id if job else None


def end_interrupted_runs(store: str) -> None:
	"""End Interrupted the store's Running logs whose run is gone. Not the log of a live job (the
	webhook job beside the hourly one): its job is still queued or started in RQ."""
	rows = frappe.get_all(
		SYNC_LOG,
		filters={"store": store, "status": "Running"},
		fields=["name", "job_id", "started", "notes"],
	)
	log = frappe.qb.DocType(SYNC_LOG)
	for row in rows:
		reason = _gone(row)
		if reason:
			# Only while it is still Running: the rows were read from this transaction's snapshot,
			# and a run that ended since (its job finished just now) keeps the status it ended with.
			(
				frappe.qb.update(log)
				.set(log.status, "Interrupted")
				.set(log.ended, now_datetime())
				.set(log.notes, "\n".join(filter(None, [row.notes, reason])))
				.set(log.modified, now_datetime())
				.where((log.name == row.name) & (log.status == "Running"))
			).run()


def _gone(row: frappe._dict) -> str | None:
	"""Why the run of this Running log cannot still be running, or None when it may be."""
	if not row.job_id:
		if now_datetime() - get_datetime(row.started) < LONGEST_JOB:
			return None
		return _(
			"Interrupted: started by a request or command more than {0} hours ago and never ended. "
			"What it did not finish is retried by the next run."
		).format(int(LONGEST_JOB.total_seconds() // 3600))
	# A job runs its runs one after another, so a Running log with this job's own id was left by an
	# earlier job of the same (deduplicated) id that died.
	if row.job_id != current_job_id() and _job_status(row.job_id) in ALIVE:
		return None
	return _(
		"Interrupted: its background job {0} stopped before the run ended (worker stopped or killed). "
		"What it did not finish is retried by the next run."
	).format(row.job_id)


def _job_status(job_id: str) -> str | None:
	try:
		return Job.fetch(job_id, connection=get_redis_conn()).get_status()
	except NoSuchJobError:
		return None


def _subject(woocommerce_id: object) -> str:
	text = str(woocommerce_id or "")
	return f"order {text}" if text.isdigit() else text
