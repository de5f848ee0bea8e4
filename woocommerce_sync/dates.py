"""Which time zone a time is in, decided in one place.

UTC: WooCommerce's `*_gmt` fields, the REST API's `after`/`before` with `dates_are_gmt`, and the
app's own Datetime fields that say so (the store's Last Sync, a Sales Order's WooCommerce
Modified). The site's time zone (System Settings): everything ERPNext stores and shows (a
document's modified, posting date and time, transaction date) and every date a person types in
Desk or on the command line. Naive datetimes are never compared across the two.
"""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from frappe.utils import get_datetime, get_system_timezone, getdate

from woocommerce_sync.core.conflict import site_time_to_utc


def site_to_utc(value: str | date | datetime, end_of_day: bool = False) -> datetime:
	"""A date or datetime in the site's time zone -> aware UTC. A bare date means its first
	second, or with `end_of_day` its last, so a range of days includes both ends."""
	moment = get_datetime(value)
	if moment.tzinfo is not None:
		return moment.astimezone(timezone.utc)
	if end_of_day and len(str(value).strip()) <= 10:
		moment = moment.replace(hour=23, minute=59, second=59)
	return site_time_to_utc(moment, get_system_timezone())


def utc_to_site(moment: datetime) -> datetime:
	"""A UTC moment (aware, or naive meaning UTC) -> the naive site time ERPNext stores."""
	if moment.tzinfo is None:
		moment = moment.replace(tzinfo=timezone.utc)
	return moment.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def site_date(moment: datetime | None) -> date:
	"""The day a UTC moment falls on in the site's time zone (today's when there is none)."""
	return utc_to_site(moment).date() if moment else getdate()


def site_date_time(gmt: str | datetime | None) -> tuple[date, time]:
	"""A WooCommerce `*_gmt` time (UTC, as text or parsed) -> the site's (date, time), what
	ERPNext's posting fields mean; now when the store sent none."""
	if isinstance(gmt, datetime):
		moment = gmt
	else:
		moment = get_datetime(str(gmt).replace("T", " ")) if gmt else datetime.now(timezone.utc)
	local = utc_to_site(moment)
	return local.date(), local.time().replace(microsecond=0)


def naive_utc(moment: datetime | None) -> datetime | None:
	"""A UTC moment (aware, or naive meaning UTC) -> naive UTC, as the app's UTC Datetime fields
	store it. A naive value is never read in the server's own time zone."""
	if moment is None or moment.tzinfo is None:
		return moment
	return moment.astimezone(timezone.utc).replace(tzinfo=None)


def stored_utc(value: str | datetime) -> datetime:
	"""One of the app's UTC Datetime fields (naive, as Frappe reads it) -> aware UTC."""
	moment = get_datetime(value)
	return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
