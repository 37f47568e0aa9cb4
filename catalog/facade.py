"""What other apps may ask of the catalog: frozen product facts, a product's photo, stock changes.

Content and the live room read products only through these functions; the values they
return are frozen, so no caller can write a product back by accident, and the catalog can
change its tables without touching them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog.models import ImageStatus, Product, ProductImage, ProductVariant


@dataclass(frozen=True)
class VariantFacts:
    sku: str
    title: str
    options: Mapping[str, str]
    price: Decimal
    compare_at_price: Decimal | None
    stock: int | None


@dataclass(frozen=True)
class ProductFacts:
    """One product as the catalog holds it now (never a cached copy)."""

    id: int
    store_id: int
    sku: str
    title: str
    description: str  # plain text, sanitised at import
    brand: str
    category: str
    price: Decimal
    currency: str
    compare_at_price: Decimal | None
    stock: int | None
    attributes: Mapping[str, Any]
    tags: tuple[str, ...]
    variants: tuple[VariantFacts, ...]
    content_hash: str

    @property
    def in_stock(self) -> bool:
        return self.stock != 0

    def variant_options(self) -> dict[str, list[str]]:
        """Each option name with its values across the variants, in first-seen order."""
        options: dict[str, list[str]] = {}
        for variant in self.variants:
            for key, value in variant.options.items():
                values = options.setdefault(key, [])
                if value not in values:
                    values.append(value)
        return options


@dataclass(frozen=True)
class ProductPhoto:
    """The product's first checked photo: a stored file name and its content hash."""

    product_id: int
    file_name: str
    thumbnail_name: str  # "" until a thumbnail was made
    sha256: str
    alt: str
    width: int | None
    height: int | None


def _variant_facts(variant: ProductVariant) -> VariantFacts:
    return VariantFacts(
        sku=variant.sku,
        title=variant.title,
        options=MappingProxyType({str(k): str(v) for k, v in (variant.options or {}).items()}),
        price=variant.price,
        compare_at_price=variant.compare_at_price,
        stock=variant.stock,
    )


def _product_facts(product: Product) -> ProductFacts:
    return ProductFacts(
        id=product.pk,
        store_id=product.store_id,
        sku=product.sku,
        title=product.title,
        description=product.description_text,
        brand=product.brand,
        category=product.category,
        price=Decimal(product.price),
        currency=product.currency,
        compare_at_price=product.compare_at_price,
        stock=product.stock,
        attributes=MappingProxyType(dict(product.attributes or {})),
        tags=tuple(str(tag) for tag in (product.tags or ())),
        variants=tuple(_variant_facts(variant) for variant in product.variants.all()),
        content_hash=product.content_hash,
    )


def products_facts(*, store_id: int, product_ids: Iterable[int]) -> dict[int, ProductFacts]:
    """The facts of those of ``product_ids`` that belong to the store, by id."""
    products = Product.objects.filter(store_id=store_id, pk__in=list(product_ids))
    return {
        product.pk: _product_facts(product)
        for product in products.prefetch_related("variants").order_by("pk")
    }


def product_facts(*, store_id: int, product_id: int) -> ProductFacts | None:
    """One product's facts, or None when the store has no such product."""
    return products_facts(store_id=store_id, product_ids=[product_id]).get(product_id)


def product_ids_in_store(*, store_id: int, product_ids: Iterable[int]) -> set[int]:
    """Which of ``product_ids`` are the store's: another store's product is not there."""
    wanted = list(product_ids)
    return set(
        Product.objects.filter(store_id=store_id, pk__in=wanted).values_list("pk", flat=True)
    )


def product_photo(*, product_id: int) -> ProductPhoto | None:
    """The first photo that passed the image checks and has a stored file, or None."""
    image = (
        ProductImage.objects.filter(product_id=product_id, status=ImageStatus.READY)
        .exclude(file="")
        .order_by("position", "pk")
        .first()
    )
    if image is None:
        return None
    return ProductPhoto(
        product_id=product_id,
        file_name=image.file.name,
        thumbnail_name=image.thumbnail.name or "",
        sha256=image.sha256,
        alt=image.alt,
        width=image.width,
        height=image.height,
    )


@transaction.atomic
def stock_set(*, store_id: int, product_id: int, stock: int) -> ProductFacts | None:
    """Record the stock a store platform reports; None when the store has no such product.

    The import hashes are blanked: the stored product no longer matches its last import, so
    re-importing that file writes the file's stock back instead of skipping it.
    """
    if stock < 0:
        raise ValueError("stock must be 0 or more")
    updated = Product.objects.filter(store_id=store_id, pk=product_id).update(
        stock=stock, import_hash="", source_digest="", updated_at=timezone.now()
    )
    if not updated:
        return None
    return product_facts(store_id=store_id, product_id=product_id)
