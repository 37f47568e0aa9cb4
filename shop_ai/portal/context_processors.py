"""Template context every portal page needs: the current store and the user's stores."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from shop_ai.selectors import memberships_for_user


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"run_mode": settings.RUN_MODE}
    tenant = getattr(request, "tenant", None)
    return {
        "run_mode": settings.RUN_MODE,
        "current_tenant": tenant if tenant else None,
        "my_memberships": list(memberships_for_user(user)),
    }
