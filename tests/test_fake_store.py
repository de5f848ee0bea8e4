"""The fake store answers like the real WooCommerce 8.9.1 store recorded in fixtures/."""

import json
from decimal import Decimal

import pytest
import requests
import woocommerce

from woocommerce_sync.testing.fake_store import load_fixture


def api(store, secret=None):
	return woocommerce.API(
		url=store.url,
		consumer_key=store.consumer_key,
		consumer_secret=secret or store.consumer_secret,
		version="wc/v3",
		timeout=5,
	)


def test_the_official_client_signs_and_is_accepted(fake_store):
	response = api(fake_store).get("orders", params={"per_page": 2, "page": 2})
	recorded = load_fixture("orders_list_page2")
	assert response.status_code == 200
	assert response.headers["X-WP-Total"] == recorded["headers"]["X-WP-Total"]
	assert response.headers["X-WP-TotalPages"] == recorded["headers"]["X-WP-TotalPages"]
	assert [o["id"] for o in response.json()] == [o["id"] for o in recorded["body"]]
	assert response.json()[0]["date_modified_gmt"] == recorded["body"][0]["date_modified_gmt"]


def test_include_lists_like_the_recording(fake_store):
	response = api(fake_store).get("orders", params={"include": "16,17"})
	recorded = load_fixture("orders_list_include")
	assert [o["id"] for o in response.json()] == [o["id"] for o in recorded["body"]]
	assert set(response.json()[0]) == set(recorded["body"][0])


def test_wrong_secret_is_refused_like_the_real_store(fake_store):
	response = api(fake_store, secret="cs_wrong").get("orders")
	assert response.status_code == 401
	assert response.json()["code"] == "woocommerce_rest_cannot_view"


def test_basic_and_query_string_auth(fake_store):
	url = f"{fake_store.url}/wp-json/wc/v3/orders/16"
	assert requests.get(url, auth=(fake_store.consumer_key, fake_store.consumer_secret), timeout=5).ok
	keys = {"consumer_key": fake_store.consumer_key, "consumer_secret": fake_store.consumer_secret}
	assert requests.get(url, params=keys, timeout=5).ok
	assert requests.get(url, timeout=5).status_code == 401


def test_per_page_over_100_is_the_recorded_400(fake_store):
	response = api(fake_store).get("orders", params={"per_page": 101})
	recorded = load_fixture("orders_list_per_page_over_100")
	assert response.status_code == recorded["status"] == 400
	assert response.json() == recorded["body"]


def test_missing_order_is_the_recorded_404(fake_store):
	response = api(fake_store).get("orders/999999")
	recorded = load_fixture("order_get_missing")
	assert response.status_code == 404
	assert response.json() == recorded["body"]


def test_unknown_route(fake_store):
	response = api(fake_store).get("no-such-thing")
	assert response.status_code == 404
	assert response.json()["code"] == "rest_no_route"


def test_modified_after_in_gmt_ordered_by_modified(fake_store):
	fake_store.generate_orders(5, status="processing")
	after = "2026-01-01T00:00:02"
	response = api(fake_store).get(
		"orders",
		params={"modified_after": after, "dates_are_gmt": "true", "orderby": "modified", "order": "asc"},
	)
	modified = [o["date_modified_gmt"] for o in response.json()]
	assert modified == sorted(modified)
	assert all(m > after for m in modified)
	assert "2026-01-01T00:00:03" in modified


def test_status_filter_and_page_past_the_end(fake_store):
	client = api(fake_store)
	assert {o["status"] for o in client.get("orders", params={"status": "on-hold"}).json()} == {"on-hold"}
	past = client.get("orders", params={"page": 50})
	assert past.json() == [] and past.headers["X-WP-Total"] == "3"


def test_trash_is_left_out_of_any_and_delete_with_force_is_a_404(fake_store):
	client = api(fake_store)
	trashed = client.delete("orders/17").json()
	assert trashed["status"] == "trash"
	assert 17 not in [o["id"] for o in client.get("orders", params={"include": "16,17"}).json()]
	assert [o["id"] for o in client.get("orders", params={"status": "trash"}).json()] == [17]
	assert client.get("orders/17").json()["status"] == "trash"
	client.delete("orders/17", params={"force": "true"})
	missing = client.get("orders/17")
	assert missing.status_code == 404
	assert missing.json()["code"] == "woocommerce_rest_shop_order_invalid_id"


def test_update_bumps_modified_and_merges(fake_store):
	from datetime import datetime, timezone

	fake_store.set_time(datetime(2030, 5, 1, 12, 0, 0, tzinfo=timezone.utc))
	updated = api(fake_store).put("orders/17", {"status": "completed", "billing": {"phone": "123"}}).json()
	assert updated["status"] == "completed"
	assert updated["date_modified_gmt"] == "2030-05-01T12:00:00"
	assert updated["billing"]["phone"] == "123" and updated["billing"]["city"] == "Tokyo"


def test_batch_limit_and_results(fake_store):
	client = api(fake_store)
	too_many = client.post("orders/batch", {"update": [{"id": 16, "status": "completed"}] * 101})
	assert too_many.status_code == 413
	result = client.post(
		"orders/batch", {"update": [{"id": 16, "status": "completed"}, {"id": 999999}]}
	).json()
	assert result["update"][0]["status"] == "completed"
	assert result["update"][1]["error"]["code"] == "woocommerce_rest_shop_order_invalid_id"


def test_refunds_and_products(fake_store):
	client = api(fake_store)
	assert [r["id"] for r in client.get("orders/16/refunds").json()] == [19]
	created = client.post("orders/17/refunds", {"amount": "1.00", "reason": "test"}).json()
	assert created["amount"] == "1.00"
	assert created["id"] in [r["id"] for r in client.get("orders/17").json()["refunds"]]
	by_sku = client.get("products", params={"sku": "TSHIRT-CLASSIC"}).json()
	assert [p["id"] for p in by_sku] == [p["id"] for p in load_fixture("products_list_by_sku")["body"]]
	variations = client.get("products/11/variations").json()
	assert {v["sku"] for v in variations} == {"HOODIE-M", "HOODIE-L"}


def test_webhooks_crud(fake_store):
	client = api(fake_store)
	hook = client.post(
		"webhooks",
		{"name": "x", "topic": "order.created", "delivery_url": "http://127.0.0.1/h", "secret": "s"},
	).json()
	assert hook["status"] == "active" and hook["resource"] == "order" and hook["event"] == "created"
	assert client.delete(f"webhooks/{hook['id']}").status_code == 501
	assert client.delete(f"webhooks/{hook['id']}", params={"force": "true"}).ok
	assert client.get(f"webhooks/{hook['id']}").status_code == 404


def test_system_status_and_tax_setting(fake_store):
	client = api(fake_store)
	assert client.get("system_status").json()["environment"]["version"] == "8.9.1"
	assert client.get("settings/tax/woocommerce_prices_include_tax").json()["value"] == "no"
	fake_store.prices_include_tax = True
	assert client.get("settings/tax/woocommerce_prices_include_tax").json()["value"] == "yes"


@pytest.mark.parametrize("lines", [1, 3])
def test_generated_orders_add_up_like_woocommerce(fake_store, lines):
	for order in fake_store.generate_orders(20, lines=lines):
		parts = sum(Decimal(li["total"]) + Decimal(li["total_tax"]) for li in order["line_items"])
		parts += sum(Decimal(s["total"]) + Decimal(s["total_tax"]) for s in order["shipping_lines"])
		assert parts == Decimal(order["total"])
		taxes = sum(Decimal(t["tax_total"]) + Decimal(t["shipping_tax_total"]) for t in order["tax_lines"])
		assert taxes == Decimal(order["total_tax"])
		discount = sum(Decimal(li["subtotal"]) - Decimal(li["total"]) for li in order["line_items"])
		assert discount == Decimal(order["discount_total"])
		assert set(order) >= set(load_fixture("order_get_registered")["body"]) - {"_links"}


def test_faults_rate_limit_truncated_and_html(fake_store):
	client = api(fake_store)
	fake_store.inject_fault("rate_limit", retry_after=3)
	limited = client.get("orders/16")
	assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
	fake_store.inject_fault("truncated")
	cut = client.get("orders/16")
	with pytest.raises(json.JSONDecodeError):
		json.loads(cut.text)
	fake_store.inject_fault("html", status=503)
	page = client.get("orders/16")
	assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
	assert client.get("orders/16").ok, "faults are used up"


def test_a_lost_answer_creates_the_order_and_never_answers(fake_store):
	"""A store that writes the order, then hangs: the caller times out, the order exists."""
	fake_store.inject_fault("lost_answer", seconds=2, path_prefix="/wp-json/wc/v3/orders")
	before = set(fake_store.orders)
	meta = [{"key": "_erpnext_sales_order", "value": "SO-1"}]
	with pytest.raises(requests.exceptions.ReadTimeout):
		requests.post(
			f"{fake_store.url}/wp-json/wc/v3/orders",
			json={"status": "pending", "meta_data": meta},
			auth=(fake_store.consumer_key, fake_store.consumer_secret),
			timeout=(1, 0.5),
		)
	[created] = set(fake_store.orders) - before
	listed = api(fake_store).get("orders", params={"include": str(created)}).json()
	[entry] = listed[0]["meta_data"]
	assert (entry["key"], entry["value"]) == ("_erpnext_sales_order", "SO-1")
	assert isinstance(entry["id"], int), "WooCommerce numbers each meta entry"


def test_random_faults_hit_about_their_rate_and_are_counted(fake_store):
	client = api(fake_store)
	fake_store.reset_counters()
	fake_store.inject_random_faults(
		0.3, [{"kind": "status", "code": 503}, {"kind": "rate_limit", "retry_after": 2}], seed=1
	)
	answers = [client.get("orders/16").status_code for _ in range(200)]
	faulted = answers.count(503) + answers.count(429)
	assert 40 <= faulted <= 80, faulted
	assert fake_store.faults_served == {"503": answers.count(503), "rate_limit": answers.count(429)}
	assert set(answers) == {200, 429, 503}
	fake_store.clear_faults()
	assert client.get("orders/16").ok


def test_an_order_without_a_modified_date_does_not_break_the_list(fake_store):
	order = fake_store.generate_orders(1)[0]
	del fake_store.orders[order["id"]]["date_modified_gmt"]
	listed = api(fake_store).get("orders", params={"orderby": "modified", "per_page": 100})
	assert listed.status_code == 200
	assert order["id"] in [o["id"] for o in listed.json()]


def test_requests_and_connections_are_counted(fake_store):
	fake_store.reset_counters()
	with requests.Session() as session:
		for _ in range(3):
			session.get(
				f"{fake_store.url}/wp-json/wc/v3/orders",
				auth=(fake_store.consumer_key, fake_store.consumer_secret),
			)
	assert fake_store.request_count("GET", "/wp-json/wc/v3/orders") == 3
	assert fake_store.connections_opened == 1


def test_unregistered_status_is_refused_like_the_real_store(fake_store):
	client = api(fake_store)
	refused = client.get("orders", params={"status": "partial-shipped"})
	assert refused.status_code == 400 and refused.json()["code"] == "rest_invalid_param"
	fake_store.register_order_status("partial-shipped")
	assert client.get("orders", params={"status": "partial-shipped"}).json() == []


def test_a_variable_product_and_its_variations_have_the_recorded_shape(fake_store):
	parent = fake_store.add_variable_product("WS-TEE", ("S", "M", "L"), stock=4785)
	client = api(fake_store)
	listed = client.get(f"products/{parent['id']}/variations").json()
	assert [v["sku"] for v in listed] == ["WS-TEE-S", "WS-TEE-M", "WS-TEE-L"]
	recorded = load_fixture("variation_create_m")["body"]
	assert set(listed[0]) == set(recorded) - {"_links"}
	assert set(listed[0]["attributes"][0]) == set(recorded["attributes"][0])
	assert listed[0]["parent_id"] == parent["id"] and listed[0]["stock_quantity"] == 4785
	product = client.get(f"products/{parent['id']}").json()
	recorded_parent = load_fixture("product_create_variable")["body"]
	assert product["type"] == "variable" and product["variations"] == [v["id"] for v in listed]
	assert set(product["attributes"][0]) == set(recorded_parent["attributes"][0])
	assert client.get("products", params={"sku": "WS-TEE-M"}).json()[0]["id"] == listed[1]["id"]


def test_order_notes_are_listed_newest_first_and_need_a_text(fake_store):
	store = api(fake_store)
	modified = store.get("orders/16").json()["date_modified_gmt"]
	missing = store.post("orders/16/notes", {"customer_note": True})
	assert missing.status_code == 400 and missing.json()["code"] == "rest_missing_callback_param"
	first = store.post("orders/16/notes", {"note": "Shipped", "customer_note": True})
	assert first.status_code == 201
	assert set(first.json()) == {"id", "author", "date_created", "date_created_gmt", "note", "customer_note"}
	assert first.json()["author"] == "system"
	store.post("orders/16/notes", {"note": "Packed"})
	assert [n["note"] for n in store.get("orders/16/notes").json()] == ["Packed", "Shipped"]
	assert [n["note"] for n in store.get("orders/16/notes", params={"type": "customer"}).json()] == [
		"Shipped"
	]
	assert store.get("orders/16").json()["date_modified_gmt"] == modified, "a note does not save the order"
	assert store.get("orders/999/notes").json()["code"] == "woocommerce_rest_shop_order_invalid_id"


def test_order_meta_is_updated_by_key_as_woocommerce_does(fake_store):
	store = api(fake_store)
	store.put("orders/16", {"meta_data": [{"key": "_x", "value": [1]}]})
	store.put("orders/16", {"meta_data": [{"key": "_x", "value": [2]}, {"key": "_y", "value": "y"}]})
	meta = store.get("orders/16").json()["meta_data"]
	assert [(m["key"], m["value"]) for m in meta if m["key"] in ("_x", "_y")] == [("_x", [2]), ("_y", "y")]


def test_coupons_are_found_by_code_and_codes_are_unique(fake_store):
	store = api(fake_store)
	recorded = load_fixture("coupon_create")["body"]
	found = store.get("coupons", params={"code": "SAVE10"}).json()
	assert [c["id"] for c in found] == [recorded["id"]]
	assert store.get("coupons", params={"code": "nope"}).json() == []
	made = store.post("coupons", {"code": "Winter10", "discount_type": "percent", "amount": "10"})
	assert made.status_code == 201
	assert set(made.json()) == set(recorded) - {"_links"}
	assert (made.json()["code"], made.json()["amount"]) == ("winter10", "10.00")
	again = store.post("coupons", {"code": "WINTER10", "amount": "5"})
	assert (again.status_code, again.json()["code"]) == (400, "woocommerce_rest_coupon_code_already_exists")
	changed = store.put(f"coupons/{made.json()['id']}", {"amount": "12.5", "usage_limit": 3})
	assert (changed.json()["amount"], changed.json()["usage_limit"]) == ("12.50", 3)
	assert store.get("coupons/424242").json()["code"] == "woocommerce_rest_shop_coupon_invalid_id"


def test_a_draft_coupon_is_not_found_by_code(fake_store):
	store = api(fake_store)
	store.post("coupons", {"code": "later", "amount": "5", "status": "draft"})
	assert store.get("coupons", params={"code": "later"}).json() == []
