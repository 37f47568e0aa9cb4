"""Catalog pages in the portal: list with filters, product page, import with progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog import services
from catalog.models import ImportJob, Product
from shop_ai.models import Role
from tests.conftest import Actor
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _seed(actor: Actor) -> None:
    services.products_upsert_json(
        store=actor.store,
        items=[
            {"sku": "MUG-1", "title": "Stoneware mug", "price": "12.00", "stock": 0},
            {"sku": "LAMP-1", "title": "Brass lamp", "price": "49.00", "brand": "Lumen"},
        ],
    )


def test_product_list_shows_the_stores_products_and_filters(alice: Actor, bob: Actor):
    _seed(alice)
    services.products_upsert_json(
        store=bob.store, items=[{"sku": "BOB-1", "title": "Bob's secret", "price": "1.00"}]
    )
    client = _signed_in(alice.owner)
    page = client.get("/catalog/").content.decode()
    assert "Stoneware mug" in page
    assert "Brass lamp" in page
    assert "Bob&#x27;s secret" not in page
    sold_out = client.get("/catalog/?stock=out", HTTP_HX_REQUEST="true").content.decode()
    assert "Stoneware mug" in sold_out
    assert "Brass lamp" not in sold_out


def test_product_page_and_another_stores_product(alice: Actor, bob: Actor):
    _seed(alice)
    product = Product.objects.get(store=alice.store, sku="LAMP-1")
    assert b"Lumen" in _signed_in(alice.owner).get(f"/catalog/products/{product.pk}/").content
    assert _signed_in(bob.owner).get(f"/catalog/products/{product.pk}/").status_code == 404


def test_uploading_in_the_portal_starts_an_import_and_shows_its_status(
    alice: Actor, django_capture_on_commit_callbacks
):
    client = _signed_in(alice.owner)
    upload = SimpleUploadedFile("ours.csv", b"sku,title,price\r\nA-1,Alpha,10.00\r\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/catalog/imports/", {"file": upload, "policy": "skip_invalid"})
    job = ImportJob.objects.get(store=alice.store)
    assert response.status_code == 302
    assert response["Location"] == f"/catalog/imports/{job.pk}/"
    status = client.get(f"/catalog/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Done" in status
    assert "hx-trigger" not in status  # finished: the page stops polling


def test_viewers_cannot_import(alice: Actor):
    viewer = member_of(alice.store, Role.VIEWER)
    assert _signed_in(viewer).get("/catalog/imports/").status_code == 403


def test_another_stores_import_is_not_found(alice: Actor, bob: Actor):
    job = ImportJob.objects.create(store=alice.store, source_name="a.csv")
    client = _signed_in(bob.owner)
    assert client.get(f"/catalog/imports/{job.pk}/").status_code == 404
    assert client.get(f"/catalog/imports/{job.pk}/errors.csv").status_code == 404
    assert client.post(f"/catalog/imports/{job.pk}/cancel/").status_code == 404


def test_the_product_json_schema_is_served():
    schema = Client().get("/api/schemas/product.json").json()
    assert "sku" in schema["properties"]
