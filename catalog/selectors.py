"""Catalog reads, always within one store."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from catalog.models import ImportJob, ImportRowError, Product, ProductImage, ProductVariant
from catalog.outputs import IMAGE, PRODUCT_COLUMNS, VARIANT
from shop_ai.models import Store


def products_for_store(store: Store) -> QuerySet[Product]:
    return Product.objects.filter(store=store)


def products_search(
    store: Store,
    *,
    q: str = "",
    category: str = "",
    brand: str = "",
    tag: str = "",
    in_stock: bool | None = None,
    changed_since: datetime | None = None,
) -> QuerySet[Product]:
    products = products_for_store(store)
    if q:
        products = products.filter(Q(title__icontains=q) | Q(sku__icontains=q))
    if category:
        products = products.filter(category__istartswith=category)
    if brand:
        products = products.filter(brand__iexact=brand)
    if tag:
        # Tags are a JSON list; matching the quoted tag in its text works on SQLite and PostgreSQL.
        products = products.filter(tags__icontains=f'"{tag}"')
    if in_stock is True:
        products = products.filter(Q(stock__gt=0) | Q(stock__isnull=True))
    elif in_stock is False:
        products = products.filter(stock=0)
    if changed_since is not None:
        products = products.filter(updated_at__gte=changed_since)
    return products


def product_with_children(store: Store, pk: Any) -> QuerySet[Product]:
    return products_for_store(store).filter(pk=pk).prefetch_related("variants", "images")


def imports_for_store(store: Store) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(store=store)


def import_errors(job: ImportJob) -> QuerySet[ImportRowError]:
    return ImportRowError.objects.filter(job=job)


# --- Product rows for the API's fast writer (catalog.outputs.PRODUCT) ----------------------


def product_rows(products: QuerySet[Product]) -> QuerySet[Product, dict[str, Any]]:
    """`products` as rows of PRODUCT_COLUMNS and, on PostgreSQL, each product's variants
    and images as JSON text, built by the database in the same query; ``with_children``
    turns a page of them into the writer's rows.

    A query costs the web process about 1 ms of Python whatever it returns (the ORM,
    psycopg's result set-up, the connection round trip); a product's detail made three
    and its children were a quarter of the API's CPU. PostgreSQL also writes the
    children's JSON faster than Python reads them as rows.
    """
    rows = products.values(*PRODUCT_COLUMNS)
    if connection.vendor == "postgresql":
        # Constant SQL made of our own table and column names: nothing from a request.
        rows = rows.annotate(
            variants_json=RawSQL(_VARIANTS_JSON, ()),  # noqa: S611
            images_json=RawSQL(_IMAGES_JSON, ()),  # noqa: S611
        )
    return rows


def _children_json(table: str, fields: tuple[str, ...]) -> str:
    """SQL for one product's rows of `table` as a JSON array text, in position order.

    Money columns come as text ("24.00": numeric(12, 2) prints two places, as DRF writes
    them), so variants come as VARIANT writes them; the correlated subquery runs per
    product on the index that leads with it.
    """
    pairs = ", ".join(
        f"'{name}', c.{name}::text" if name in _MONEY_COLUMNS else f"'{name}', c.{name}"
        for name in fields
    )
    return (
        f"SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY c.position, c.id), "  # noqa: S608
        f"'[]')::text FROM {table} c WHERE c.product_id = {Product._meta.db_table}.id"
    )


_MONEY_COLUMNS = {"price", "compare_at_price"}
_VARIANTS_JSON = _children_json(ProductVariant._meta.db_table, VARIANT.columns)
_IMAGES_JSON = _children_json(ProductImage._meta.db_table, IMAGE.columns)


def with_children(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Product rows (``product_rows`` or ``values(*PRODUCT_COLUMNS)``) with their
    ``variants`` (written, see catalog.outputs.PRODUCT) and ``images`` rows attached, in
    place.

    Rows skip building a model instance per product (with its init signals), a large part
    of a list page's CPU. Children come with the rows (product_rows, PostgreSQL) or are
    read for the whole page in two queries.
    """
    if rows and "variants_json" in rows[0]:
        # The JSON texts stay in the rows (the writer reads only its columns): deleting
        # keys costs more than leaving them.
        for row in rows:
            row["variants"] = json.loads(row["variants_json"])
            row["images"] = json.loads(row["images_json"])
        return rows
    children = children_of([row["id"] for row in rows])
    for row in rows:
        variants, row["images"] = children[row["id"]]
        row["variants"] = VARIANT.write(variants)
    return rows


def children_of(product_ids: list[int]) -> dict[int, tuple[list[Any], list[Any]]]:
    """Products' (variant rows, image rows), in two queries (the portable path; PostgreSQL
    reads them with the products, see product_rows).

    prefetch_related builds a model instance for every child and a queryset per product:
    about 20 ms of a 50-product page's CPU; plain rows cost a fraction of that.
    """
    children: dict[int, tuple[list[Any], list[Any]]] = {pk: ([], []) for pk in product_ids}
    if not children:
        return children
    for variant in (
        ProductVariant.objects.filter(product_id__in=children)
        .order_by("position", "id")
        .values("product_id", *VARIANT.columns)
    ):
        children[variant.pop("product_id")][0].append(variant)
    for image in (
        ProductImage.objects.filter(product_id__in=children)
        .order_by("position", "id")
        .values("product_id", *IMAGE.columns)
    ):
        children[image.pop("product_id")][1].append(image)
    return children
