"""Products over REST: create, read, filter, patch, delete, bulk upsert and CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from catalog.models import Product
from catalog.outputs import PRODUCT_COLUMNS, ProductSerializer, product_outputs
from catalog.selectors import product_rows, with_children
from tests.conftest import Actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db

LAMP = {
    "sku": "LAMP-1",
    "title": "Brass desk lamp",
    "description": "<p>Warm light.<script>alert(1)</script></p>",
    "brand": "Lumen",
    "category": "Home > Lighting",
    "price": "49.00",
    "currency": "USD",
    "compare_at_price": "59.00",
    "stock": 12,
    "tags": ["desk", "brass"],
    "attributes": {"material": "brass"},
    "variants": [
        {
            "sku": "LAMP-1-S",
            "title": "Small",
            "options": {"Size": "S"},
            "price": "49.00",
            "stock": 5,
        },
        {
            "sku": "LAMP-1-L",
            "title": "Large",
            "options": {"Size": "L"},
            "price": "69.00",
            "stock": 7,
        },
    ],
}


def test_create_then_read_a_product_with_variants(alice: Actor):
    client = alice.client()
    created = client.post("/api/v1/products/", LAMP, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sku"] == "LAMP-1"
    assert "<script>" not in body["description_html"]
    assert body["description_text"].startswith("Warm light.")
    assert [v["sku"] for v in body["variants"]] == ["LAMP-1-S", "LAMP-1-L"]
    assert client.get(f"/api/v1/products/{body['id']}/").json()["title"] == "Brass desk lamp"


def test_creating_an_existing_sku_is_a_conflict(alice: Actor):
    alice.client().post("/api/v1/products/", LAMP, format="json")
    again = alice.client().post("/api/v1/products/", LAMP, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "sku_taken"


def test_invalid_product_is_refused_with_field_details_and_nothing_saved(alice: Actor):
    response = alice.client().post(
        "/api/v1/products/", {"sku": "NEG-1", "title": "Negative", "price": "-3.00"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not Product.objects.filter(store=alice.store).exists()


def test_patch_changes_a_field_and_the_content_hash(alice: Actor):
    client = alice.client()
    product = client.post("/api/v1/products/", LAMP, format="json").json()
    patched = client.patch(
        f"/api/v1/products/{product['id']}/", {"title": "Brass lamp, large shade"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Brass lamp, large shade"
    assert patched.json()["price"] == "49.00"  # with variants, the cheapest variant's price
    assert patched.json()["content_hash"] != product["content_hash"]
    assert [v["sku"] for v in patched.json()["variants"]] == ["LAMP-1-S", "LAMP-1-L"]


def test_delete_removes_the_product(alice: Actor):
    client = alice.client()
    product = client.post("/api/v1/products/", LAMP, format="json").json()
    assert client.delete(f"/api/v1/products/{product['id']}/").status_code == 204
    assert client.get(f"/api/v1/products/{product['id']}/").status_code == 404


def test_bulk_upsert_counts_created_updated_unchanged(alice: Actor):
    client = alice.client()
    items = [{"sku": f"SKU-{n}", "title": f"Item {n}", "price": "10.00"} for n in range(3)]
    first = client.post("/api/v1/products/bulk/", {"products": items}, format="json")
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    items[0]["title"] = "Item zero, renamed"
    second = client.post("/api/v1/products/bulk/", {"products": items}, format="json")
    assert second.json() == {"created": 0, "updated": 1, "unchanged": 2}


def test_bulk_with_one_bad_item_saves_nothing(alice: Actor):
    items = [
        {"sku": "OK-1", "title": "Fine", "price": "10.00"},
        {"sku": "BAD-1", "title": "Broken", "price": "ten dollars"},
    ]
    response = alice.client().post("/api/v1/products/bulk/", {"products": items}, format="json")
    assert response.status_code == 400
    assert not Product.objects.filter(store=alice.store).exists()


def test_bulk_over_the_limit_is_refused(alice: Actor):
    items = [{"sku": f"S{n}", "title": "t", "price": "1.00"} for n in range(1001)]
    response = alice.client().post("/api/v1/products/bulk/", {"products": items}, format="json")
    assert response.status_code == 400


def test_filters_and_search(alice: Actor):
    client = alice.client()
    client.post("/api/v1/products/", LAMP, format="json")
    client.post(
        "/api/v1/products/",
        {
            "sku": "MUG-1",
            "title": "Stoneware mug",
            "price": "12.00",
            "stock": 0,
            "category": "Kitchen",
            "tags": ["kitchen"],
        },
        format="json",
    )

    def skus(query: str) -> list[str]:
        return [p["sku"] for p in client.get(f"/api/v1/products/?{query}").json()["results"]]

    assert skus("q=mug") == ["MUG-1"]
    assert skus("category=Home") == ["LAMP-1"]
    assert skus("brand=lumen") == ["LAMP-1"]
    assert skus("tag=kitchen") == ["MUG-1"]
    assert skus("in_stock=false") == ["MUG-1"]
    assert skus("ordering=price") == ["MUG-1", "LAMP-1"]


def test_list_uses_a_fixed_number_of_queries(alice: Actor, django_assert_max_num_queries):
    client = alice.client()
    items = [
        {
            "sku": f"SKU-{n}",
            "title": f"Item {n}",
            "price": "10.00",
            "variants": [{"sku": f"SKU-{n}-A", "price": "10.00"}],
        }
        for n in range(20)
    ]
    client.post("/api/v1/products/bulk/", {"products": items}, format="json")
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/products/").json()["results"]) == 20


def test_export_neutralises_formula_cells(alice: Actor):
    alice.client().post(
        "/api/v1/products/",
        {"sku": "EVIL-1", "title": '=HYPERLINK("http://x")', "price": "1.00"},
        format="json",
    )
    response = alice.client().get("/api/v1/products/export.csv")
    assert response.status_code == 200
    exported = response.getvalue()
    rows = list(csv.reader(io.StringIO(exported.decode())))
    assert rows[0][:2] == ["sku", "title"]
    assert rows[1][1].startswith("'=")


def test_the_export_imports_back_unchanged(alice: Actor, bob: Actor):
    from catalog.formats import parse_catalog
    from catalog.services import products_apply

    alice.client().post("/api/v1/products/", LAMP, format="json")
    exported = alice.client().get("/api/v1/products/export.csv").getvalue()
    result = parse_catalog(exported, format="csv")
    assert result.errors == []
    counts = products_apply(store=alice.store, records=result.records)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1)


def test_the_direct_product_representation_matches_drfs_generic_one(alice: Actor):
    with_photo = make_product(alice.store, "REP-1", variants=[
        {"sku": "REP-1-S", "title": "Small", "options": {"Size": "S"}, "price": "9.50",
         "compare_at_price": "12.00", "stock": 3},
        {"sku": "REP-1-L", "title": "Large", "options": {"Size": "L"}, "price": "11.00"},
    ])  # fmt: skip
    bare = make_product(alice.store, "REP-2", photo=False, compare_at_price=None, stock=None)

    products = Product.objects.filter(pk__in=[with_photo.pk, bare.pk]).order_by("sku")
    representations = []
    for product in products.prefetch_related("variants", "images"):
        serializer = ProductSerializer()
        generic = super(ProductSerializer, serializer).to_representation(product)
        assert serializer.to_representation(product) == generic
        representations.append(generic)

    assert product_outputs(with_children(list(products.values(*PRODUCT_COLUMNS)))) == (
        representations
    )
    # The rows the views read: on PostgreSQL, children come as JSON with each product.
    assert product_outputs(with_children(list(product_rows(products)))) == representations
    client = alice.client()
    assert client.get("/api/v1/products/?ordering=title").json()["results"] == representations
    assert [client.get(f"/api/v1/products/{p['id']}/").json() for p in representations] == (
        representations
    )

    photo, plain = representations
    assert len(photo["variants"]) == 2
    assert photo["images"][0]["url"]
    assert (plain["compare_at_price"], plain["stock"], plain["images"]) == (None, None, [])
