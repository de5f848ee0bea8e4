"""Product images: what is sent (ids for known images, src for new ones), what is pulled, the
download's limits, and the fake store's images as WooCommerce keeps them."""

import pytest

from woocommerce_sync.core.client import WooCommerceClient, WooCommerceError
from woocommerce_sync.core.image_download import ImageDownloadError, download_image
from woocommerce_sync.core.product_images import (
	ItemImage,
	SentImage,
	StoreImage,
	file_name,
	new_store_images,
	product_images_payload,
	sent_images,
	store_images,
	upload_batches,
	uploads,
	variation_image_payload,
)
from woocommerce_sync.testing.fake_store import site_files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
A = ItemImage("hash-a", "https://erp.example/files/a.png", "a.png")
B = ItemImage("hash-b", "https://erp.example/files/b.png", "b.png")
C = ItemImage("hash-c", "https://erp.example/files/c.png", "c.png")


def allow(url):
	return None


# ERPNext -> WooCommerce -------------------------------------------------------------------------


def test_new_images_go_by_src_in_order_first_is_the_item_image():
	assert product_images_payload([A, B], []) == [
		{"src": A.url, "name": "a.png"},
		{"src": B.url, "name": "b.png"},
	]


def test_known_images_go_by_id_and_unchanged_lists_send_nothing():
	sent = [SentImage("hash-a", 11, 1), SentImage("hash-b", 12, 2)]
	assert product_images_payload([A, B], sent) is None
	# A new gallery image: the known ones by id, only the new one downloaded.
	assert product_images_payload([A, B, C], sent) == [
		{"id": 11},
		{"id": 12},
		{"src": C.url, "name": "c.png"},
	]
	# Reordered: ids only, nothing downloaded again.
	assert product_images_payload([B, A], sent) == [{"id": 12}, {"id": 11}]


def test_the_same_content_twice_is_one_image():
	twin = ItemImage("hash-a", "https://erp.example/files/a-copy.png", "a-copy.png")
	assert product_images_payload([A, twin, B], []) == [
		{"src": A.url, "name": "a.png"},
		{"src": B.url, "name": "b.png"},
	]


def test_removed_images_clear_only_what_was_sent():
	assert product_images_payload([], [SentImage("hash-a", 11, 1)]) == []
	assert product_images_payload([], []) is None  # never sent any: the store's images stay
	# An image sent once and dropped later is still known by id when it comes back.
	assert product_images_payload([A], [SentImage("hash-a", 11, 0)]) == [{"id": 11}]


def test_a_variation_gets_its_first_image_once():
	assert variation_image_payload([B, A], []) == {"src": B.url, "name": "b.png"}
	assert variation_image_payload([B, A], [SentImage("hash-b", 5, 1)]) is None
	assert variation_image_payload([], [SentImage("hash-b", 5, 1)]) is None


def test_the_answer_gives_each_image_its_id():
	answer = [{"id": 11, "src": "x"}, {"id": 31, "src": "y"}]
	assert sent_images([A, C], answer) == [SentImage("hash-a", 11, 1), SentImage("hash-c", 31, 2)]
	with pytest.raises(ValueError):
		sent_images([A, C], answer[:1])


def test_batches_hold_at_most_100_products_and_few_downloads():
	payloads = [[{"src": "x"}] * 3 for _ in range(10)] + [[{"id": 1}]] * 150
	batches = upload_batches(payloads, uploads, max_uploads=20)
	assert [sum(map(uploads, batch)) for batch in batches][:2] == [18, 12]
	assert all(len(batch) <= 100 for batch in batches)
	assert sum(map(len, batches)) == 160
	assert upload_batches([[{"src": "x"}] * 30], uploads, max_uploads=20) == [[[{"src": "x"}] * 30]]


# WooCommerce -> ERPNext -------------------------------------------------------------------------


def test_store_images_in_order_each_once_and_new_ones_by_id():
	product = {
		"images": [
			{"id": 7, "src": "https://shop/a.jpg", "name": "A", "alt": ""},
			{"id": 7, "src": "https://shop/a.jpg", "name": "A", "alt": ""},
			{"id": 8, "src": "https://shop/b.jpg", "name": "B", "alt": "b"},
			{"id": 9, "src": "", "name": "", "alt": ""},
		]
	}
	images = store_images(product)
	assert [i.image_id for i in images] == [7, 8]
	assert [i.image_id for i in new_store_images(images, {7})] == [8]
	assert store_images({"image": {"id": 3, "src": "https://shop/v.jpg"}})[0].image_id == 3
	assert store_images({"image": None}) == []


def test_file_names_are_safe_and_typed():
	image = StoreImage(7, "https://shop/wp-content/uploads/2024/05/T%20shirt (front).jpeg?x=1", "", "")
	assert file_name(image, "image/jpeg") == "T-shirt-front.jpg"
	assert file_name(StoreImage(8, "https://shop/", "", ""), "image/png") == "woocommerce-image-8.png"


# The download --------------------------------------------------------------------------------------


def test_download_streams_and_refuses_big_files_and_other_types(fake_store):
	image = fake_store.add_media(PNG, "shirt.png")
	got = download_image(image["src"], 1024, allow)
	assert got.content == PNG and got.content_type == "image/png"
	with pytest.raises(ImageDownloadError) as big:
		download_image(image["src"], 10, allow)
	assert big.value.code == "too_large"
	page = fake_store.add_media(b"<html></html>", "page.html", content_type="text/html")
	with pytest.raises(ImageDownloadError) as html:
		download_image(page["src"], 1024, allow)
	assert html.value.code == "not_image"
	with pytest.raises(ImageDownloadError) as missing:
		download_image(f"{fake_store.url}/wp-content/uploads/none.png", 1024, allow)
	assert missing.value.code == "status"


def test_download_asks_the_address_policy_first(fake_store):
	image = fake_store.add_media(PNG, "shirt.png")
	with pytest.raises(ImageDownloadError) as refused:
		download_image(image["src"], 1024, lambda url: "127.0.0.1 is private")
	assert refused.value.code == "refused"
	assert fake_store.request_count() == 0


# The fake store keeps images as WooCommerce does -----------------------------------------------------


def client(store):
	return WooCommerceClient(store.url, store.consumer_key, store.consumer_secret, max_retries=0)


def test_fake_store_sideloads_src_keeps_ids_and_orders(fake_store):
	first = fake_store.add_media(PNG, "front.png")
	with client(fake_store) as api:
		made = api.post("products", {"name": "Shirt", "images": [{"src": first["src"], "name": "Front"}]})
		assert [i["name"] for i in made["images"]] == ["Front"]
		assert made["images"][0]["id"] != first["id"]  # a new attachment, downloaded from the src
		assert set(made["images"][0]) == {
			"id",
			"date_created",
			"date_created_gmt",
			"date_modified",
			"date_modified_gmt",
			"src",
			"name",
			"alt",
		}
		kept = made["images"][0]["id"]
		again = api.put(f"products/{made['id']}", {"images": [{"id": first["id"]}, {"id": kept}]})
		assert [i["id"] for i in again["images"]] == [first["id"], kept]
		assert download_image(again["images"][1]["src"], 1024, allow).content == PNG


def test_fake_store_refuses_an_unreachable_src_and_makes_nothing(fake_store):
	fake_store.unreachable_images.add("https://erp.example/files/gone.png")
	before = len(fake_store.products)
	with client(fake_store) as api:
		with pytest.raises(WooCommerceError) as refused:
			api.post("products", {"name": "X", "images": [{"src": "https://erp.example/files/gone.png"}]})
		assert refused.value.code == "woocommerce_product_image_upload_error"
		with pytest.raises(WooCommerceError) as invalid:
			api.put("products/10", {"images": [{"id": 999999}]})
		assert invalid.value.code == "woocommerce_product_invalid_image_id"
	assert len(fake_store.products) == before


def test_site_files_reads_only_public_files(tmp_path):
	(tmp_path / "files").mkdir()
	(tmp_path / "files" / "a.png").write_bytes(PNG)
	(tmp_path / "secret.txt").write_text("no")
	fetch = site_files(str(tmp_path))
	assert fetch("https://erp.example/files/a.png") == (PNG, "image/png")
	assert fetch("https://erp.example/files/../secret.txt") is None
	assert fetch("https://erp.example/private/files/a.png") is None
	assert fetch("https://erp.example/files/none.png") is None


def test_fake_store_variation_image(fake_store):
	image = fake_store.add_media(PNG, "m.png")
	with client(fake_store) as api:
		variation = api.put("products/11/variations/12", {"image": {"id": image["id"]}})
		assert variation["image"]["id"] == image["id"]
		answer = api.batch("products/11/variations", update=[{"id": 13, "image": {"src": image["src"]}}])
		assert answer["update"][0]["image"]["src"].endswith("m-1.png")
