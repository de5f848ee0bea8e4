"""What Test Connection reports about a store, from two cheap calls."""

from dataclasses import asdict, dataclass
from typing import Any

from woocommerce_sync.core.client import WooCommerceClient, WooCommerceNotFound


@dataclass
class StoreInfo:
	woocommerce_version: str
	wordpress_version: str
	currency: str
	prices_include_tax: bool | None
	home_url: str

	def as_dict(self) -> dict[str, Any]:
		return asdict(self)


def probe_store(client: WooCommerceClient) -> StoreInfo:
	"""Read versions and currency (system_status) and the tax display rule (tax settings).

	Both need a key of an administrator with manage_woocommerce, the same rights the sync
	needs, so a key that passes here can also sync. Raises the client's errors unchanged:
	their messages already say what to fix.
	"""
	status = client.get("system_status") or {}
	environment = status.get("environment") or {}
	settings = status.get("settings") or {}
	try:
		setting = client.get("settings/tax/woocommerce_prices_include_tax") or {}
		prices_include_tax: bool | None = str(setting.get("value", "")).lower() == "yes"
	except WooCommerceNotFound:
		# Taxes disabled in the shop hide the whole tax settings group.
		prices_include_tax = None
	return StoreInfo(
		woocommerce_version=str(environment.get("version") or ""),
		wordpress_version=str(environment.get("wp_version") or ""),
		currency=str(settings.get("currency") or ""),
		prices_include_tax=prices_include_tax,
		home_url=str(environment.get("home_url") or ""),
	)
