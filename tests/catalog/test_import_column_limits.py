"""Values longer than their database column are row errors (or cut), never a failed import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import services
from catalog.formats import parse_catalog
from catalog.models import ImportStatus, Product, ProductImage
from tests.conftest import Actor

pytestmark = pytest.mark.django_db

LONG_BRAND = "B" * 121  # Product.brand holds 120
LONG_URL = "https://cdn.example.com/" + "p" * 2030 + ".jpg"  # ProductImage.source holds 2048
LONG_ALT = "Alt " * 200  # ProductImage.alt holds 512
CSV = (
    "sku,title,brand,price,currency,image_urls,image_alt\r\n"
    f"A-1,Alpha,{LONG_BRAND},10.00,USD,,\r\n"
    f"B-2,Beta,Acme,10.00,USD,{LONG_URL},\r\n"
    "C-3,Gamma,Acme,10.00,USD,https://cdn.example.com/c.jpg,\r\n"
)
SHOPIFY = (
    "Handle,Title,Vendor,Variant Price,Image Src,Image Position,Image Alt Text\n"
    f"lamp,Lamp,Acme,10.00,https://cdn.example.com/lamp.jpg,1,{LONG_ALT}\n"
)


def test_a_brand_or_image_url_longer_than_its_column_is_a_row_error():
    result = parse_catalog(CSV.encode(), format="csv")

    assert [record.sku for record in result.records] == ["C-3"]
    assert [(error.row_number, error.column) for error in result.errors] == [
        (2, "brand"),
        (3, "image_urls"),
    ]
    assert "longer than 120" in result.errors[0].message
    assert "longer than 2048" in result.errors[1].message


def test_a_long_alt_text_is_cut_to_its_column():
    (record,) = parse_catalog(SHOPIFY.encode(), format="shopify").records

    assert record.image_refs[0].alt == LONG_ALT.strip()[:512]


def test_such_a_file_imports_its_valid_rows(alice: Actor):
    for name, content in (("ours.csv", CSV), ("products_export.csv", SHOPIFY)):
        job = services.import_create(
            store=alice.store, upload=SimpleUploadedFile(name, content.encode())
        )
        finished = services.import_run(job_id=job.pk)
        assert finished is not None
        assert finished.status == ImportStatus.SUCCEEDED, finished.error_message

    assert sorted(Product.objects.filter(store=alice.store).values_list("sku", flat=True)) == [
        "C-3",
        "lamp",
    ]
    assert len(ProductImage.objects.get(product__sku="lamp").alt) == 512
