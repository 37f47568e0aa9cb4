"""WebSocket plumbing: authentication for sockets by session cookie or API key."""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings

from shop_ai.models import ApiKey
from shop_ai.services import api_key_authenticate


@database_sync_to_async
def _api_key_from_header(raw_key: str) -> ApiKey | None:
    return api_key_authenticate(raw_key)


class ApiKeySocketMiddleware(BaseMiddleware):
    """Puts ``scope["api_key"]`` for sockets opened with ``Authorization: Bearer <key>``.

    Server-side clients (a store platform's studio tooling) send the header; browsers rely
    on the session cookie, handled by Channels' own auth middleware.
    """

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope, api_key=None)
        for name, value in scope.get("headers", []):
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                scope["api_key"] = await _api_key_from_header(value[7:].decode("latin-1").strip())
        return await super().__call__(scope, receive, send)


def SocketAuthStack(inner: Any) -> Any:
    return ApiKeySocketMiddleware(AuthMiddlewareStack(inner))


class BrowserOriginValidator(OriginValidator):
    """Refuses sockets whose ``Origin`` is not one of our hosts.

    Cross-site socket hijacking needs a browser, and browsers always send ``Origin``; a
    server-side client sends none and authenticates with its API key, so a missing
    ``Origin`` is allowed (Channels' own validator refuses it).
    """

    def valid_origin(self, parsed_origin: Any) -> bool:
        if parsed_origin is None:
            return True
        return bool(self.validate_origin(parsed_origin))


def OriginCheck(inner: Any) -> BrowserOriginValidator:
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG:
        allowed += ["localhost", "127.0.0.1", "[::1]"]
    return BrowserOriginValidator(inner, allowed)
