"""Set-based writes: PostgreSQL COPY where we have it, the ORM's bulk calls elsewhere.

Importing 100,000 products one ``save()`` at a time takes minutes; COPY takes seconds.
These helpers keep that speed-up in one place and keep SQLite (the embedded mode) working.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any

from django.db import connection, models
from django.utils import timezone

from catalog.formats import ProductRecord
from catalog.models import ImportJob, Product, ProductImage, ProductVariant

BATCH_SIZE = 2_000
# The product columns an import writes, besides store, SKU and timestamps.
PRODUCT_FIELDS = (
    "title",
    "description_html",
    "description_text",
    "brand",
    "category",
    "price",
    "currency",
    "compare_at_price",
    "stock",
    "attributes",
    "tags",
    "published",
    "source_format",
    "content_hash",
    "import_hash",
    "source_digest",
)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _column(field: Any) -> str:
    return connection.ops.quote_name(str(field.column))


def _field_default(field: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


_json_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _to_json(value: Any) -> str:
    if not value:  # most option, attribute and tag collections are short or empty
        return "{}" if isinstance(value, dict) else "[]"
    return _json_encode(value)


def _converters(fields: Sequence[Any]) -> list[Any]:
    """Per column: how to turn a Python value into what COPY sends (None: as it is).

    psycopg adapts str, int, Decimal, bool, datetime and None itself; only JSON needs us.
    """
    return [_to_json if isinstance(f, models.JSONField) else None for f in fields]


def _copy_row(converters: Sequence[Any], values: Sequence[Any]) -> list[Any]:
    return [
        value if convert is None or value is None else convert(value)
        for convert, value in zip(converters, values, strict=True)
    ]


def insert_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in ``field_names`` order); returns how many were written."""
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    if _is_postgres():
        # COPY bypasses Django, so fields left out get their Python-side defaults here.
        given = {f.name for f in fields}
        defaults = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.name not in given
        ]
        default_values = [_field_default(f) for f in defaults]
        fields = fields + defaults
        columns = ", ".join(_column(f) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                converters = _converters(fields)
                for row in rows:
                    copy.write_row(_copy_row(converters, (*row, *default_values)))
                    count += 1
        return count
    objects = [model(**dict(zip(field_names, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)


def update_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Update rows by primary key; each row is ``(pk, *values in field_names order)``."""
    if not rows:
        return 0
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    if _is_postgres():
        table = connection.ops.quote_name(model._meta.db_table)
        pk_column = _column(model._meta.pk)
        columns = [_column(f) for f in fields]
        with connection.cursor() as cursor:
            # A temp table with the target's column types, filled by COPY, then one UPDATE.
            cursor.execute(
                f"CREATE TEMP TABLE _bulk_update ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {pk_column}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(
                f"COPY _bulk_update ({pk_column}, {', '.join(columns)}) FROM STDIN"
            ) as copy:
                converters = [None, *_converters(fields)]
                for row in rows:
                    copy.write_row(_copy_row(converters, row))
            assignments = ", ".join(f"{c} = u.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM _bulk_update AS u "  # noqa: S608
                f"WHERE t.{pk_column} = u.{pk_column}"
            )
            cursor.execute("DROP TABLE _bulk_update")
        return len(rows)
    objects = []
    for row in rows:
        obj = model(pk=row[0])
        for name, value in zip(field_names, row[1:], strict=True):
            setattr(obj, name, value)
        objects.append(obj)
    model._default_manager.bulk_update(objects, list(field_names), batch_size=BATCH_SIZE)
    return len(objects)


# --- Streaming catalog writes (PostgreSQL) -------------------------------------------------

CHUNK_PRODUCTS = 5_000
_NULL = "\\N"
_BOOL = {True: "t", False: "f", None: _NULL}


def _escape(value: str) -> str:
    """A value in COPY's text format: backslash, tab and line breaks escaped."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _escaped_line(fields: list[str]) -> str:
    return "\t".join(field if field is _NULL else _escape(field) for field in fields)


# Prices, option sets and tag lists repeat across a catalog: their COPY text is made once.
# Cleared when full, to bound their memory.
_CACHE_ENTRIES = 4096
_decimal_texts: dict[Any, str] = {None: _NULL}
_json_texts: dict[tuple[Any, ...], str] = {}
_json_string = encode_basestring


def _decimal_text(value: Any) -> str:
    if value is None:
        return _NULL
    text = _decimal_texts.get(value)
    if text is None:
        text = str(value)
        if value:  # 0 and -0 are equal but print differently; neither is a price
            if len(_decimal_texts) >= _CACHE_ENTRIES:
                _decimal_texts.clear()
                _decimal_texts[None] = _NULL
            _decimal_texts[value] = text
    return text


def _json_text(value: dict[str, str] | list[str]) -> str:
    """_to_json for the common shapes: a flat object of strings or a list of strings."""
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    try:
        key: tuple[Any, ...] = (dict, *value.items()) if isinstance(value, dict) else (list, *value)
        text = _json_texts.get(key)
    except TypeError:  # an unhashable value: not the common shape
        return _to_json(value)
    if text is None:
        try:
            if isinstance(value, dict):
                pairs = [_json_string(k) + ":" + _json_string(v) for k, v in value.items()]
                text = "{" + ",".join(pairs) + "}"
            else:
                text = "[" + ",".join([_json_string(item) for item in value]) + "]"
        except TypeError:  # a value that is not text: the generic encoder decides
            return _to_json(value)
        if len(_json_texts) >= _CACHE_ENTRIES:
            _json_texts.clear()
        _json_texts[key] = text
    return text


def _int_text(value: int | None) -> str:
    return _NULL if value is None else str(value)


def _q(name: str) -> str:
    return f'"{name}"'


_PRODUCT = _q(Product._meta.db_table)
_VARIANT = _q(ProductVariant._meta.db_table)
_IMAGE = _q(ProductImage._meta.db_table)
_STAGE_PRODUCT_COLUMNS = ("sku", *PRODUCT_FIELDS)
_STAGE_VARIANT_COLUMNS = (
    "product_sku", "sku", "title", "options", "price", "compare_at_price", "stock", "position",
)  # fmt: skip
_STAGE_IMAGE_COLUMNS = ("product_sku", "source", "position", "alt")
# Separators in a line of a product's own values (its children's lines lack the SKU).
_PRODUCT_TABS = len(_STAGE_PRODUCT_COLUMNS) - 1
_VARIANT_TABS = len(_STAGE_VARIANT_COLUMNS) - 2
_IMAGE_TABS = len(_STAGE_IMAGE_COLUMNS) - 2
_STAGING_TABLES = (
    "pg_temp._import_product",
    "pg_temp._import_variant",
    "pg_temp._import_image",
    "pg_temp._import_touched",
)
# Staging tables take their column types from the real ones, so COPY checks lengths and
# types exactly as an insert would.
_STAGING_DDL = (
    "DROP TABLE IF EXISTS " + ", ".join(_STAGING_TABLES),
    f"CREATE TEMP TABLE pg_temp._import_product ON COMMIT DROP AS "  # noqa: S608
    f"SELECT {', '.join(_STAGE_PRODUCT_COLUMNS)} FROM {_PRODUCT} WITH NO DATA",
    f"CREATE TEMP TABLE pg_temp._import_variant ON COMMIT DROP AS "  # noqa: S608
    f"SELECT p.sku AS product_sku, v.sku, v.title, v.options, v.price, v.compare_at_price, "
    f"v.stock, v.position FROM {_VARIANT} v CROSS JOIN {_PRODUCT} p WITH NO DATA",
    f"CREATE TEMP TABLE pg_temp._import_image ON COMMIT DROP AS "  # noqa: S608
    f"SELECT p.sku AS product_sku, i.source, i.position, i.alt "
    f"FROM {_IMAGE} i CROSS JOIN {_PRODUCT} p WITH NO DATA",
    f"CREATE TEMP TABLE pg_temp._import_touched ON COMMIT DROP AS "  # noqa: S608
    f"SELECT id, sku, true AS created FROM {_PRODUCT} WITH NO DATA",
)
# Staged products: rewrite one only when its import hash differs (or insert it, if it was
# deleted since the import read the store's SKUs). The products written go to
# _import_touched for the children's statements, each marked new when its created_at is
# this import's timestamp (the store lock keeps other imports and upserts out meanwhile).
_UPSERT_PRODUCTS = (
    f"WITH up AS (INSERT INTO {_PRODUCT} AS p "  # noqa: S608
    f"(store_id, {', '.join(_STAGE_PRODUCT_COLUMNS)}, created_at, updated_at) "
    f"SELECT %(store)s, {', '.join('s.' + c for c in _STAGE_PRODUCT_COLUMNS)}, "
    f"%(now)s, %(now)s FROM pg_temp._import_product s "
    f"ON CONFLICT (store_id, sku) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*PRODUCT_FIELDS, "updated_at"))
    + " WHERE p.import_hash IS DISTINCT FROM EXCLUDED.import_hash "
    "RETURNING p.id, p.sku, p.created_at = %(now)s) "
    "INSERT INTO pg_temp._import_touched (id, sku, created) SELECT * FROM up"
)
# Variants of a rewritten product are replaced; its images are kept where the source stays.
_DELETE_OLD_VARIANTS = (
    f"DELETE FROM {_VARIANT} v USING pg_temp._import_touched t "  # noqa: S608
    "WHERE v.product_id = t.id AND NOT t.created"
)
_DELETE_STALE_IMAGES = (
    f"DELETE FROM {_IMAGE} i USING pg_temp._import_touched t "  # noqa: S608
    "WHERE i.product_id = t.id AND NOT t.created AND NOT EXISTS "
    "(SELECT 1 FROM pg_temp._import_image s WHERE s.product_sku = t.sku AND s.source = i.source)"
)
_INSERT_VARIANTS = (
    f"INSERT INTO {_VARIANT} "  # noqa: S608
    "(store_id, product_id, sku, title, options, price, compare_at_price, stock, position) "
    "SELECT %(store)s, t.id, s.sku, s.title, s.options, s.price, s.compare_at_price, s.stock, "
    "s.position FROM pg_temp._import_variant s "
    "JOIN pg_temp._import_touched t ON t.sku = s.product_sku"
)
_IMAGE_GIVEN = {"id", "store", "product", "source", "position", "alt", "import_job"}
_IMAGE_DEFAULT_FIELDS = [
    f for f in ProductImage._meta.concrete_fields if f.name not in _IMAGE_GIVEN
]
_IMAGE_DEFAULTS = {
    f"default_{f.column}": f.get_default()
    for f in _IMAGE_DEFAULT_FIELDS
    if f.get_default() is not None
}
_INSERT_IMAGES = (
    f"INSERT INTO {_IMAGE} (store_id, product_id, source, position, alt, import_job_id"  # noqa: S608
    + "".join(f", {f.column}" for f in _IMAGE_DEFAULT_FIELDS)
    + ") SELECT %(store)s, t.id, s.source, s.position, s.alt, CAST(%(job)s AS bigint)"
    + "".join(
        ", NULL" if f.get_default() is None else f", %(default_{f.column})s"
        for f in _IMAGE_DEFAULT_FIELDS
    )
    + " FROM pg_temp._import_image s JOIN pg_temp._import_touched t ON t.sku = s.product_sku"
)
_KEEP_IMAGES = " ON CONFLICT (product_id, source) DO NOTHING"
_IMAGE_DEFAULTS_TEXT = "\t".join(
    _NULL if f.get_default() is None else _escape(str(f.get_default()))
    for f in _IMAGE_DEFAULT_FIELDS
)
_COPY_NEW_PRODUCTS = (
    f"COPY {_PRODUCT} (id, store_id, {', '.join(_STAGE_PRODUCT_COLUMNS)}, created_at, "
    "updated_at) FROM STDIN"
)
_COPY_NEW_VARIANTS = (
    f"COPY {_VARIANT} (product_id, store_id, sku, title, options, price, compare_at_price, "
    "stock, position) FROM STDIN"
)
_COPY_NEW_IMAGES = (
    f"COPY {_IMAGE} (product_id, store_id, source, position, alt, import_job_id"
    + "".join(f", {f.column}" for f in _IMAGE_DEFAULT_FIELDS)
    + ") FROM STDIN"
)


@dataclass
class _Chunk:
    """COPY text of a chunk: lines of products new to the store, without their ids (and
    per product, its variant and image lines without the product id), and lines of
    existing products for the staging tables (children keyed by product SKU)."""

    new_products: list[str] = field(default_factory=list)
    new_variants: list[str] = field(default_factory=list)
    new_images: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.new_products) + len(self.products)


class CatalogWriter:
    """PostgreSQL: write checked products of one store as they are parsed, in chunks.

    Use inside the caller's transaction, as a context manager. Products new to the store
    get ids from the sequence and are COPYed, with their variants and images, straight
    into the tables. Products the store has are COPYed into temporary staging tables and
    applied with a few set-based statements: rewritten only where the import hash
    differs, their variants replaced, their images kept where the source is unchanged,
    as ``services.products_apply`` does. A second thread runs the statements, so the
    database works on one chunk while Python parses the next.

    Foreign keys: when the role may set ``session_replication_role``, the inserts skip
    PostgreSQL's per-row foreign-key triggers (about half the database time of a large
    import). Every reference they write is held by this transaction: the store row is
    locked by the caller, the import job row is locked here, and each product id belongs
    to a row this transaction has just inserted or updated, so no concurrent delete can
    remove it before the commit. Deletes always run with the checks on. Without the
    privilege the checks run per statement, in the writer thread, instead of all at
    commit.
    """

    def __init__(
        self,
        *,
        store_id: int,
        job_id: int | None,
        on_chunk: Callable[[Any], None] | None = None,
        chunk_products: int | None = None,
    ) -> None:
        self.store_id = store_id
        self.job_id = job_id
        self.created = 0
        self.updated = 0
        self._on_chunk = on_chunk
        self._chunk_products = chunk_products or CHUNK_PRODUCTS
        self._chunk = _Chunk()
        self._queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._stop = False
        self._thread: threading.Thread | None = None
        self._skip_fk_triggers = False
        self._now = timezone.now()
        self._product_suffix = f"\t{self._now.isoformat()}" * 2  # created_at, updated_at
        self._image_suffix = f"\t{_int_text(job_id)}\t{_IMAGE_DEFAULTS_TEXT}"
        self._image_line_end = self._image_suffix + "\n"
        self._sequence = ""

    # -- the parsing thread ---------------------------------------------------------------

    def __enter__(self) -> CatalogWriter:
        if not _is_postgres():
            raise RuntimeError("CatalogWriter needs PostgreSQL; use services.products_apply")
        if not connection.in_atomic_block:
            raise RuntimeError("CatalogWriter must run inside a transaction")
        with connection.cursor() as cursor:
            self._skip_fk_triggers = _may_skip_triggers(cursor)
            if self.job_id is not None:
                cursor.execute(
                    f"SELECT 1 FROM {_table(ImportJob)} WHERE id = %s FOR KEY SHARE",  # noqa: S608
                    [self.job_id],
                )
            if not self._skip_fk_triggers:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in _STAGING_DDL:
                cursor.execute(statement)
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_PRODUCT])
            self._sequence = cursor.fetchone()[0]
        connection.ensure_connection()
        # The writer thread uses this thread's connection (and so its transaction), raising
        # Django's database errors as the ORM would.
        raw, wrap_errors = connection.connection, connection.wrap_database_errors
        self._thread = threading.Thread(
            target=self._run, args=(raw, wrap_errors), name="catalog-writer", daemon=True
        )
        self._thread.start()
        return self

    def add(self, record: ProductRecord, digest: str, stored: str, *, new: bool) -> None:
        """Queue ``record`` (with its content and import hashes) to be written.

        ``new``: the store has no product with this SKU (the caller read them all under the
        store lock), so it is COPYed straight into the tables; other products go through
        staging and are rewritten only if their hash differs.
        """
        decimal = _decimal_texts.get  # answers most look-ups without a call
        compare_at, stock, published = record.compare_at_price, record.stock, record.published
        nulls = (compare_at is None) + (stock is None) + (published is None)
        product = [
            record.sku,
            record.title,
            record.description_html,
            record.description_text,
            record.brand,
            record.category,
            decimal(record.price) or _decimal_text(record.price),
            record.currency,
            decimal(compare_at) or _decimal_text(compare_at),
            _int_text(stock),
            _json_text(record.attributes),
            _json_text(record.tags),
            _BOOL[published],
            record.source_format,
            digest,
            stored,
            record.source_digest,
        ]
        variants = []
        for position, variant in enumerate(record.variants):
            compare_at, stock = variant.compare_at_price, variant.stock
            nulls += (compare_at is None) + (stock is None)
            variants.append(
                [
                    variant.sku,
                    variant.title,
                    _json_text(variant.options),
                    decimal(variant.price) or _decimal_text(variant.price),
                    decimal(compare_at) or _decimal_text(compare_at),
                    _int_text(stock),
                    str(position),
                ]
            )
        images = [[ref.url_or_path, str(ref.position), ref.alt] for ref in record.image_refs]
        lines = ["\t".join(product), *["\t".join(fields) for fields in variants]]
        lines += ["\t".join(fields) for fields in images]
        # One look at all of the product's text: escaping is needed only when it holds a
        # backslash the NULLs do not explain, or a tab or line break inside a value.
        text = "\n".join(lines)
        if (
            text.count("\\") != nulls
            or text.count("\t")
            != _PRODUCT_TABS + _VARIANT_TABS * len(variants) + _IMAGE_TABS * len(images)
            or text.count("\n") != len(lines) - 1
            or "\r" in text
        ):
            lines = [_escaped_line(product), *map(_escaped_line, variants)]
            lines += map(_escaped_line, images)
        # The children's lines of one product, separated by newlines: the writer puts the
        # product's id (or SKU) in front of each with one replace.
        variant_lines = "\n".join(lines[1 : 1 + len(variants)])
        image_lines = "\n".join(lines[1 + len(variants) :])
        chunk = self._chunk
        if new:
            chunk.new_products.append(lines[0] + self._product_suffix)
            chunk.new_variants.append(variant_lines)
            # Each image line also ends with the job and the image defaults.
            chunk.new_images.append(
                self._image_line_end.join(lines[1 + len(variants) :]) + self._image_suffix
                if images
                else ""
            )
        else:
            chunk.products.append(lines[0] + "\n")
            sku_prefix = lines[0][: lines[0].index("\t") + 1]
            if variants:
                chunk.variants.append(_prefixed(sku_prefix, variant_lines))
            if images:
                chunk.images.append(_prefixed(sku_prefix, image_lines))
        if len(chunk) >= self._chunk_products:
            self._send()

    def finish(self) -> tuple[int, int]:
        """Write what is still buffered and wait for the database: (created, updated)."""
        if len(self._chunk):
            self._send()
        self._raise(self._close())
        return self.created, self.updated

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        if exc_type is not None:
            # The caller's transaction rolls back (dropping the staging tables with it):
            # skip what is queued, and let the caller's error be the one raised.
            self._stop = True
            self._close()
            return
        self._raise(self._close())
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(_STAGING_TABLES))
            if not self._skip_fk_triggers:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again

    def _send(self) -> None:
        self._raise(self._error)
        chunk, self._chunk = self._chunk, _Chunk()
        self._queue.put(chunk)

    def _close(self) -> BaseException | None:
        """Stop the writer thread once it has written what is queued; its error, if any."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        return error

    def _raise(self, error: BaseException | None) -> None:
        if error is not None:
            self._stop = True
            raise error

    # -- the writer thread ----------------------------------------------------------------

    def _run(self, raw: Any, wrap_errors: Any) -> None:
        try:
            with wrap_errors, raw.cursor() as cursor:
                while (chunk := self._queue.get()) is not None:
                    if not self._stop:
                        self._write(cursor, chunk)
        except BaseException as exc:  # handed to the parsing thread, which re-raises it
            self._error = exc
            while self._queue.get() is not None:
                pass  # drain, so the parsing thread never blocks on a full queue

    def _write(self, cursor: Any, chunk: _Chunk) -> None:
        if self._skip_fk_triggers:
            cursor.execute("SET LOCAL session_replication_role = replica")
        if chunk.new_products:
            self._write_new(cursor, chunk)
        if chunk.products:
            self._write_staged(cursor, chunk)
        if self._skip_fk_triggers:
            cursor.execute("SET LOCAL session_replication_role = origin")
        if self._on_chunk is not None:
            self._on_chunk(cursor)

    def _write_new(self, cursor: Any, chunk: _Chunk) -> None:
        """COPY products new to the store, with ids drawn from the sequence first, and their
        children straight into the tables: no staging, no join."""
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            [self._sequence, len(chunk.new_products)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        store = f"\t{self.store_id}\t"
        prefixes = [f"{product_id}{store}" for product_id in ids]
        for sql, text in (
            (_COPY_NEW_PRODUCTS, "".join(map(_prefixed, prefixes, chunk.new_products))),
            (_COPY_NEW_VARIANTS, "".join(map(_prefixed, prefixes, chunk.new_variants))),
            (_COPY_NEW_IMAGES, "".join(map(_prefixed, prefixes, chunk.new_images))),
        ):
            if text:
                with cursor.copy(sql) as copy:
                    copy.write(text.encode())
        self.created += len(ids)

    def _write_staged(self, cursor: Any, chunk: _Chunk) -> None:
        """Products the store has: staged, then rewritten where the import hash differs."""
        for table, columns, lines in (
            ("pg_temp._import_product", _STAGE_PRODUCT_COLUMNS, chunk.products),
            ("pg_temp._import_variant", _STAGE_VARIANT_COLUMNS, chunk.variants),
            ("pg_temp._import_image", _STAGE_IMAGE_COLUMNS, chunk.images),
        ):
            if lines:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write("".join(lines).encode())
        params = {"store": self.store_id, "job": self.job_id, "now": self._now}
        params.update(_IMAGE_DEFAULTS)
        cursor.execute(_UPSERT_PRODUCTS, params)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE created), count(*) FROM pg_temp._import_touched"
        )
        created, touched = cursor.fetchone()
        updated = touched - created
        if updated:
            if self._skip_fk_triggers:
                cursor.execute("SET LOCAL session_replication_role = origin")
            cursor.execute(_DELETE_OLD_VARIANTS)
            cursor.execute(_DELETE_STALE_IMAGES)
            if self._skip_fk_triggers:
                cursor.execute("SET LOCAL session_replication_role = replica")
        if touched:
            if chunk.variants:
                cursor.execute(_INSERT_VARIANTS, params)
            if chunk.images:
                cursor.execute(_INSERT_IMAGES + (_KEEP_IMAGES if updated else ""), params)
        cursor.execute("TRUNCATE " + ", ".join(_STAGING_TABLES))
        self.created += created
        self.updated += updated


def _prefixed(prefix: str, lines: str) -> str:
    """COPY lines (newline-separated, escaped) with `prefix` in front of each, or ''."""
    if not lines:
        return ""
    return prefix + lines.replace("\n", "\n" + prefix) + "\n"


def product_hashes(store_id: int) -> tuple[dict[str, str], dict[str, str]]:
    """Of the store's products, in one plain scan: SKU -> import hash, and source digest ->
    SKU for those that have one."""
    hashes: dict[str, str] = {}
    sources: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sku, import_hash, source_digest FROM {_table(Product)} "  # noqa: S608
            "WHERE store_id = %s",
            [store_id],
        )
        for sku, stored, source_digest in cursor.fetchall():
            hashes[sku] = stored
            if source_digest:
                sources[source_digest] = sku
    return hashes, sources


def _may_skip_triggers(cursor: Any) -> bool:
    """Whether this role may set session_replication_role (superuser, or PG 15's GRANT SET)."""
    cursor.execute("SELECT current_setting('is_superuser'), current_setting('server_version_num')")
    superuser, version = cursor.fetchone()
    if superuser == "on":
        return True
    if int(version) < 150000:
        return False
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    return bool(cursor.fetchone()[0])


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
