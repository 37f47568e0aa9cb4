"""REST API for products: list, read, upsert by SKU, bulk upsert, delete, CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.errors import SKU_TAKEN
from catalog.api.imports import RowErrorSerializer
from catalog.formats import iter_csv_export
from catalog.formats.fields import single_line
from catalog.models import Product
from catalog.outputs import ProductSerializer, product_outputs
from catalog.services import record_from_product
from shop_ai.api.errors import error_responses
from shop_ai.api.views import StoreScopedViewSet
from shop_ai.errors import DomainError

MAX_BULK = 1_000


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
        rows = selectors.product_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(product_outputs(selectors.with_children(list(rows))))
        return self.get_paginated_response(product_outputs(selectors.with_children(page)))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # As RetrieveModelMixin, but the product is read as a row (product_outputs). A
        # comment, not a docstring: drf-spectacular would publish a docstring.
        lookup = self.lookup_url_kwarg or self.lookup_field
        rows: Any = selectors.product_rows(self.filter_queryset(self.get_queryset()))
        row = get_object_or_404(rows, **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(request, row)
        return Response(product_outputs(selectors.with_children([row]))[0])

    @extend_schema(
        request=ProductInputSerializer,
        responses={201: ProductSerializer, **error_responses(SKU_TAKEN)},
    )
    def create(self, request: Request) -> Response:
        serializer = ProductInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The SKU as the import rules store it ("A  B" is "A B"), so a taken one is caught.
        sku = single_line(serializer.validated_data["sku"])
        if self.get_queryset().filter(sku=sku).exists():
            raise SKU_TAKEN("A product with this SKU exists; PATCH it instead.")
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
