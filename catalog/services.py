"""Catalog services: start, run and cancel imports; upsert products; delete them."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog import bulk
from catalog.formats import (
    CatalogFileError,
    ImageRef,
    ParseResult,
    ProductRecord,
    VariantRecord,
    content_hash,
    import_hash,
    open_catalog,
    parse_catalog,
)
from catalog.formats.detection import normalize_format_name
from catalog.models import (
    ImageStatus,
    ImportJob,
    ImportPolicy,
    ImportRowError,
    ImportStatus,
    Product,
    ProductImage,
    ProductVariant,
)
from shop_ai.after_commit import broadcast_on_commit, enqueue_on_commit, store_group
from shop_ai.egress import FetchPolicy, FetchRefused, fetch_url, resolve_target
from shop_ai.errors import Conflict, DomainError
from shop_ai.models import Store

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_STORED_ROW_ERRORS = 10_000
SKU_LOOKUP_LIMIT = 2_000
# The names sellers pick from; the parser also accepts its exact format names.
IMPORT_FORMATS = ("shopify", "woocommerce", "google", "csv", "json", "jsonl", "zip")

PRODUCT_FIELDS = bulk.PRODUCT_FIELDS
VARIANT_FIELDS = (
    "store_id",
    "product_id",
    "sku",
    "title",
    "options",
    "price",
    "compare_at_price",
    "stock",
    "position",
)
IMAGE_FIELDS = ("store_id", "product_id", "source", "position", "alt", "status", "import_job_id")


@dataclass(frozen=True)
class ApplyCounts:
    created: int
    updated: int
    unchanged: int
    created_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()


# --- Imports ------------------------------------------------------------------------------


def import_create(
    *,
    store: Store,
    upload: UploadedFile | None = None,
    source_url: str = "",
    requested_format: str = "auto",
    policy: str = ImportPolicy.SKIP_INVALID,
    created_by: User | None = None,
) -> ImportJob:
    """Record an import and queue it. The file is kept so the job can run (and re-run) later."""
    if (upload is None) == (not source_url):
        raise DomainError("Send either a file or a source_url, not both.", code="one_source")
    if requested_format != "auto":
        try:
            normalize_format_name(requested_format)
        except CatalogFileError as exc:
            raise DomainError(
                str(exc), code="unknown_format", details={"formats": ["auto", *IMPORT_FORMATS]}
            ) from exc
    if upload is not None and upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
            code="file_too_large",
            status=413,
        )
    if source_url:
        try:
            resolve_target(source_url)
        except FetchRefused as exc:
            raise DomainError(exc.message, code=exc.code) from exc
    with transaction.atomic():
        job = ImportJob.objects.create(
            store=store,
            created_by=created_by,
            source_name=(upload.name or "upload") if upload else source_url[:255],
            source_url=source_url,
            requested_format=requested_format,
            policy=policy,
        )
        if upload is not None:
            job.file.save(f"{store.pk}/{job.pk}-{_safe_name(upload.name)}", upload, save=True)

        enqueue_on_commit("catalog.run_import", job.pk)
    return job


def import_cancel(*, job: ImportJob) -> ImportJob:
    if job.is_finished:
        raise Conflict("This import has already finished.", code="import_finished")
    ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def import_run(*, job_id: int) -> ImportJob | None:
    """Parse the job's file and apply its valid rows in one transaction.

    A file that is rejected (hostile, malformed, or invalid under ``all_or_nothing``) or
    an import cancelled before it commits writes nothing; the products of an accepted
    file land together or not at all. On PostgreSQL the rows are written while the file
    is parsed (``bulk.CatalogWriter``), inside that one transaction; elsewhere the whole
    file is checked first and then written with ``products_apply``.
    """
    job = ImportJob.objects.select_related("store").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job  # deleted, or a redelivered message for work already done
    if job.cancel_requested:
        return _finish(job, ImportStatus.CANCELLED)
    started = time.perf_counter()
    _set_status(job, ImportStatus.PARSING, started_at=timezone.now())
    try:
        if connection.vendor == "postgresql":
            return _import_streaming(job, started)
        result = _parse(job, _read_source(job))
    except CatalogFileError as exc:
        return _finish(job, ImportStatus.REJECTED, code=exc.code, message=str(exc), t0=started)
    except FetchRefused as exc:
        if exc.transient:
            raise
        return _finish(job, ImportStatus.REJECTED, code=exc.code, message=exc.message, t0=started)
    _store_row_errors(job, result)
    _note_parse(job, result)
    if job.policy == ImportPolicy.ALL_OR_NOTHING and result.errors:
        return _reject_invalid(job, result, started)
    if _cancel_requested(job):
        return _finish(job, ImportStatus.CANCELLED, t0=started)
    _set_status(job, ImportStatus.APPLYING)
    with transaction.atomic():
        counts = products_apply(store=job.store, records=result.records, job=job)
        _succeed(job, counts.created, counts.updated, counts.unchanged, started)
    return job


def _import_streaming(job: ImportJob, started: float) -> ImportJob:
    """import_run on PostgreSQL: check and write the file in one pass, in one transaction.

    Products whose stored content hash equals the new one are counted and skipped before
    anything is formatted for the database. Under ``all_or_nothing`` the first invalid
    row stops the writing (the rest is still checked for the report) and the transaction
    is rolled back; a cancel request seen between chunks rolls it back too.
    """
    data = _read_source(job)
    all_or_nothing = job.policy == ImportPolicy.ALL_OR_NOTHING
    cancel = _CancelWatch(job.pk)
    with transaction.atomic():
        _lock_store(job.store)
        existing, sources = bulk.product_hashes(job.store_id)
        # Products whose rows are those they were stored from are counted, not checked.
        stream = open_catalog(
            data,
            filename=job.source_name,
            format=None if job.requested_format == "auto" else job.requested_format,
            default_currency=job.store.currency,
            known_sources=sources,
        )
        # The stream reads the decoded text: the file's bytes, about as large, can go now.
        del data
        unchanged = 0
        with bulk.CatalogWriter(
            store_id=job.store_id, job_id=job.pk, on_chunk=cancel.check
        ) as writer:
            writing = True
            for records in stream.batches():
                if not writing:
                    continue  # nothing will be kept; the rest is still checked for the report
                if cancel.requested:
                    writing = False
                    break
                if all_or_nothing and stream.has_errors:
                    writing = False
                    continue
                # Each step over the whole batch, while it is in the caches (see batches()).
                for record, (digest, stored) in zip(records, _hashes(records), strict=True):
                    previous = existing.get(record.sku)
                    if previous == stored:
                        unchanged += 1
                    else:
                        writer.add(record, digest, stored, new=previous is None)
            del existing, sources
            unchanged += stream.unchanged
            created, updated = writer.finish() if writing else (0, 0)
        result = stream.result()
        _note_parse(job, result)
        discard = (all_or_nothing and bool(result.errors)) or cancel.requested
        if not discard and _cancel_requested(job):
            discard = cancel.requested = True
        if discard:
            transaction.set_rollback(True)
        else:
            _store_row_errors(job, result)
            _succeed(job, created, updated, unchanged, started)
    if cancel.requested:
        return _finish(job, ImportStatus.CANCELLED, t0=started)
    if discard:
        _store_row_errors(job, result)
        return _reject_invalid(job, result, started)
    return job


class _CancelWatch:
    """Reads the job's cancel flag between chunks (from the writer thread's cursor)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.requested = False

    def check(self, cursor: Any) -> None:
        cursor.execute(
            f"SELECT cancel_requested FROM {ImportJob._meta.db_table} WHERE id = %s",  # noqa: S608
            [self.job_id],
        )
        row = cursor.fetchone()
        self.requested = self.requested or bool(row and row[0])


def _parse(job: ImportJob, data: bytes) -> ParseResult:
    return parse_catalog(
        data,
        filename=job.source_name,
        format=None if job.requested_format == "auto" else job.requested_format,
        default_currency=job.store.currency,
    )


def _note_parse(job: ImportJob, result: ParseResult) -> None:
    job.detected_format = result.format
    job.rows_seen = result.counts.rows
    job.rejected_count = result.counts.rejected


def _cancel_requested(job: ImportJob) -> bool:
    return ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists()


def _reject_invalid(job: ImportJob, result: ParseResult, started: float) -> ImportJob:
    return _finish(
        job,
        ImportStatus.REJECTED,
        code="invalid_rows",
        message=f"{result.counts.errors} row errors; nothing was imported.",
        t0=started,
    )


def _succeed(job: ImportJob, created: int, updated: int, unchanged: int, started: float) -> None:
    """Record the counts and success, inside the transaction that wrote the products."""
    job.created_count, job.updated_count, job.unchanged_count = created, updated, unchanged
    _finish(job, ImportStatus.SUCCEEDED, t0=started)
    if ProductImage.objects.filter(import_job=job, status=ImageStatus.PENDING).exists():
        enqueue_on_commit("catalog.process_images", job.pk)


def _lock_store(store: Store) -> None:
    """Imports (and API upserts) of one store queue behind each other on its row."""
    Store.objects.select_for_update().filter(pk=store.pk).first()


def _read_source(job: ImportJob) -> bytes:
    if job.source_url:
        policy = FetchPolicy(max_bytes=MAX_UPLOAD_BYTES, require_image=False, total_timeout_s=60)
        return fetch_url(job.source_url, policy=policy).body
    with job.file.open("rb") as handle:
        data: bytes = handle.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise CatalogFileError("file_too_large", "The file is larger than the upload limit.")
    return data


def _store_row_errors(job: ImportJob, result: ParseResult) -> None:
    ImportRowError.objects.filter(job=job).delete()  # a re-run replaces the report
    ImportRowError.objects.bulk_create(
        [
            ImportRowError(
                job=job,
                row_number=error.row_number,
                column=error.column[:120],
                value=error.value[:120],
                message=error.message[:300],
                sku=error.sku[:64],
            )
            for error in result.errors[:MAX_STORED_ROW_ERRORS]
        ],
        batch_size=bulk.BATCH_SIZE,
    )


def _set_status(job: ImportJob, status: str, **fields: Any) -> None:
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", *fields])
    _announce(job)


def _finish(
    job: ImportJob, status: str, *, code: str = "", message: str = "", t0: float | None = None
) -> ImportJob:
    job.status = status
    job.error_code = code
    job.error_message = message[:500]
    job.finished_at = timezone.now()
    if t0 is not None:
        job.seconds = round(time.perf_counter() - t0, 3)
    job.save()
    _announce(job)
    return job


def _announce(job: ImportJob) -> None:
    event = {
        "type": "import.progress",
        "import_id": job.pk,
        "status": job.status,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "rejected": job.rejected_count,
    }
    broadcast_on_commit(store_group(job.store_id), {"type": "store.event", "event": event})


def _safe_name(name: str | None) -> str:
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in (name or "upload"))
    return cleaned[-80:] or "upload"


# --- Products -----------------------------------------------------------------------------


def products_apply(
    *, store: Store, records: Sequence[ProductRecord], job: ImportJob | None = None
) -> ApplyCounts:
    """Upsert ``records`` by SKU. Unchanged products (same import hash) write nothing.

    Call inside a transaction. The store row is locked so two imports of one store queue
    behind each other instead of racing on the same SKUs.
    """
    _lock_store(store)
    hashes = _hashes(records)
    existing = {
        sku: (pk, old_hash)
        for sku, pk, old_hash in _store_products(store, [r.sku for r in records]).values_list(
            "sku", "pk", "import_hash"
        )
    }
    new: list[tuple[ProductRecord, Hashes]] = []
    changed: list[tuple[int, ProductRecord, Hashes]] = []
    unchanged = 0
    for record, pair in zip(records, hashes, strict=True):
        found = existing.get(record.sku)
        if found is None:
            new.append((record, pair))
        elif found[1] != pair[1]:
            changed.append((found[0], record, pair))
        else:
            unchanged += 1
    now = timezone.now()
    bulk.insert_rows(
        Product,
        ("store_id", "sku", *PRODUCT_FIELDS, "created_at", "updated_at"),
        ((store.pk, r.sku, *_product_values(r, h), now, now) for r, h in new),
    )
    bulk.update_rows(
        Product,
        (*PRODUCT_FIELDS, "updated_at"),
        [(pk, *_product_values(r, h), now) for pk, r, h in changed],
    )
    new_ids = dict(_store_products(store, [r.sku for r, _ in new]).values_list("sku", "pk"))
    created = [(new_ids[r.sku], r) for r, _ in new]
    _replace_children(store, [(pk, r) for pk, r, _ in changed], job, have_children=True)
    _replace_children(store, created, job, have_children=False)
    return ApplyCounts(
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        created_ids=tuple(new_ids.values()),
        updated_ids=tuple(pk for pk, _, _ in changed),
    )


def _store_products(store: Store, skus: Sequence[str]) -> QuerySet[Product]:
    """The store's products with these SKUs. For a large batch, reading the whole store is
    one plain index scan, far cheaper than a query with tens of thousands of parameters."""
    products = Product.objects.filter(store=store)
    if len(skus) > SKU_LOOKUP_LIMIT:
        return products
    return products.filter(sku__in=skus)


# A product's content hash (what generation depends on) and import hash (all it stores).
Hashes = tuple[str, str]


def _hashes(records: Sequence[ProductRecord]) -> list[Hashes]:
    """Each record's hashes: all the content hashes, then all the import hashes (one step
    at a time over a batch is faster, see CatalogStream.batches)."""
    digests = [content_hash(record) for record in records]
    return [
        (digest, import_hash(record, digest))
        for record, digest in zip(records, digests, strict=True)
    ]


def _product_values(record: ProductRecord, hashes: Hashes) -> tuple[Any, ...]:
    return (
        record.title,
        record.description_html,
        record.description_text,
        record.brand,
        record.category,
        record.price,
        record.currency,
        record.compare_at_price,
        record.stock,
        record.attributes,
        record.tags,
        record.published,
        record.source_format,
        *hashes,
        record.source_digest,
    )


def _replace_children(
    store: Store,
    touched: Sequence[tuple[int, ProductRecord]],
    job: ImportJob | None,
    *,
    have_children: bool,
) -> None:
    """Variants are replaced wholesale; images are kept when their source is unchanged, so
    an already fetched picture is not fetched again. New products have no children yet,
    so they skip the look-ups."""
    if not touched:
        return
    product_ids = [pk for pk, _ in touched]
    if have_children:
        for start in range(0, len(product_ids), bulk.BATCH_SIZE):
            ProductVariant.objects.filter(
                product_id__in=product_ids[start : start + bulk.BATCH_SIZE]
            ).delete()
    bulk.insert_rows(
        ProductVariant,
        VARIANT_FIELDS,
        (
            (store.pk, pk, v.sku, v.title, v.options, v.price, v.compare_at_price, v.stock, i)
            for pk, record in touched
            for i, v in enumerate(record.variants)
        ),
    )
    kept: dict[int, dict[str, int]] = {}
    for start in range(0, len(product_ids) if have_children else 0, bulk.BATCH_SIZE):
        for image_pk, product_id, source in ProductImage.objects.filter(
            product_id__in=product_ids[start : start + bulk.BATCH_SIZE]
        ).values_list("pk", "product_id", "source"):
            kept.setdefault(product_id, {})[source] = image_pk
    stale: list[int] = []
    fresh: list[tuple[Any, ...]] = []
    for pk, record in touched:
        have = kept.get(pk, {})
        wanted = {ref.url_or_path for ref in record.image_refs}
        stale += [image_pk for source, image_pk in have.items() if source not in wanted]
        seen: set[str] = set()
        for ref in record.image_refs:
            if ref.url_or_path in have or ref.url_or_path in seen:
                continue
            seen.add(ref.url_or_path)
            fresh.append(
                (
                    store.pk,
                    pk,
                    ref.url_or_path,
                    ref.position,
                    ref.alt,
                    ImageStatus.PENDING,
                    job and job.pk,
                )
            )
    for start in range(0, len(stale), bulk.BATCH_SIZE):
        ProductImage.objects.filter(pk__in=stale[start : start + bulk.BATCH_SIZE]).delete()
    bulk.insert_rows(ProductImage, IMAGE_FIELDS, fresh)


def products_upsert_json(
    *, store: Store, items: list[dict[str, Any]]
) -> tuple[ApplyCounts, list[Any]]:
    """Upsert products given as our JSON schema (the API's create, update and bulk paths).

    Validation is the importer's, so a product is checked the same way however it arrives.
    Returns the counts and the row errors; nothing is written when any item is invalid.
    """
    import json

    payload = json.dumps(items, ensure_ascii=False).encode()
    try:
        result = parse_catalog(payload, format="json", default_currency=store.currency)
    except CatalogFileError as exc:
        raise DomainError(str(exc), code=exc.code) from exc
    if result.errors:
        return ApplyCounts(0, 0, 0), list(result.errors)
    with transaction.atomic():
        counts = products_apply(store=store, records=result.records)
    return counts, []


def record_from_product(product: Product) -> ProductRecord:
    """A stored product as a parser record: what export writes and content_hash reads."""
    return ProductRecord(
        row_number=0,
        sku=product.sku,
        title=product.title,
        description_html=product.description_html,
        description_text=product.description_text,
        brand=product.brand,
        category=product.category,
        price=product.price,
        currency=product.currency,
        compare_at_price=product.compare_at_price,
        stock=product.stock,
        attributes=dict(product.attributes or {}),
        tags=list(product.tags or []),
        image_refs=[
            ImageRef(url_or_path=i.source, position=i.position, alt=i.alt)
            for i in product.images.all()
        ],
        variants=[
            VariantRecord(
                sku=v.sku,
                title=v.title,
                options=dict(v.options or {}),
                price=v.price,
                compare_at_price=v.compare_at_price,
                stock=v.stock,
            )
            for v in product.variants.all()
        ],
        source_format=product.source_format,
        published=product.published,
    )


def product_delete(*, product: Product) -> None:
    product.delete()


def image_mark(
    *,
    image: ProductImage,
    status: str,
    error: str = "",
    data: bytes | None = None,
    thumbnail: bytes | None = None,
    sha256: str = "",
    width: int | None = None,
    height: int | None = None,
    extension: str = "jpg",
) -> ProductImage:
    """Record the outcome of fetching and checking one image."""
    image.status = status
    image.error = error[:300]
    if data is not None and thumbnail is not None:
        image.sha256, image.width, image.height = sha256, width, height
        image.file.save(f"{image.store_id}/{sha256}.{extension}", ContentFile(data), save=False)
        image.thumbnail.save(f"{image.store_id}/{sha256}.jpg", ContentFile(thumbnail), save=False)
    image.save()
    return image


def pending_images(job: ImportJob, *, after_pk: int, limit: int) -> Iterable[ProductImage]:
    return ProductImage.objects.filter(
        import_job=job, status=ImageStatus.PENDING, pk__gt=after_pk
    ).order_by("pk")[:limit]
