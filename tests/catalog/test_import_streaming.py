"""PostgreSQL imports stream rows through staging tables: the same rows as products_apply."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction

from catalog import bulk, services
from catalog.formats import parse_catalog, parser
from catalog.formats.validation import RecordBuilder
from catalog.models import (
    ImportJob,
    ImportPolicy,
    ImportStatus,
    Product,
    ProductImage,
    ProductVariant,
)
from shop_ai.models import Store
from tests.conftest import Actor

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the streaming path is PostgreSQL's"
    ),
]

HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Option2 Name,Option2 Value,Variant SKU,Variant Price,Variant Compare At Price,"
    "Variant Inventory Qty,Image Src,Image Position,Image Alt Text,Status\n"
)
# Multi-variant products with images, a single "Default Title" product, a row that fails
# validation, and values COPY must escape (backslash, tab, line breaks, quotes, non-ASCII).
FIRST = HEADER + (
    'linen-shirt,Linen shirt,"<p>Breathable <b>linen</b>.</p>\n<p>Back\\slash</p>",Acme,'
    'Shirts,"summer, linen",TRUE,Size,S,Color,Sand,SHIRT-S,39.00,49.00,4,'
    "https://cdn.example.com/shirt.jpg,1,Front,active\n"
    "linen-shirt,,,,,,,,M,,Sand,SHIRT-M,39.00,49.00,6,https://cdn.example.com/shirt-back.jpg,2,"
    "Back,\n"
    "linen-shirt,,,,,,,,L,,Sand,SHIRT-L,41.00,,,,,,\n"
    "wool-hat,Wool hat,Warm.\tCosy.,Acme,Hats,winter,TRUE,Title,Default Title,,,HAT-1,19.50,,"
    "10,https://cdn.example.com/hat.jpg,,,active\n"
    'steel-mug,"Mug ""Classic"" \\ 保温杯",<h2>Care</h2><ul><li>Hand wash</li></ul>,Mugs & Co,'
    'Kitchen,"mugs, ""quoted"", back\\slash",FALSE,Colour,Blue,,,MUG-B,12.00,15.00,3,'
    'https://cdn.example.com/mug.jpg?v=1,1,"Blue ""mug""",draft\n'
    "steel-mug,,,,,,,,Red,,,MUG-R,12.00,,0,,,,\n"
    "broken-lamp,Lamp,,Acme,Lamps,,TRUE,Title,Default Title,,,LAMP-1,oops,,1,,,,active\n"
)
# The shirt gets a new price and loses an image for another; the hat only changes stock
# (written, though not part of its content hash); the mug is left out (imports never
# delete); a new product arrives.
SECOND = HEADER + (
    'linen-shirt,Linen shirt,"<p>Breathable <b>linen</b>.</p>\n<p>Back\\slash</p>",Acme,'
    'Shirts,"summer, linen",TRUE,Size,S,Color,Sand,SHIRT-S,35.00,49.00,4,'
    "https://cdn.example.com/shirt.jpg,1,Front again,active\n"
    "linen-shirt,,,,,,,,M,,Sand,SHIRT-M,39.00,49.00,6,https://cdn.example.com/shirt-side.jpg,2,"
    "Side,\n"
    "wool-hat,Wool hat,Warm.\tCosy.,Acme,Hats,winter,TRUE,Title,Default Title,,,HAT-1,19.50,,"
    "25,https://cdn.example.com/hat.jpg,,,active\n"
    "desk-lamp,Desk lamp,<p>Bright.</p>,Acme,Lamps,,TRUE,Title,Default Title,,,LAMP-2,30.00,,"
    "2,,,,active\n"
)


def _import(actor: Actor, content: str, **kwargs: Any) -> ImportJob:
    upload = SimpleUploadedFile("products_export.csv", content.encode())
    job = services.import_create(store=actor.store, upload=upload, **kwargs)
    finished = services.import_run(job_id=job.pk)
    assert finished is not None
    return finished


def _apply_portably(store: Store, content: str) -> services.ApplyCounts:
    """The portable path (the one SQLite takes) on the same file, for comparison."""
    with transaction.atomic():
        return services.products_apply(store=store, records=parse_catalog(content.encode()).records)


def _catalog(store: Store) -> list[dict[str, Any]]:
    """Everything an import writes for a store, without ids, timestamps and the job."""
    products = []
    for product in Product.objects.filter(store=store).order_by("sku"):
        row = {field: getattr(product, field) for field in ("sku", *bulk.PRODUCT_FIELDS)}
        row["variants"] = list(
            ProductVariant.objects.filter(product=product)
            .order_by("position", "sku")
            .values("sku", "title", "options", "price", "compare_at_price", "stock", "position")
        )
        row["images"] = sorted(
            ProductImage.objects.filter(product=product).values_list(
                "source", "position", "alt", "status", "error", "sha256", "width"
            )
        )
        products.append(row)
    return products


@pytest.fixture(
    params=[bulk.CHUNK_PRODUCTS, 1], ids=["one-chunk", "chunk-per-product-batches-of-two"]
)
def chunk_size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The whole file in one chunk (and one parse batch), or a chunk per product with the
    parse handing products over two at a time."""
    monkeypatch.setattr(bulk, "CHUNK_PRODUCTS", request.param)
    if request.param == 1:
        monkeypatch.setattr(parser, "BATCH_ITEMS", 2)
    return int(request.param)


@pytest.fixture(params=[True, False], ids=["fk-triggers-skipped", "fk-triggers-on"])
def fk_triggers_skipped(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both ways the writer runs: as a role that may skip foreign-key triggers (the test
    database's superuser) and as one that may not (foreign keys checked per statement)."""
    if not request.param:
        monkeypatch.setattr(bulk, "_may_skip_triggers", lambda cursor: False)
    return bool(request.param)


def test_streamed_import_writes_what_products_apply_writes(
    alice: Actor, bob: Actor, chunk_size: int, fk_triggers_skipped: bool
):
    job = _import(alice, FIRST)
    counts = _apply_portably(bob.store, FIRST)

    assert job.status == ImportStatus.SUCCEEDED, job.error_message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    assert (counts.created, counts.updated, counts.unchanged) == (3, 0, 0)
    assert job.rejected_count == 1
    assert list(job.row_errors.values_list("row_number", "column")) == [(8, "Variant Price")]
    assert _catalog(alice.store) == _catalog(bob.store)
    mug = Product.objects.get(store=alice.store, sku="steel-mug")
    assert mug.title == 'Mug "Classic" \\ 保温杯'
    assert mug.tags == ["mugs", '"quoted"', "back\\slash"]
    assert (
        "Back\\slash" in Product.objects.get(store=alice.store, sku="linen-shirt").description_html
    )
    assert set(
        ProductImage.objects.filter(store=alice.store).values_list("import_job", flat=True)
    ) == {job.pk}


def test_a_changed_file_updates_like_products_apply(
    alice: Actor, bob: Actor, chunk_size: int, fk_triggers_skipped: bool
):
    _import(alice, FIRST)
    _apply_portably(bob.store, FIRST)
    kept_image = ProductImage.objects.get(store=alice.store, source__endswith="/shirt.jpg").pk
    hat_content = Product.objects.get(store=alice.store, sku="wool-hat").content_hash

    job = _import(alice, SECOND)
    counts = _apply_portably(bob.store, SECOND)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 2, 0)
    assert (counts.created, counts.updated, counts.unchanged) == (1, 2, 0)
    assert _catalog(alice.store) == _catalog(bob.store)
    shirt = Product.objects.get(store=alice.store, sku="linen-shirt")
    assert shirt.price == 35
    assert sorted(shirt.variants.values_list("sku", flat=True)) == ["SHIRT-M", "SHIRT-S"]
    # An image whose source stays is kept as it was (already fetched); the dropped one goes.
    assert ProductImage.objects.filter(pk=kept_image, alt="Front").exists()
    assert not ProductImage.objects.filter(source__endswith="/shirt-back.jpg").exists()
    # The hat's stock change is written, but it is not a content change: its generated
    # content does not go stale.
    hat = Product.objects.get(store=alice.store, sku="wool-hat")
    assert (hat.stock, hat.content_hash) == (25, hat_content)


def test_reimporting_the_same_file_writes_no_row(alice: Actor, chunk_size: int):
    _import(alice, FIRST)
    before = {
        "products": set(Product.objects.filter(store=alice.store).values_list("pk", "updated_at")),
        "variants": set(ProductVariant.objects.filter(store=alice.store).values_list("pk")),
        "images": set(ProductImage.objects.filter(store=alice.store).values_list("pk")),
    }

    again = _import(alice, FIRST)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert before == {
        "products": set(Product.objects.filter(store=alice.store).values_list("pk", "updated_at")),
        "variants": set(ProductVariant.objects.filter(store=alice.store).values_list("pk")),
        "images": set(ProductImage.objects.filter(store=alice.store).values_list("pk")),
    }


def test_a_reimport_counts_products_from_unchanged_rows_without_checking_them(
    alice: Actor, monkeypatch: pytest.MonkeyPatch
):
    _import(alice, SECOND)

    def no_checks(self: RecordBuilder, draft: object) -> None:
        raise AssertionError("a product from unchanged rows was checked")

    monkeypatch.setattr(RecordBuilder, "build", no_checks)
    again = _import(alice, SECOND)

    assert again.status == ImportStatus.SUCCEEDED, again.error_message
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)


def test_a_product_edited_since_its_import_is_rewritten_from_the_file(alice: Actor):
    _import(alice, SECOND)
    hat = Product.objects.get(store=alice.store, sku="wool-hat")
    services.products_upsert_json(
        store=alice.store,
        items=[{"sku": "wool-hat", "title": "Renamed hat", "price": "5.00"}],
    )
    assert Product.objects.get(pk=hat.pk).source_digest == ""

    again = _import(alice, SECOND)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 1, 2)
    hat.refresh_from_db()
    assert (hat.title, hat.price) == ("Wool hat", Decimal("19.50"))
    assert hat.source_digest  # stored again: the next re-import may skip it


def test_all_or_nothing_rolls_back_chunks_already_written(alice: Actor, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_PRODUCTS", 1)
    monkeypatch.setattr(parser, "BATCH_ITEMS", 2)
    # The invalid product comes last, after every valid one has been sent to the database.
    job = _import(alice, FIRST, policy=ImportPolicy.ALL_OR_NOTHING)

    assert job.status == ImportStatus.REJECTED
    assert job.error_code == "invalid_rows"
    assert job.row_errors.count() == 1
    assert not Product.objects.filter(store=alice.store).exists()
    assert not ProductImage.objects.filter(store=alice.store).exists()


def test_a_cancel_seen_between_chunks_rolls_the_import_back(alice: Actor, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_PRODUCTS", 1)
    job = services.import_create(
        store=alice.store, upload=SimpleUploadedFile("export.csv", FIRST.encode())
    )
    write = bulk.CatalogWriter._write

    def write_then_cancel(writer: bulk.CatalogWriter, cursor: Any, chunk: Any) -> None:
        write(writer, cursor, chunk)
        # The seller presses cancel while the first chunk is being written.
        cursor.execute(
            "UPDATE catalog_importjob SET cancel_requested = true WHERE id = %s", [job.pk]
        )

    monkeypatch.setattr(bulk.CatalogWriter, "_write", write_then_cancel)
    finished = services.import_run(job_id=job.pk)

    assert finished is not None
    assert finished.status == ImportStatus.CANCELLED
    assert not Product.objects.filter(store=alice.store).exists()


def test_a_file_rejected_midway_writes_nothing(alice: Actor, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_PRODUCTS", 10)
    # A feed whose XML breaks after a few hundred good items (read and written in chunks).
    items = "".join(
        f"<item><g:id>SKU-{n}</g:id><g:title>Item {n}</g:title><g:price>9.99 USD</g:price></item>"
        for n in range(300)
    )
    feed = (
        '<?xml version="1.0"?><rss xmlns:g="http://base.google.com/ns/1.0" version="2.0">'
        f"<channel>{items}<item><g:id>broken</g:title></item></channel></rss>"
    )
    upload = SimpleUploadedFile("feed.xml", feed.encode())
    job = services.import_create(store=alice.store, upload=upload)
    writes: list[int] = []
    write = bulk.CatalogWriter._write

    def counting_write(writer: bulk.CatalogWriter, cursor: Any, chunk: Any) -> None:
        writes.append(len(chunk))
        write(writer, cursor, chunk)

    monkeypatch.setattr(bulk.CatalogWriter, "_write", counting_write)
    finished = services.import_run(job_id=job.pk)

    assert finished is not None
    assert finished.status == ImportStatus.REJECTED
    assert finished.error_code == "malformed"
    assert sum(writes) > 0  # products had reached the database before the break
    assert not Product.objects.filter(store=alice.store).exists()


def test_the_staging_tables_are_gone_after_an_import(alice: Actor):
    _import(alice, FIRST)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_import\\_%%'")
        assert cursor.fetchone()[0] == 0


def test_a_database_error_in_the_writer_fails_the_import_and_writes_nothing(
    alice: Actor, monkeypatch
):
    monkeypatch.setattr(bulk, "CHUNK_PRODUCTS", 1)
    # A statement the database refuses, as a constraint or a lost connection would be.
    monkeypatch.setattr(bulk, "_COPY_NEW_IMAGES", "COPY catalog_productimage (no_such) FROM STDIN")
    job = services.import_create(
        store=alice.store, upload=SimpleUploadedFile("export.csv", FIRST.encode())
    )

    with pytest.raises(DatabaseError):
        services.import_run(job_id=job.pk)

    assert not Product.objects.filter(store=alice.store).exists()
    # The task marks the job failed (ImportTask.on_failure); nothing of it was committed.
    assert ImportJob.objects.get(pk=job.pk).status != ImportStatus.SUCCEEDED
