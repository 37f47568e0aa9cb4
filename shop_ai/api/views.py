"""Shared API view base: every queryset is scoped to the requester's store."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet
from rest_framework import generics, viewsets
from rest_framework.exceptions import ValidationError

from shop_ai.http import ApiRequest
from shop_ai.models import Store
from shop_ai.tenancy import Tenant

ModelT = TypeVar("ModelT", bound=Model)


class StoreScopedMixin:
    """Filters ``queryset`` by the requester's store through ``store_field``.

    A row of another store is simply not in the queryset, so it answers 404, never 403.
    """

    store_field = "store"
    request: Any

    @property
    def tenant(self) -> Tenant:
        # StoreAccess, every view's permission, put it there.
        return cast(ApiRequest, self.request).tenant

    @property
    def store(self) -> Store:
        return self.tenant.store

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset()  # type: ignore[misc]
        return queryset.filter(**{self.store_field: self.store})


class StoreScopedGenericAPIView(StoreScopedMixin, generics.GenericAPIView[ModelT]):
    pass


class StoreScopedViewSet(StoreScopedMixin, viewsets.GenericViewSet[ModelT]):
    pass


# The largest id PostgreSQL's bigint (and SQLite's integer) can hold.
MAX_ID = 2**63 - 1


def id_param(params: Any, name: str) -> int | None:
    """The id in query parameter `name`, or None when absent; anything else is a 400.

    Without this, `?product=null` reaches `.filter(product_id="null")` and a 500.
    """
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise ValidationError({name: "Must be a whole-number id."})
    return int(raw)
