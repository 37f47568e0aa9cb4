"""Catalog imports end to end: upload, parse, upsert, report, reject, cancel, images."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from catalog import services
from catalog.models import (
    ImageStatus,
    ImportJob,
    ImportPolicy,
    ImportStatus,
    Product,
    ProductImage,
    ProductVariant,
)
from tests.conftest import Actor

pytestmark = pytest.mark.django_db

SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Variant SKU,Variant Price,Variant Compare At Price,Variant Inventory Qty,Image Src,"
    "Image Position,Image Alt Text,Status\r\n"
    'linen-shirt,Linen shirt,<p>Breathable <b>linen</b>.</p>,Acme,Shirts,"summer, linen",TRUE,'
    "Size,S,SHIRT-S,39.00,49.00,4,https://cdn.example.com/shirt.jpg,1,Front,active\r\n"
    "linen-shirt,,,,,,,,M,SHIRT-M,39.00,49.00,6,https://cdn.example.com/shirt-back.jpg,2,Back,\r\n"
    "wool-hat,Wool hat,<p>Warm.</p>,Acme,Hats,winter,TRUE,Title,Default Title,HAT-1,19.50,,"
    "10,,,,active\r\n"
)

OUR_CSV = "sku,title,price,currency,stock\r\nA-1,Alpha,10.00,USD,3\r\nB-2,Beta,oops,USD,1\r\n"


def _upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


def _import(actor: Actor, name: str, content: bytes | str, **kwargs) -> ImportJob:
    job = services.import_create(store=actor.store, upload=_upload(name, content), **kwargs)
    finished = services.import_run(job_id=job.pk)
    assert finished is not None
    return finished


def test_a_shopify_export_lands_with_variants_and_images(alice: Actor):
    job = _import(alice, "products_export.csv", SHOPIFY)
    assert job.status == ImportStatus.SUCCEEDED, job.error_message
    assert job.detected_format == "shopify_csv"
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    shirt = Product.objects.get(store=alice.store, sku="linen-shirt")
    assert shirt.price == 39
    assert shirt.stock == 10
    assert "<b>linen</b>" in shirt.description_html
    assert shirt.description_text.startswith("Breathable linen")
    assert sorted(ProductVariant.objects.filter(product=shirt).values_list("sku", flat=True)) == [
        "SHIRT-M",
        "SHIRT-S",
    ]
    assert ProductImage.objects.filter(product=shirt, status=ImageStatus.PENDING).count() == 2


def test_reimporting_the_same_file_writes_nothing(alice: Actor):
    _import(alice, "products_export.csv", SHOPIFY)
    before = dict(Product.objects.filter(store=alice.store).values_list("sku", "updated_at"))
    again = _import(alice, "products_export.csv", SHOPIFY)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    after = dict(Product.objects.filter(store=alice.store).values_list("sku", "updated_at"))
    assert before == after


def test_a_changed_row_updates_only_that_product_and_its_hash(alice: Actor):
    _import(alice, "products_export.csv", SHOPIFY)
    old_hash = Product.objects.get(store=alice.store, sku="wool-hat").content_hash
    job = _import(alice, "products_export.csv", SHOPIFY.replace("HAT-1,19.50", "HAT-1,17.50"))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    hat = Product.objects.get(store=alice.store, sku="wool-hat")
    assert hat.price == 17.5
    assert hat.content_hash != old_hash


def test_skip_invalid_lands_valid_rows_and_reports_the_rest(alice: Actor):
    job = _import(alice, "ours.csv", OUR_CSV)
    assert job.status == ImportStatus.SUCCEEDED
    assert (job.created_count, job.rejected_count) == (1, 1)
    error = job.row_errors.get()
    assert (error.row_number, error.column, error.value) == (3, "price", "oops")


def test_all_or_nothing_writes_nothing_when_a_row_is_invalid(alice: Actor):
    job = _import(alice, "ours.csv", OUR_CSV, policy=ImportPolicy.ALL_OR_NOTHING)
    assert job.status == ImportStatus.REJECTED
    assert job.error_code == "invalid_rows"
    assert not Product.objects.filter(store=alice.store).exists()
    assert job.row_errors.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "codes"),
    [
        (
            "feed.xml",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>&x;</g:id>'
            "</item></channel></rss>",
            {"xml_forbidden"},
        ),
        ("garbage.csv", bytes(range(256)) * 64, {"binary_file", "bad_encoding"}),
    ],
)
def test_hostile_files_are_rejected_and_write_nothing(alice: Actor, name, content, codes):
    job = _import(alice, name, content)
    assert job.status == ImportStatus.REJECTED
    assert job.error_code in codes
    assert not Product.objects.filter(store=alice.store).exists()


def test_a_cancelled_import_does_not_run(alice: Actor):
    job = services.import_create(store=alice.store, upload=_upload("ours.csv", OUR_CSV))
    services.import_cancel(job=job)
    finished = services.import_run(job_id=job.pk)
    assert finished is not None
    assert finished.status == ImportStatus.CANCELLED
    assert not Product.objects.filter(store=alice.store).exists()


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_zip_with_images_makes_checked_images_and_thumbnails(alice: Actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "catalog.csv",
            "sku,title,price,image_urls\r\n"
            "P-1,Red cup,5.00,images/red.png\r\n"
            "P-2,Fake cup,6.00,images/fake.png\r\n",
        )
        zf.writestr("images/red.png", _png("red"))
        zf.writestr("images/fake.png", b"this is not a png")
    job = _import(alice, "catalog.zip", archive.getvalue())
    assert job.status == ImportStatus.SUCCEEDED, job.error_message
    from catalog.tasks import process_images

    process_images(job.pk)
    red = ProductImage.objects.get(product__sku="P-1")
    fake = ProductImage.objects.get(product__sku="P-2")
    assert red.status == ImageStatus.READY
    assert (red.width, red.height) == (64, 48)
    assert Image.open(red.thumbnail.path).size[0] <= 400
    assert fake.status == ImageStatus.FAILED
    assert fake.error.startswith("not_an_image")


def test_import_over_the_api_runs_through_the_task_and_reports(
    alice: Actor, django_capture_on_commit_callbacks
):
    client = alice.client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports/", {"file": _upload("ours.csv", OUR_CSV)}, format="multipart"
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    job = client.get(f"/api/v1/imports/{job_id}/").json()
    assert job["status"] == "succeeded"
    assert (job["created_count"], job["rejected_count"]) == (1, 1)
    errors = client.get(f"/api/v1/imports/{job_id}/errors/").json()["results"]
    assert errors[0]["column"] == "price"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.csv",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://[::1]/feed.xml",
        "http://2130706433/",
    ],
)
def test_import_urls_to_internal_addresses_are_refused_before_any_job(alice: Actor, url: str):
    response = alice.client().post("/api/v1/imports/", {"source_url": url}, format="json")
    assert response.status_code == 400
    assert not ImportJob.objects.filter(store=alice.store).exists()


def test_a_file_and_a_url_together_are_refused(alice: Actor):
    response = alice.client().post(
        "/api/v1/imports/",
        {"file": _upload("ours.csv", OUR_CSV), "source_url": "https://example.com/f.csv"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "one_source"


def test_cancelling_a_finished_import_is_a_conflict(alice: Actor):
    job = _import(alice, "ours.csv", OUR_CSV)
    response = alice.client().post(f"/api/v1/imports/{job.pk}/cancel/")
    assert response.status_code == 409


def test_import_catalog_command_prints_a_json_summary(alice: Actor, tmp_path):
    path = tmp_path / "ours.csv"
    path.write_text(OUR_CSV)
    out = io.StringIO()
    call_command("import_catalog", str(path), "--store", alice.store.slug, "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["status"], summary["created"], summary["rejected"]) == ("succeeded", 1, 1)
    assert summary["errors"][0]["column"] == "price"


def test_a_reimport_that_changes_only_stock_updates_it_and_leaves_content_fresh(alice: Actor):
    first = _import(alice, "products_export.csv", SHOPIFY)
    shirt = Product.objects.get(store=alice.store, sku="linen-shirt")
    # A feed re-exported after sales: the small shirt sold out, nothing else changed.
    again = _import(alice, "products_export.csv", SHOPIFY.replace(",4,https", ",0,https"))

    assert first.status == again.status == ImportStatus.SUCCEEDED
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 1)
    restocked = Product.objects.get(pk=shirt.pk)
    assert ProductVariant.objects.get(product=shirt, sku="SHIRT-S").stock == 0
    assert restocked.stock == 6
    # What generation depends on did not change, so the shirt's content is not stale.
    assert restocked.content_hash == shirt.content_hash


def test_patching_only_stock_over_the_api_updates_it(alice: Actor):
    client = alice.client()
    product = client.post(
        "/api/v1/products/", {"sku": "S-1", "title": "Mug", "price": "5.00", "stock": 3},
        format="json",
    ).json()  # fmt: skip

    patched = client.patch(f"/api/v1/products/{product['id']}/", {"stock": 0}, format="json")

    assert patched.json()["stock"] == 0
    assert patched.json()["content_hash"] == product["content_hash"]
