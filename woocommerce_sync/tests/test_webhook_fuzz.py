"""The webhook fuzz's classes, a few requests each, through gunicorn: every request gets its answer,
only deliveries the store signed write a row, and the only 5xx are Frappe's own JSON parse."""

import random

import frappe
from frappe.deferred_insert import save_to_db
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime
from frappe.utils.background_jobs import get_job

from woocommerce_sync import jobs
from woocommerce_sync.benchmarks.webhook_fuzz import KINDS, Targets, attempts, delivery_rows, send
from woocommerce_sync.constants import WEBHOOK_JOB
from woocommerce_sync.testing.fake_store import FakeWooCommerceStore
from woocommerce_sync.testing.site_server import serve_site

# Frappe parses a body sent as application/json before the app's method runs (make_form_dict);
# what Python's json cannot read is answered 500 there. WooCommerce always sends valid JSON.
FRAPPE_PARSE = 500
EXPECTED = {
	"valid": {"order.created": 200, "order.updated": 200},
	"replayed": {"same delivery id and body again": 200, "same again, twice": 200},
	"unsigned": {
		"no signature header": 401,
		"empty signature": 401,
		"signature not base64": 401,
		"signature of the right length, all zeros": 401,
	},
	"tampered": {"total changed after signing": 401, "signature of another order's body": 401},
	"wrong_secret": {"a guessed secret": 401, "the disabled store's secret": 401},
	"oversized": {
		"over Frappe's 25 MB limit, signed": 413,
		"2 MB + 1 byte, signed": 413,
		"2 MB + 1 byte, unsigned": 413,
	},
	"nested": {
		"100,000 deep, application/json": FRAPPE_PARSE,
		"100,000 deep, no content type": 400,
		"200 deep in meta_data, signed": 200,
	},
	"content_type": {
		"form-encoded, signed": 200,
		"text/plain, signed": 200,
		"multipart without a boundary, signed": 200,
		"form-encoded, unsigned": 401,
	},
	"non_utf8": {
		"Latin-1 bytes in a string, signed": 400,
		"UTF-16, application/json, signed": FRAPPE_PARSE,
		"random bytes, unsigned": FRAPPE_PARSE,
	},
	"injection": {
		"SQL: ' OR '1'='1": 401,
		"SQL: DROP TABLE": 401,
		"path traversal": 401,
		"HTML": 401,
		"NUL byte": 401,
		"3,000 characters": 401,
		"empty": 401,
		"no store argument": 401,
		"a store that does not exist": 401,
		"a disabled store (signed with its secret)": 401,
		"the store's name in capitals": 401,
		"the store's name and a space": 401,
	},
	"ping": {
		"webhook_id=<digits>": 200,
		"webhook_id=<digits>, unknown store": 200,
		"webhook_id=<not digits>": 401,
	},
	"malformed_json": {
		"cut short, application/json": FRAPPE_PARSE,
		"trailing garbage, application/json": FRAPPE_PARSE,
		"single quotes, application/json": FRAPPE_PARSE,
		"cut short, text/plain": 400,
		"empty body, signed": 400,
	},
	"huge_integer": {
		"5,000-digit customer_id, application/json": FRAPPE_PARSE,
		"5,000-digit customer_id, text/plain": 400,
		"order id 2**70": 400,
		"order id 1e400": 400,
		"order id -1": 400,
		'order id "123" (a string)': 400,
	},
	"wrong_topic": {"topic 'product.updated'": 400, "topic ''": 400, "topic 'ORDER.CREATED<script>'": 400},
}
WRITE_NOTHING = ("unsigned", "tampered", "wrong_secret", "injection", "replayed", "oversized", "ping")


class TestFuzzThroughGunicorn(FrappeTestCase):
	def test_every_fuzz_class_gets_its_answer_and_only_signed_deliveries_write_rows(self):
		started_at = now_datetime()
		with FakeWooCommerceStore() as fake:
			targets = Targets(fake)
			frappe.db.commit()  # gunicorn's workers read the stores through their own connections
			self.addCleanup(self._drop_jobs, targets)
			# twelve of each class: every variant at least once (injection has twelve)
			batch = attempts(targets, 12 * len(KINDS), random.Random(3))
			with serve_site(workers=2) as url:
				answers = send(url, batch, concurrency=4)
		self.assertEqual(set(EXPECTED), set(KINDS), "every class has its expectations")
		for answer in answers:
			kind, variant = answer.attempt.kind, answer.attempt.variant
			with self.subTest(kind=kind, variant=variant):
				self.assertEqual(answer.status, EXPECTED[kind][variant])
		rows = delivery_rows(targets)
		self.assertEqual({kind: rows[kind] for kind in WRITE_NOTHING}, dict.fromkeys(WRITE_NOTHING, 0))
		valid = sum(1 for a in answers if a.attempt.kind == "valid")
		self.assertEqual(rows["valid"], valid, "each valid delivery is recorded once")
		save_to_db()
		errors = frappe.get_all("Error Log", filters={"creation": (">=", started_at)}, pluck="error")
		self.assertFalse(
			[e for e in errors if "woocommerce_sync/webhook" in e or "woocommerce_sync/core" in e],
			"no error comes from the app's code",
		)

	def _drop_jobs(self, targets: Targets) -> None:
		"""The valid deliveries queued their orders' jobs; no worker runs in this test."""
		for order in targets.orders:
			job = get_job(jobs.job_id(WEBHOOK_JOB, targets.store, order["id"]))
			if job:
				job.cancel()
				job.delete()
