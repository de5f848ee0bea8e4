"""Benchmark: search every place the app's logs end up for a store credential. Target: 0 hits.

    bench --site <test site> execute woocommerce_sync.benchmarks.secret_scan.run
    bench --site <test site> execute woocommerce_sync.benchmarks.secret_scan.run --kwargs "{'since': '2026-12-03 08:00:00'}"

Looks for every store's consumer key, consumer secret and webhook secret (read through
get_password) and for OAuth signatures (`oauth_signature=`, which an http store's signed URL
carries) in the log tables, the Comment and Version rows, the RQ job records in Redis (arguments
and tracebacks) and the site's and the bench's log files. `since` (site time) limits the tables to
the rows written from then on; files and Redis are always searched whole. soak.py and
webhook_fuzz.py call `scan` at their end. Hits are printed, never asserted.
"""

import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import frappe
from frappe.utils import get_bench_path, get_datetime
from frappe.utils.background_jobs import get_redis_conn

from woocommerce_sync.constants import REQUEST_LOG, SETTINGS, SYNC_LOG, WEBHOOK_DELIVERY

TABLES = (
	"Error Log",
	WEBHOOK_DELIVERY,
	REQUEST_LOG,
	SYNC_LOG,
	"WooCommerce Sync Log Failure",
	"Scheduled Job Log",
	"Comment",
	"Version",
)
OAUTH_SIGNATURE = "oauth_signature="
SHORTEST_SECRET = 6  # a shorter "secret" would match ordinary words; such a store is reported
CHUNK = 2000


def run(since: str | None = None) -> dict[str, Counter]:
	hits = scan(get_datetime(since) if since else None)
	print_hits(hits)
	return hits


def scan(since: datetime | None = None) -> dict[str, Counter]:
	"""Hits per place, each a Counter of what was found ("consumer secret of store X": 2)."""
	needles = store_secrets()
	hits: dict[str, Counter] = {}
	for doctype in TABLES:
		hits[doctype] = _search(_table_texts(doctype, since), needles)
	hits["RQ jobs (Redis)"] = _search(_job_texts(), needles)
	bench = Path(get_bench_path()).resolve()
	for path in _log_files():
		name = str(path.resolve().relative_to(bench)) if path.resolve().is_relative_to(bench) else str(path)
		hits[name] = _search(iter([path.read_bytes().decode("utf-8", "replace")]), needles)
	return hits


def print_hits(hits: dict[str, Counter]) -> None:
	"""A line per table; the log files on one line, and each file with a hit on its own."""
	files = [place for place in hits if place.endswith(".log") or ".log." in place]
	for place, found in hits.items():
		if place not in files or found:
			print(f"{'secret scan: ' + place:<48}{sum(found.values())}")
			for what, count in sorted(found.items()):
				print(f"    {what}: {count}")
	print(f"{f'secret scan: {len(files)} log files':<48}{sum(sum(hits[f].values()) for f in files)}")
	print(f"{'secret scan: total':<48}{sum(sum(found.values()) for found in hits.values())}")


def store_secrets() -> dict[str, str]:
	"""Every store's credentials, "consumer key of store X" -> the value, plus the OAuth marker."""
	needles = {"an OAuth signature": OAUTH_SIGNATURE}
	for store in frappe.get_all(SETTINGS, pluck="name"):
		settings = frappe.get_doc(SETTINGS, store)
		for field, label in (
			("consumer_key", "consumer key"),
			("consumer_secret", "consumer secret"),
			("webhook_secret", "webhook secret"),
		):
			value = settings.get_password(field, raise_exception=False)
			if not value:
				continue
			if len(value) < SHORTEST_SECRET:
				print(f"secret scan: the {label} of store {store} is too short to search for")
				continue
			needles[f"{label} of store {store}"] = value
	return needles


def _search(texts: Iterator[str], needles: dict[str, str]) -> Counter:
	found: Counter = Counter()
	for text in texts:
		for what, needle in needles.items():
			count = text.count(needle)
			if count:
				found[what] += count
	return found


def _table_texts(doctype: str, since: datetime | None) -> Iterator[str]:
	"""Each row of the table as text, every column, read in chunks of CHUNK rows."""
	table = frappe.qb.DocType(doctype)
	query = frappe.qb.from_(table).select("*").orderby(table.name).limit(CHUNK)
	if since:
		query = query.where(table.creation >= since)
	offset = 0
	while True:
		rows = query.offset(offset).run(as_list=True)
		for row in rows:
			yield "\n".join(str(value) for value in row if value is not None)
		if len(rows) < CHUNK:
			return
		offset += CHUNK


def _job_texts() -> Iterator[str]:
	"""RQ's record of each job: its pickled arguments (zlib), description, result and traceback."""
	connection = get_redis_conn()
	for key in connection.scan_iter("rq:job:*", count=1000):
		if connection.type(key) != b"hash":
			continue
		for value in connection.hgetall(key).values():
			try:
				value = zlib.decompress(value)
			except zlib.error:
				pass
			yield value.decode("utf-8", "replace")


def _log_files() -> list[Path]:
	"""The site's and the bench's log files, rotated ones included."""
	folders = [Path(frappe.get_site_path("logs")).resolve(), Path(get_bench_path(), "logs")]
	return sorted(path for folder in folders for path in folder.glob("*.log*") if path.is_file())
