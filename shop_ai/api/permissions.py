"""One permission class for every API view: a store is required, and rights follow role/scope."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from shop_ai.http import ApiRequest
from shop_ai.tenancy import resolve_tenant


class StoreAccess(BasePermission):
    """Resolves the requester's store onto ``request.tenant`` and checks rights.

    Reads need any member or key of the store; writes need an editor, an owner or a
    write-scoped key; views that set ``owner_only = True`` need a signed-in owner.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.auth is None and not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        tenant = resolve_tenant(request)
        if tenant is None:
            raise exceptions.PermissionDenied(
                "This account is not a member of any store.", code="no_store"
            )
        cast(ApiRequest, request).tenant = tenant
        if getattr(view, "owner_only", False) and not tenant.is_owner:
            raise exceptions.PermissionDenied(
                "Only a store owner signed in to the portal may do this.", code="owner_required"
            )
        if request.method not in SAFE_METHODS and not tenant.can_write:
            raise exceptions.PermissionDenied(
                "This key or role may only read.", code="write_scope_required"
            )
        return True
