"""Catalog reads, always within one store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from catalog.models import ImportJob, ImportRowError, Product
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
