"""Create, repair and remove this site's order webhooks in a WooCommerce store.

Ours are recognised by their delivery URL (this site's endpoint with the store's name), so
webhooks that other tools registered in the same shop are never touched.
"""

from urllib.parse import quote

import frappe
from frappe import _

from woocommerce_sync.connection import explain, get_client
from woocommerce_sync.constants import MANAGER_ROLES
from woocommerce_sync.core.client import WooCommerceError
from woocommerce_sync.core.webhook import ORDER_TOPICS
from woocommerce_sync.desk import health
from woocommerce_sync.manual_access import check_store


def delivery_url(store: str) -> str:
	return f"{frappe.utils.get_url()}/api/method/woocommerce_sync.webhook.receive?store={quote(store)}"


def our_webhooks(client, store: str) -> list[dict]:
	url = delivery_url(store)
	return [
		hook for hook in client.iter_all("webhooks", {"status": "all"}) if hook.get("delivery_url") == url
	]


@frappe.whitelist(methods=["POST"])
def register_webhooks(store: str) -> dict:
	"""One active webhook per order topic, with the store's secret; disabled ones re-enabled."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store, "write")
	secret = settings.get_password("webhook_secret", raise_exception=False)
	if not secret:
		secret = frappe.generate_hash(length=32)
		settings.webhook_secret = secret
		settings.save()
	actions = []
	try:
		with get_client(settings) as client:
			existing = {hook["topic"]: hook for hook in our_webhooks(client, store)}
			for topic in sorted(ORDER_TOPICS):
				hook = existing.get(topic)
				if hook is None:
					client.post(
						"webhooks",
						{
							"name": f"ERPNext {store} {topic}",
							"topic": topic,
							"delivery_url": delivery_url(store),
							"secret": secret,
							"status": "active",
						},
					)
					actions.append(_("{0}: created").format(topic))
				else:
					# The secret is write-only in WooCommerce, so it is always set again.
					client.put(f"webhooks/{hook['id']}", {"status": "active", "secret": secret})
					was = hook.get("status")
					actions.append(
						_("{0}: re-enabled (was {1})").format(topic, was)
						if was != "active"
						else _("{0}: active").format(topic)
					)
	except WooCommerceError as exc:
		return {"ok": False, "message": explain(exc)}
	health.record_webhooks_registered(store, True)
	return {"ok": True, "message": "<br>".join(actions)}


@frappe.whitelist(methods=["POST"])
def remove_webhooks(store: str) -> dict:
	"""Delete this site's webhooks for the store, and no others."""
	frappe.only_for(MANAGER_ROLES)
	settings = check_store(store, "write")
	try:
		with get_client(settings) as client:
			hooks = our_webhooks(client, store)
			for hook in hooks:
				client.delete(f"webhooks/{hook['id']}", {"force": "true"})
	except WooCommerceError as exc:
		return {"ok": False, "message": explain(exc)}
	health.record_webhooks_registered(store, False)
	return {"ok": True, "message": _("Removed {0} webhooks.").format(len(hooks))}


def webhook_states(client, store: str) -> dict[str, str | None]:
	"""Order topic -> the status of our webhook for it in the store (None: there is none)."""
	by_topic = {hook["topic"]: hook.get("status") for hook in our_webhooks(client, store)}
	return {topic: by_topic.get(topic) for topic in sorted(ORDER_TOPICS)}


def webhook_problems(states: dict[str, str | None]) -> list[str]:
	"""Topics whose webhook is missing or not active (WooCommerce disables one after failures)."""
	return [
		_("the {0} webhook is {1}").format(topic, status or _("missing"))
		for topic, status in states.items()
		if status != "active"
	]
