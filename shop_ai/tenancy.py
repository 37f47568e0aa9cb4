"""Who is asking, for which store, with what rights: the one place a request gets its store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from shop_ai.models import ApiKey, Role, Store
from shop_ai.selectors import membership_for

SESSION_STORE_KEY = "shop_ai_store_id"


@dataclass(frozen=True)
class Tenant:
    """The requester's store and rights. Every store-owned query is filtered by ``store``."""

    store: Store
    role: str | None = None  # set for portal users
    api_key: ApiKey | None = None  # set for API-key requests

    @property
    def can_write(self) -> bool:
        if self.api_key is not None:
            return self.api_key.allows_write()
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.api_key is None and self.role == Role.OWNER


def resolve_tenant(request: HttpRequest | Any) -> Tenant | None:
    """The tenant for a Django or DRF request, from its API key or its session user."""
    auth = getattr(request, "auth", None)
    return tenant_for(
        api_key=auth if isinstance(auth, ApiKey) else None,
        user=getattr(request, "user", None),
        session=getattr(request, "session", None),
    )


def tenant_for(*, api_key: ApiKey | None, user: Any, session: Any) -> Tenant | None:
    """The tenant of a key, or of a signed-in user in the store their session chose.

    Shared by HTTP requests and WebSocket scopes, which carry the same three things.
    """
    if api_key is not None:
        return Tenant(store=api_key.store, api_key=api_key)
    if user is None or not user.is_authenticated:
        return None
    store_id = session.get(SESSION_STORE_KEY) if session is not None else None
    membership = membership_for(user, store_id)
    if membership is None:
        return None
    return Tenant(store=membership.store, role=membership.role)
