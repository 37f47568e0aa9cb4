"""REST API for products: list, read, upsert by SKU, bulk upsert, delete, CSV export."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.imports import RowErrorSerializer
from catalog.formats import iter_csv_export
from catalog.formats.fields import CENT, single_line
from catalog.models import Product, ProductImage, ProductVariant
from catalog.services import record_from_product
from shop_ai.api.output import datetime_writer, decimal_string, media_url_writer
from shop_ai.api.views import StoreScopedViewSet
from shop_ai.errors import Conflict, DomainError

MAX_BULK = 1_000


# --- Serializers --------------------------------------------------------------------------


class VariantSerializer(serializers.ModelSerializer[ProductVariant]):
    class Meta:
        model = ProductVariant
        fields = ["sku", "title", "options", "price", "compare_at_price", "stock"]
        read_only_fields = fields


class ImageSerializer(serializers.ModelSerializer[ProductImage]):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["id", "source", "position", "alt", "status", "error", "url", "thumbnail_url"]
        fields += ["width", "height", "sha256"]
        read_only_fields = fields

    def get_url(self, image: ProductImage) -> str | None:
        return image.file.url if image.file else None

    def get_thumbnail_url(self, image: ProductImage) -> str | None:
        return image.thumbnail.url if image.thumbnail else None


class ProductSerializer(serializers.ModelSerializer[Product]):
    variants = VariantSerializer(many=True, read_only=True)
    images = ImageSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
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
            "content_hash",
            "variants",
            "images",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, product: Product) -> dict[str, Any]:
        """What DRF's generic path gives, field for field (a test holds the two equal), but
        built directly: the generic path spent ~0.4 ms a product, most of a list's time."""
        row = {column: getattr(product, column) for column in PRODUCT_COLUMNS}
        return product_outputs([row])[0]


# The product's own columns among ProductSerializer's fields; lists and detail read just
# these, as rows, with their children (product_rows) or after them (children_of).
PRODUCT_COLUMNS = tuple(
    name for name in ProductSerializer.Meta.fields if name not in {"variants", "images"}
)


def product_rows(products: QuerySet[Product]) -> QuerySet[Product, dict[str, Any]]:
    """`products` as rows for product_outputs: PRODUCT_COLUMNS and, on PostgreSQL, each
    product's variants and images as JSON text, built by the database in the same query.

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
    them); the correlated subquery runs per product on the index that leads with it.
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
_VARIANT_FIELDS = ("sku", "title", "options", "price", "compare_at_price", "stock")
_IMAGE_FIELDS = (
    "id", "source", "position", "alt", "status", "error", "file", "thumbnail", "width",
    "height", "sha256",
)  # fmt: skip
_VARIANTS_JSON = _children_json(ProductVariant._meta.db_table, _VARIANT_FIELDS)
_IMAGES_JSON = _children_json(ProductImage._meta.db_table, _IMAGE_FIELDS)


def product_outputs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ProductSerializer's output for rows of PRODUCT_COLUMNS (``QuerySet.values``).

    Rows skip building a model instance per product (with its init signals), a large part
    of a list page's CPU. Children come with the rows (product_rows, PostgreSQL) or are
    read for the whole page in two queries.
    """
    if rows and "variants_json" in rows[0]:
        children = _children_from_json(rows)
    else:
        children = children_of([row["id"] for row in rows])
    written = datetime_writer()
    return [
        {
            "id": row["id"],
            "sku": row["sku"],
            "title": row["title"],
            "description_html": row["description_html"],
            "description_text": row["description_text"],
            "brand": row["brand"],
            "category": row["category"],
            "price": _decimal(row["price"]),
            "currency": row["currency"],
            "compare_at_price": _decimal(row["compare_at_price"]),
            "stock": row["stock"],
            "attributes": row["attributes"],
            "tags": row["tags"],
            "published": row["published"],
            "content_hash": row["content_hash"],
            "variants": children[row["id"]].variants,
            "images": children[row["id"]].images,
            "created_at": written(row["created_at"]),
            "updated_at": written(row["updated_at"]),
        }
        for row in rows
    ]


@dataclass
class _Children:
    variants: list[dict[str, Any]] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)


def _children_from_json(rows: list[dict[str, Any]]) -> dict[int, _Children]:
    """children_of's result from the JSON that product_rows reads with each product."""
    url = media_url_writer()
    return {
        row["id"]: _Children(
            json.loads(row["variants_json"]),  # money is text already
            [_image_output(image, url) for image in json.loads(row["images_json"])],
        )
        for row in rows
    }


def children_of(product_ids: list[int]) -> dict[int, _Children]:
    """Products' variants and images as ready output dicts, in two queries (the portable
    path; PostgreSQL reads them with the products, see product_rows).

    prefetch_related builds a model instance for every child and a queryset per product:
    about 20 ms of a 50-product page's CPU; plain rows cost a fraction of that.
    """
    children = {product_id: _Children() for product_id in product_ids}
    if not children:
        return children
    for variant in (
        ProductVariant.objects.filter(product_id__in=children)
        .order_by("position", "id")
        .values("product_id", *_VARIANT_FIELDS)
    ):
        product_id = variant.pop("product_id")
        for money in _MONEY_COLUMNS:
            variant[money] = _decimal(variant[money])
        children[product_id].variants.append(variant)
    url = media_url_writer()
    for image in (
        ProductImage.objects.filter(product_id__in=children)
        .order_by("position", "id")
        .values("product_id", *_IMAGE_FIELDS)
    ):
        children[image["product_id"]].images.append(_image_output(image, url))
    return children


def _image_output(image: dict[str, Any], url: Callable[[str], str | None]) -> dict[str, Any]:
    """ImageSerializer's output for an image's _IMAGE_FIELDS."""
    return {
        "id": image["id"],
        "source": image["source"],
        "position": image["position"],
        "alt": image["alt"],
        "status": image["status"],
        "error": image["error"],
        "url": url(image["file"]),
        "thumbnail_url": url(image["thumbnail"]),
        "width": image["width"],
        "height": image["height"],
        "sha256": image["sha256"],
    }


def _decimal(value: Decimal | None) -> str | None:
    """As DRF's DecimalField writes a 2-place money column: a string, e.g. "24.00"."""
    return decimal_string(value, CENT)


class VariantInputSerializer(serializers.Serializer[Any]):
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(required=False, allow_blank=True)
    options = serializers.DictField(child=serializers.CharField(), required=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    compare_at_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0.01")
    )
    stock = serializers.IntegerField(required=False, allow_null=True)


class ProductInputSerializer(serializers.Serializer[Any]):
    """A product in our JSON format (the same schema the JSON importer reads)."""

    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)
    brand = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.CharField(required=False, min_length=3, max_length=3)
    compare_at_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    stock = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    attributes = serializers.DictField(child=serializers.CharField(), required=False)
    image_urls = serializers.ListField(child=serializers.CharField(), required=False)
    variants = VariantInputSerializer(many=True, required=False)


class BulkInputSerializer(serializers.Serializer[Any]):
    products = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=MAX_BULK
    )


class UpsertResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# --- Views --------------------------------------------------------------------------------


def _product_item(data: dict[str, Any]) -> dict[str, Any]:
    """Our JSON schema item from validated serializer data (decimals as strings)."""
    item = {k: v for k, v in data.items() if v is not None}
    for key in ("price", "compare_at_price"):
        if key in item:
            item[key] = str(item[key])
    for variant in item.get("variants", []):
        for key in ("price", "compare_at_price"):
            if variant.get(key) is not None:
                variant[key] = str(variant[key])
    return item


def _product_as_item(product: Product) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "title": product.title,
        "description": product.description_html,
        "brand": product.brand,
        "category": product.category,
        "price": str(product.price),
        "currency": product.currency,
        "compare_at_price": str(product.compare_at_price)
        if product.compare_at_price is not None
        else None,
        "stock": product.stock,
        "tags": product.tags,
        "attributes": product.attributes,
        "image_urls": [image.source for image in product.images.all()],
        "variants": [
            {
                "sku": v.sku,
                "title": v.title,
                "options": v.options,
                "price": str(v.price),
                "compare_at_price": str(v.compare_at_price) if v.compare_at_price else None,
                "stock": v.stock,
            }
            for v in product.variants.all()
        ],
    }


def _raise_row_errors(errors: list[Any]) -> None:
    if errors:
        raise DomainError(
            "The product data is invalid; nothing was saved.",
            code="invalid",
            details=[RowErrorSerializer(error).data for error in errors[:100]],
        )


PRODUCT_FILTERS = [
    OpenApiParameter("q", str, description="Search in title and SKU."),
    OpenApiParameter("category", str, description="Category path prefix."),
    OpenApiParameter("brand", str),
    OpenApiParameter("tag", str),
    OpenApiParameter("in_stock", bool),
    OpenApiParameter("changed_since", OpenApiTypes.DATETIME),
    OpenApiParameter("ordering", str, enum=["id", "-id", "title", "-title", "price", "-price"]),
]


class ProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StoreScopedViewSet[Product],
):
    """Products of the requester's store, upserted by SKU."""

    serializer_class = ProductSerializer
    queryset = Product.objects.all()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        in_stock = params.get("in_stock")
        changed_since = (
            serializers.DateTimeField().to_internal_value(params["changed_since"])
            if params.get("changed_since")
            else None
        )
        products = selectors.products_search(
            self.store,
            q=params.get("q", ""),
            category=params.get("category", ""),
            brand=params.get("brand", ""),
            tag=params.get("tag", ""),
            in_stock=None if in_stock is None else in_stock.lower() in {"1", "true", "yes"},
            changed_since=changed_since,
        )
        # The CSV export reads children as records; JSON answers read them as rows
        # (product_outputs).
        if self.action == "export":
            return products.prefetch_related("variants", "images")
        return products

    def paginate_queryset(self, queryset: Any) -> Any:
        ordering = self.request.query_params.get("ordering", "-id")
        if ordering in {"id", "-id", "title", "-title", "price", "-price"} and self.paginator:
            self.paginator.ordering = (ordering, "-id" if ordering.startswith("-") else "id")  # type: ignore[attr-defined]
        return super().paginate_queryset(queryset)

    @extend_schema(parameters=PRODUCT_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = product_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(product_outputs(list(rows)))
        return self.get_paginated_response(product_outputs(page))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # As RetrieveModelMixin, but the product is read as a row (product_outputs). A
        # comment, not a docstring: drf-spectacular would publish a docstring.
        lookup = self.lookup_url_kwarg or self.lookup_field
        rows: Any = product_rows(self.filter_queryset(self.get_queryset()))
        row = get_object_or_404(rows, **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(request, row)
        return Response(product_outputs([row])[0])

    @extend_schema(request=ProductInputSerializer, responses={201: ProductSerializer})
    def create(self, request: Request) -> Response:
        serializer = ProductInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The SKU as the import rules store it ("A  B" is "A B"), so a taken one is caught.
        sku = single_line(serializer.validated_data["sku"])
        if self.get_queryset().filter(sku=sku).exists():
            raise Conflict("A product with this SKU exists; PATCH it instead.", code="sku_taken")
        _, errors = services.products_upsert_json(
            store=self.store, items=[_product_item(serializer.validated_data)]
        )
        _raise_row_errors(errors)
        product = self.get_queryset().get(sku=sku)
        return Response(ProductSerializer(product).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProductInputSerializer, responses=ProductSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        product = self.get_object()
        serializer = ProductInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = _product_item(serializer.validated_data)
        changes.pop("sku", None)  # the SKU is the product's identity
        _, errors = services.products_upsert_json(
            store=self.store, items=[{**_product_as_item(product), **changes}]
        )
        _raise_row_errors(errors)
        return Response(ProductSerializer(self.get_object()).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.product_delete(product=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=BulkInputSerializer, responses=UpsertResultSerializer)
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        """Upsert up to 1,000 products at once. Nothing is saved if any is invalid."""
        serializer = BulkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        counts, errors = services.products_upsert_json(
            store=self.store, items=serializer.validated_data["products"]
        )
        _raise_row_errors(errors)
        return Response(
            {"created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged}
        )

    @extend_schema(parameters=PRODUCT_FILTERS, responses={(200, "text/csv"): OpenApiTypes.STR})
    def export(self, request: Request) -> StreamingHttpResponse:
        """The products as CSV in our format; cells that look like formulas are neutralised."""
        products = self.get_queryset().order_by("id")
        response = StreamingHttpResponse(_csv_rows(products), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="products.csv"'
        return response


def _csv_rows(products: Any) -> Iterator[str]:
    """Our CSV format (re-importable), one product at a time."""
    return iter_csv_export(record_from_product(p) for p in products.iterator(chunk_size=500))
