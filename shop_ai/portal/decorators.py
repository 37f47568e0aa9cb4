"""Portal access: signed in, a member of a store, and the role a page needs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from shop_ai.http import PortalRequest
from shop_ai.models import Role

ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.OWNER: 2}

View = Callable[..., HttpResponse]


def store_member_required(role: str = Role.VIEWER) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            tenant = request.tenant
            if not tenant:
                return render(request, "portal/no_store.html", status=403)
            # A portal tenant always has a role; only an API key's has none.
            if tenant.role is None or ROLE_RANK[Role(tenant.role)] < ROLE_RANK[Role(role)]:
                raise PermissionDenied(f"This page needs the {role} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
