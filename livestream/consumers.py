"""Live-room sockets: ``/ws/live/<room>/`` for viewers and ``/ws/studio/<room>/`` for sellers.

Both are thin. Every frame is read once against the socket's declared frame types
(``livestream.protocol``): a binary frame, text that is not JSON, an unknown type or a field
of the wrong type or size gets a notice (an ``error`` on the studio socket) and goes no
further, so no frame a client sends can raise in the server. Viewers' comments and likes are
capped here and forwarded to the room's runner as typed messages; the runner moderates and
decides; the feed it sends is relayed as is.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any, cast
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core import signing

from livestream import fanout, selectors, services
from livestream.host.messages import (
    MessageError,
    RunnerMessage,
    ViewerComment,
    ViewerJoin,
    ViewerLeave,
    ViewerLike,
    check_fields,
)
from livestream.models import LiveRoom
from livestream.protocol import (
    STUDIO_FRAMES,
    VIEWER_FRAMES,
    CommentFrame,
    LikeFrame,
    Ping,
    StudioCommand,
    decode_frame,
    feed_group,
    frame_type,
    read_frame,
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
        await self._tell_runner(ViewerJoin(channel=self.channel_name))

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
        await self._tell_runner(ViewerLeave(channel=self.channel_name))

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
        self._in_background(self._tell_runner(ViewerJoin(channel=self.channel_name)))

    def _in_background(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self.background.add(task)  # held so it is not collected before it runs
        task.add_done_callback(self.background.discard)

    async def _write(self) -> None:
        while True:
            await self.send(text_data=await self.outbox.get())

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Replaces the JSON consumer's decoding, which raised on binary frames and bad JSON.
        try:
            data = decode_frame(text_data, bytes_data)
            kind = frame_type(data, VIEWER_FRAMES)
        except MessageError as error:
            await self._notice(error.code, error.text)
            return
        if kind is Ping:
            await self.send_json({"type": "pong"})
            return
        # Paced before the fields are read, so a flood of malformed frames is paced too.
        if not self.pacer.take():
            await self._notice("comment_rate_limited", "Slow down a little, please.")
            return
        try:
            frame = check_fields(kind, data)
        except MessageError as error:
            await self._notice(error.code, error.text)
            return
        if isinstance(frame, CommentFrame):
            await self._tell_runner(
                ViewerComment(
                    viewer_id=self.viewer_id, text=frame.text, reply_channel=self.channel_name
                )
            )
        elif isinstance(frame, LikeFrame):
            await self._tell_runner(ViewerLike(viewer_id=self.viewer_id, count=frame.count))

    async def live_message(self, event: dict[str, Any]) -> None:
        """A message for this viewer alone (a refusal of their comment)."""
        await self.send_json(event["message"])

    async def _tell_runner(self, message: RunnerMessage) -> None:
        assert self.room is not None
        await self.channel_layer.group_send(runner_group(self.room.pk), message.to_wire())

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

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            data = decode_frame(text_data, bytes_data)
            kind = frame_type(data, STUDIO_FRAMES)
        except MessageError as error:
            code = "invalid_command" if error.code == "invalid_message" else error.code
            await self._error(code, error.text)
            return
        if kind is Ping:
            await self.send_json({"type": "pong"})
            return
        if not self.can_write:
            await self._error("permission_denied", "Read-only access.")
            return
        assert self.room is not None
        try:
            command = read_frame(data, STUDIO_FRAMES)
        except MessageError as error:
            await self._error(error.code, error.text)
            return
        try:
            await database_sync_to_async(services.studio_command)(
                # Every studio frame but the ping (answered above) is a command.
                room=self.room,
                command=cast(StudioCommand, command),
            )
        except DomainError as error:
            await self._error(error.code, error.message)
            return
        await self.send_json({"type": "ack", "command": command.TYPE})

    async def _error(self, code: str, text: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": text})

    async def live_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event["message"])

    async def live_roll_call(self, event: dict[str, Any]) -> None:
        pass  # the studio is not a viewer
