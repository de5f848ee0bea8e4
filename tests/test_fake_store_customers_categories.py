"""The fake store's customers and product categories answer as WooCommerce does."""

from tests.test_fake_store import api
from woocommerce_sync.testing.fake_store import add_category, load_fixture


def test_customers_page_and_filter(fake_store):
	client = api(fake_store)
	for n in range(3):
		assert client.post("customers", {"email": f"c{n}@example.com"}).status_code == 201
	response = client.get("customers", params={"per_page": 2, "orderby": "id", "order": "asc"})
	assert response.headers["X-WP-Total"] == "4" and response.headers["X-WP-TotalPages"] == "2"
	assert response.json()[0]["id"] == load_fixture("customer_create")["body"]["id"]
	assert [c["email"] for c in client.get("customers", params={"email": "C1@example.com"}).json()] == [
		"c1@example.com"
	]


def test_a_duplicate_e_mail_is_refused_and_no_password_is_generated_or_refused(fake_store):
	client = api(fake_store)
	refused = client.post("customers", {"email": "JANE.DOE@example.com"})
	assert refused.status_code == 400 and refused.json()["code"] == "registration-error-email-exists"
	made = client.post("customers", {"email": "new@example.com"}).json()
	assert made["username"] == "new" and fake_store.new_account_emails == ["new@example.com"]
	fake_store.generate_password = False
	refused = client.post("customers", {"email": "other@example.com"})
	assert refused.json()["code"] == "registration-error-missing-password"
	option = client.get("settings/email_customer_new_account/enabled").json()
	assert option["value"] == "yes"


def test_customer_update_merges_addresses_and_refuses_a_taken_e_mail(fake_store):
	client = api(fake_store)
	made = client.post("customers", {"email": "x@example.com", "billing": {"city": "Oslo"}}).json()
	updated = client.put(f"customers/{made['id']}", {"billing": {"postcode": "0150"}}).json()
	assert updated["billing"]["city"] == "Oslo" and updated["billing"]["postcode"] == "0150"
	taken = client.put(f"customers/{made['id']}", {"email": "jane.doe@example.com"})
	assert taken.status_code == 400 and taken.json()["code"] == "woocommerce_rest_customer_invalid_email"
	assert client.get("customers/999999").json()["code"] == "woocommerce_rest_invalid_id"


def test_categories_term_exists_names_the_existing_id(fake_store):
	client = api(fake_store)
	parent = client.post("products/categories", {"name": "Clothing & Shoes"}).json()
	assert parent["name"] == "Clothing &amp; Shoes" and parent["slug"] == "clothing-shoes"
	again = client.post("products/categories", {"name": "Clothing & Shoes"})
	assert again.status_code == 400 and again.json()["code"] == "term_exists"
	assert again.json()["data"]["resource_id"] == parent["id"]
	by_slug = client.post("products/categories", {"name": "Other", "slug": "clothing-shoes"}).json()
	assert by_slug["data"]["resource_id"] == parent["id"]
	child = add_category(fake_store, "Hoodies", parent["id"])
	result = client.post(
		"products/categories/batch",
		{
			"create": [{"name": "Hoodies", "parent": parent["id"]}],
			"update": [{"id": child["id"], "name": "Tops"}],
		},
	).json()
	assert result["create"][0]["error"]["data"]["resource_id"] == child["id"]
	assert result["update"][0]["name"] == "Tops" and result["update"][0]["slug"] == "hoodies"
	listed = client.get("products/categories", params={"per_page": 100}).json()
	assert {c["id"] for c in listed} >= {parent["id"], child["id"], 15}


def test_a_product_names_its_categories(fake_store):
	client = api(fake_store)
	category = add_category(fake_store, "Music")
	product = client.post(
		"products", {"name": "Album", "categories": [{"id": category["id"]}, {"id": 424242}]}
	).json()
	assert product["categories"] == [{"id": category["id"], "name": "Music", "slug": "music"}]


def test_product_and_customer_meta_is_updated_by_key_as_for_orders(fake_store):
	client = api(fake_store)
	product = client.post(
		"products", {"name": "Mug", "meta_data": [{"key": "_global_unique_id", "value": "1"}]}
	)
	product = product.json()
	client.put(f"products/{product['id']}", {"meta_data": [{"key": "_global_unique_id", "value": "2"}]})
	client.put(f"products/{product['id']}", {"meta_data": [{"key": "_other", "value": "o"}]})
	meta = client.get(f"products/{product['id']}").json()["meta_data"]
	assert [(m["key"], m["value"]) for m in meta] == [("_global_unique_id", "2"), ("_other", "o")]
	assert all(isinstance(m["id"], int) for m in meta), "WooCommerce numbers each meta entry"
	customer = client.post(
		"customers", {"email": "vat@example.com", "meta_data": [{"key": "_billing_vat", "value": "A"}]}
	)
	customer = customer.json()
	client.put(f"customers/{customer['id']}", {"meta_data": [{"key": "_billing_vat", "value": "B"}]})
	meta = client.get(f"customers/{customer['id']}").json()["meta_data"]
	assert [(m["key"], m["value"]) for m in meta] == [("_billing_vat", "B")]
