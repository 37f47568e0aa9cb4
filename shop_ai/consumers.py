"""The studio socket: a store's members and keys receive live events about their store."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from shop_ai.after_commit import store_group
from shop_ai.models import Store
from shop_ai.tenancy import tenant_for

MAX_FRAME_CHARS = 8192


@database_sync_to_async
def _store_for_scope(scope: dict[str, Any]) -> Store | None:
    tenant = tenant_for(
        api_key=scope.get("api_key"), user=scope.get("user"), session=scope.get("session")
    )
    return tenant.store if tenant is not None else None


class StudioConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/studio/``: joins the requester's store group and relays its events.

    Events arrive from ``shop_ai.after_commit.broadcast`` as ``{"type": "store.event",
    "event": {...}}`` and go to the client as the inner event.
    """

    store_id: int | None = None

    async def connect(self) -> None:
        store = await _store_for_scope(self.scope)
        if store is None:
            await self.close(code=4401)
            return
        self.store_id = store.pk
        await self.channel_layer.group_add(store_group(store.pk), self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "store": {"id": store.pk, "slug": store.slug}})

    async def disconnect(self, code: int) -> None:
        if self.store_id is not None:
            await self.channel_layer.group_discard(store_group(self.store_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Read here rather than by the JSON consumer, which raised on binary frames and bad
        # JSON; only a ping asks for an answer, anything else readable is ignored.
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self._notice("invalid_frame", "Send JSON text frames.")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # not JSON; too many digits; nested too deep
            await self._notice("invalid_json", "That frame is not valid JSON.")
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def _notice(self, code: str, text: str) -> None:
        await self.send_json({"type": "notice", "code": code, "text": text})

    async def store_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
