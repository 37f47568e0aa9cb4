"""Live-room sockets: ``/ws/live/<room>/`` for viewers and ``/ws/studio/<room>/`` for sellers.

Both are thin. Viewers' comments and likes are capped here and forwarded to the room's
runner, which moderates and decides; the feed the runner sends is relayed as is.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core import signing

from livestream import fanout, selectors, services
from livestream.models import LiveRoom
from livestream.protocol import (
    MAX_COMMENT_CHARS,
    MAX_LIKES_PER_MESSAGE,
    feed_group,
    runner_group,
    studio_group,
)
from shop_ai.errors import DomainError
from shop_ai.tenancy import tenant_for

VIEWER_TOKEN_SALT = "livestream.viewer"  # noqa: S105 - a signing namespace, not a secret
VIEWER_TOKEN_MAX_AGE_S = 30 * 24 * 3600
# Per-connection pacing before anything reaches the runner; the runner's moderation keeps its
# own per-viewer budget across connections.
SOCKET_RATE_PER_S = 2.0
SOCKET_BURST = 6.0
CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_SLOW = 4408
# "Service restart": the feed lost messages (Redis restarted); reconnect for a fresh hello.
CLOSE_RESYNC = 1012
# Feed messages waiting for a slow connection; about 20 s of a busy room.
OUTBOX_SIZE = 128


def issue_viewer_token(room_id: int, viewer_id: str | None = None) -> tuple[str, str]:
    """A signed token naming an anonymous viewer of one room; returns (token, viewer id)."""
    viewer_id = viewer_id or "v_" + secrets.token_urlsafe(9)
    return signing.dumps({"v": viewer_id, "r": room_id}, salt=VIEWER_TOKEN_SALT), viewer_id


def read_viewer_token(token: str, room_id: int) -> str | None:
    try:
        data = signing.loads(token, salt=VIEWER_TOKEN_SALT, max_age=VIEWER_TOKEN_MAX_AGE_S)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("r") != room_id:
        return None
    viewer_id = data.get("v")
    return viewer_id if isinstance(viewer_id, str) else None


class _Pacer:
    """A token bucket for one socket."""

    def __init__(self) -> None:
        self.tokens = SOCKET_BURST
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(SOCKET_BURST, self.tokens + (now - self.updated) * SOCKET_RATE_PER_S)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _query_param(scope: dict[str, Any], name: str) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[0] if values else ""


@database_sync_to_async
def _room_by_slug(slug: str) -> LiveRoom | None:
    return LiveRoom.objects.filter(slug=slug).first()


class ViewerConsumer(AsyncJsonWebsocketConsumer):
    """A viewer's player: anonymous, identified by a server-issued viewer token.

    The room's feed reaches it through this process's shared subscription (``fanout``),
    as text serialized once, queued in a bounded outbox and written by its own task.
    """

    room: LiveRoom | None = None
    viewer_id = ""
    writer: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.room = await _room_by_slug(self.scope["url_route"]["kwargs"]["slug"])
        if self.room is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        token = _query_param(self.scope, "token")
        viewer_id = read_viewer_token(token, self.room.pk) if token else None
        if token and viewer_id is None:
            await self.close(code=CLOSE_FORBIDDEN)  # forged, expired or another room's
            return
        token, self.viewer_id = issue_viewer_token(self.room.pk, viewer_id)
        self.pacer = _Pacer()
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=OUTBOX_SIZE)
        self.background: set[asyncio.Future[Any]] = set()
        await self.accept()
        hello = await database_sync_to_async(selectors.room_hello)(self.room, viewer_token=token)
        await self.send_json(hello)
        # Joined after the hello, so what follows it is newer than the state it describes.
        self.writer = asyncio.create_task(self._write())
        await fanout.join(self.room.pk, self, self.channel_layer)
        await self._tell_runner({"type": "viewer.join", "channel": self.channel_name})

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also when the consumer dies without `disconnect` (the channel layer lost Redis
            # under it): the feed must not keep feeding a dead socket.
            self._leave_feed()

    async def disconnect(self, code: int) -> None:
        if self.room is None:
            return
        self._leave_feed()
        await self._tell_runner({"type": "viewer.leave", "channel": self.channel_name})

    def _leave_feed(self) -> None:
        if self.room is not None:
            fanout.leave(self.room.pk, self)
        if self.writer is not None:
            self.writer.cancel()

    def deliver(self, text: str) -> None:
        """Queue a feed message; a viewer too slow to keep up is dropped and reconnects."""
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self.outbox = asyncio.Queue(maxsize=OUTBOX_SIZE)
            self._in_background(self.close(code=CLOSE_TOO_SLOW))

    def resync(self) -> None:
        """The feed had a gap: reconnecting gets a `hello` with the room as it is now."""
        self._in_background(self.close(code=CLOSE_RESYNC))

    def roll_call(self) -> None:
        self._in_background(
            self._tell_runner({"type": "viewer.join", "channel": self.channel_name})
        )

    def _in_background(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self.background.add(task)  # held so it is not collected before it runs
        task.add_done_callback(self.background.discard)

    async def _write(self) -> None:
        while True:
            await self.send(text_data=await self.outbox.get())

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind not in ("comment", "like"):
            await self._notice("invalid_message", "Send `comment` or `like` messages.")
            return
        if not self.pacer.take():
            await self._notice("comment_rate_limited", "Slow down a little, please.")
            return
        if kind == "comment":
            text = content.get("text")
            if not isinstance(text, str) or not text.strip():
                await self._notice("invalid_message", "A comment needs text.")
                return
            if len(text) > MAX_COMMENT_CHARS:
                await self._notice(
                    "comment_too_long", f"Comments are at most {MAX_COMMENT_CHARS} characters."
                )
                return
            await self._tell_runner(
                {
                    "type": "viewer.comment",
                    "viewer_id": self.viewer_id,
                    "text": text,
                    "reply_channel": self.channel_name,
                }
            )
        else:
            count = content.get("count", 1)
            if not isinstance(count, int) or not 1 <= count <= MAX_LIKES_PER_MESSAGE:
                count = 1
            await self._tell_runner(
                {"type": "viewer.like", "viewer_id": self.viewer_id, "count": count}
            )

    async def live_message(self, event: dict[str, Any]) -> None:
        """A message for this viewer alone (a refusal of their comment)."""
        await self.send_json(event["message"])

    async def _tell_runner(self, message: dict[str, Any]) -> None:
        assert self.room is not None
        await self.channel_layer.group_send(runner_group(self.room.pk), message)

    async def _notice(self, code: str, text: str) -> None:
        await self.send_json({"type": "notice", "code": code, "text": text})


@database_sync_to_async
def _studio_room(scope: dict[str, Any], room_id: int) -> tuple[LiveRoom | None, bool]:
    tenant = tenant_for(
        api_key=scope.get("api_key"), user=scope.get("user"), session=scope.get("session")
    )
    if tenant is None:
        return None, False
    room = selectors.rooms_for_store(tenant.store).filter(pk=room_id).first()
    return room, tenant.can_write


class StudioRoomConsumer(AsyncJsonWebsocketConsumer):
    """The seller's control panel for one room: the feed, the queue, and commands."""

    room: LiveRoom | None = None
    can_write = False

    async def connect(self) -> None:
        room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        has_credentials = bool(self.scope.get("api_key")) or getattr(
            self.scope.get("user"), "is_authenticated", False
        )
        if not has_credentials:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.room, self.can_write = await _studio_room(self.scope, room_id)
        if self.room is None:
            # Another store's room and a missing one look the same: not found.
            await self.close(code=CLOSE_NOT_FOUND)
            return
        for group in (feed_group(self.room.pk), studio_group(self.room.pk)):
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json(await database_sync_to_async(selectors.studio_snapshot)(self.room))

    async def disconnect(self, code: int) -> None:
        if self.room is None:
            return
        for group in (feed_group(self.room.pk), studio_group(self.room.pk)):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        if not self.can_write:
            await self.send_json(
                {"type": "error", "code": "permission_denied", "message": "Read-only access."}
            )
            return
        assert self.room is not None
        try:
            await database_sync_to_async(services.studio_command)(room=self.room, command=content)
        except DomainError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})
            return
        await self.send_json({"type": "ack", "command": content.get("type")})

    async def live_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["message"])

    async def live_roll_call(self, event: dict[str, Any]) -> None:
        pass  # the studio is not a viewer
