"""Typed requests: what our middleware and the API's permission class add to a request.

``CurrentStoreMiddleware`` puts the requester's tenant (lazily, None without a store) and
django-htmx's ``HtmxMiddleware`` its details on every portal request; behind
``store_member_required`` the tenant is known to be there. ``StoreAccess`` puts the tenant
on every API request it lets through. Views annotate their request with these instead of
silencing the type checker at each use.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from shop_ai.tenancy import Tenant


class PortalRequest(HttpRequest):
    """A request after the portal's middleware."""

    tenant: Tenant | None
    htmx: HtmxDetails


class TenantRequest(PortalRequest):
    """A portal request behind ``store_member_required``: it has a tenant."""

    tenant: Tenant


class ApiRequest(Request):
    """An API request that ``StoreAccess`` let through."""

    tenant: Tenant
