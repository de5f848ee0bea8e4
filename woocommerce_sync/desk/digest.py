"""The daily digest e-mail of a store: yesterday's orders and revenue, the orders failing now
with their reasons, and the webhooks' health. Sent through the Email Queue at the store's send
hour (site time) by the hourly job, once a day."""

from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import (
	fmt_money,
	get_url_to_form,
	get_url_to_report,
	getdate,
	now_datetime,
	validate_email_address,
)

from woocommerce_sync.constants import ORDER, SETTINGS, SYNC_LOG, SYNC_STATUS_REPORT
from woocommerce_sync.desk import health
from woocommerce_sync.desk.cards import count_stuck_deliveries
from woocommerce_sync.desk.console import failing_orders
from woocommerce_sync.woocommerce_sync.report.woocommerce_sales.woocommerce_sales import sales

MAX_FAILURES = 20  # listed in the e-mail; the console has them all


def send_due_digests() -> None:
	"""Hourly: every enabled store whose send hour has come and whose digest of today is not sent."""
	now = now_datetime()
	for store in frappe.get_all(
		SETTINGS,
		filters={"enabled": 1, "digest_recipients": ("is", "set"), "digest_hour": ("<=", now.hour)},
		or_filters=[["last_digest_sent", "is", "not set"], ["last_digest_sent", "<", now.date()]],
		pluck="name",
	):
		try:
			send_digest(store, now.date() - timedelta(days=1))
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				title=f"WooCommerce daily digest of store {store} failed", message=frappe.get_traceback()
			)


def send_digest(store: str, day: date) -> str:
	"""Queue the digest of `day` for the store's recipients; returns the subject."""
	settings = frappe.get_doc(SETTINGS, store)
	recipients = recipient_list(settings.digest_recipients)
	if not recipients:
		frappe.throw(_("Store {0}: enter at least one e-mail address in Digest Recipients.").format(store))
	context = digest_context(store, day)
	subject = _("WooCommerce {0}: {1} orders on {2}, {3} failing").format(
		store, context["orders"], frappe.format(day, "Date"), context["failing_count"]
	)
	frappe.sendmail(
		recipients=recipients,
		subject=subject,
		template="woocommerce_digest",
		args=context,
		reference_doctype=SETTINGS,
		reference_name=store,
	)
	settings.db_set("last_digest_sent", getdate(now_datetime()), update_modified=False)
	frappe.db.commit()
	return subject


def digest_context(store: str, day: date) -> dict:
	totals = sales([store], day, day, "Daily")
	figures = totals[0] if totals else {}
	row = health.store_rows([store])[0]
	color, reasons = health.assess(row)
	failing = sorted(failing_orders([store]), key=lambda r: str(r["last_failed"] or ""), reverse=True)
	currency = frappe.get_cached_value(
		"Company", frappe.db.get_value(SETTINGS, store, "company"), "default_currency"
	)
	return {
		"store": store,
		"day": frappe.format(day, "Date"),
		"currency": currency,
		"orders": figures.get("orders", 0),
		**{
			field: fmt_money(figures.get(field, 0.0), currency=currency)
			for field in ("net_sales", "tax", "shipping", "refunds")
		},
		"health": color,
		"health_reasons": reasons,
		"failing_count": len(failing),
		"failing": [
			{
				**failure,
				"order_url": get_url_to_form(ORDER, failure["woocommerce_order"]),
				"log_url": get_url_to_form(SYNC_LOG, failure["sync_log"]) if failure["sync_log"] else None,
			}
			for failure in failing[:MAX_FAILURES]
		],
		"more_failing": max(0, len(failing) - MAX_FAILURES),
		"console_url": get_url_to_report(SYNC_STATUS_REPORT, "Script Report", SETTINGS),
		"webhook_state": row.webhook_state
		or (_("Registered") if row.webhooks_registered else _("Not Registered")),
		"webhook_problems": row.webhook_problems,
		"deliveries_stuck": count_stuck_deliveries([store]),
		"settings_url": get_url_to_form(SETTINGS, store),
	}


def recipient_list(text: str | None) -> list[str]:
	"""Addresses one per line or comma separated; an invalid one is refused by name."""
	found = [part.strip() for part in (text or "").replace(",", "\n").splitlines() if part.strip()]
	for address in found:
		validate_email_address(address, throw=True)
	return list(dict.fromkeys(found))
