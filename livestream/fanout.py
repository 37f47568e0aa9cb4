"""Local fan-out of a room's feed: one channel-layer subscription per room per process.

Joining every viewer's socket to the channel-layer group costs one Redis message per viewer
per broadcast, and that caps one process at a few hundred viewers. Instead each process
subscribes once per room and hands the message, serialized once, to its local viewers.
Each viewer has a bounded outbox drained by its own writer, so one slow connection never
holds up the rest: when its outbox overflows it is closed and reconnects to a fresh `hello`.
When the subscription breaks (Redis restarted or unreachable), it is made again as soon as
Redis answers and every local viewer is resynced the same way, since messages were lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, Protocol

from channels.layers import BaseChannelLayer

from livestream.host.messages import FeedMessage, RollCall
from livestream.protocol import feed_group

logger = logging.getLogger(__name__)

# Re-join the group this often: channel-layer group membership expires (a day by default in
# channels_redis) and is lost if Redis restarts, while a 24/7 room's subscription must not.
REJOIN_S = 30.0
# While Redis is away, try to subscribe again this often.
RETRY_S = 0.5


class FeedMember(Protocol):
    def deliver(self, text: str) -> None: ...

    def roll_call(self) -> None: ...

    def resync(self) -> None: ...


class RoomFeed:
    """This process's subscription to one room's feed, shared by its local viewers."""

    def __init__(self, room_id: int, layer: BaseChannelLayer) -> None:
        self.room_id = room_id
        self.layer = layer
        self.members: set[FeedMember] = set()
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def start(self) -> None:
        self.task = asyncio.create_task(self._pump(), name=f"feed-{self.room_id}")

    async def _pump(self) -> None:
        # The default prefix matters with channels_redis: every channel of this process then
        # shares one Redis list, read by one loop, instead of competing for the receive lock.
        channel = await self.layer.new_channel()
        group = feed_group(self.room_id)
        await self._subscribe(group, channel, broken=False)
        self.ready.set()
        rejoin = asyncio.create_task(self._rejoin(group, channel))
        try:
            while True:
                try:
                    message = await self.layer.receive(channel)
                except Exception:
                    # The layer lost Redis. A restarted Redis forgot the group's members and
                    # what was sent meanwhile is gone.
                    logger.warning("room %s: feed subscription broken; renewing", self.room_id)
                    await asyncio.sleep(RETRY_S)
                    await self._subscribe(group, channel, broken=True)
                    continue
                self._fan_out(message)
        finally:
            rejoin.cancel()
            with contextlib.suppress(Exception):
                await self.layer.group_discard(group, channel)

    async def _subscribe(self, group: str, channel: str, *, broken: bool) -> None:
        """Join the feed's group, retrying while Redis is away. Viewers who were here before
        a break, or joined while this waited, may have missed messages: they resync."""
        while True:
            try:
                await self.layer.group_add(group, channel)
                break
            except Exception:
                broken = True
                await asyncio.sleep(RETRY_S)
        if broken:
            for member in list(self.members):
                member.resync()

    async def _rejoin(self, group: str, channel: str) -> None:
        while True:
            await asyncio.sleep(REJOIN_S)
            try:
                await self.layer.group_add(group, channel)
            except Exception:  # Redis may be restarting; the next round tries again
                logger.warning("room %s: could not renew the feed subscription", self.room_id)

    def _fan_out(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == FeedMessage.TYPE:
            text = json.dumps(message["message"], ensure_ascii=False, separators=(",", ":"))
            for member in list(self.members):
                member.deliver(text)
        elif kind == RollCall.TYPE:
            for member in list(self.members):
                member.roll_call()


# Keyed by event loop too: a feed's task belongs to the loop that started it.
_FEEDS: dict[tuple[int, int], RoomFeed] = {}


def _key(room_id: int) -> tuple[int, int]:
    return id(asyncio.get_running_loop()), room_id


async def join(room_id: int, member: FeedMember, layer: BaseChannelLayer) -> None:
    feed = _FEEDS.get(_key(room_id))
    if feed is None or feed.task is None or feed.task.done():
        feed = RoomFeed(room_id, layer)
        _FEEDS[_key(room_id)] = feed
        feed.start()
    feed.members.add(member)
    await feed.ready.wait()


def leave(room_id: int, member: FeedMember) -> None:
    feed = _FEEDS.get(_key(room_id))
    if feed is None:
        return
    feed.members.discard(member)
    if not feed.members and feed.task is not None:
        feed.task.cancel()
        del _FEEDS[_key(room_id)]
