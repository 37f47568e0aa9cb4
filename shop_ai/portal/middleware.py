"""Attaches the signed-in user's current store to every portal request."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from shop_ai.http import PortalRequest
from shop_ai.tenancy import Tenant, resolve_tenant


class CurrentStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Lazy: API requests resolve their own tenant from the key and never pay this query.
        # A lazy stand-in that reads as the tenant (or None) once it is first used.
        lazy = SimpleLazyObject(lambda: resolve_tenant(request))
        cast(PortalRequest, request).tenant = cast(Tenant | None, lazy)
        return self.get_response(request)
