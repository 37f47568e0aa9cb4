"""Where host runners run: one room per `run_live_host` process, or all rooms in the ASGI app.

Production runs ``manage.py run_live_host ROOM`` per room (the session lease makes a second
copy wait). The embedded mode has no process manager, so the ASGI process supervises every
room itself: at start-up (the ASGI lifespan) it begins watching for rooms that go on air.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from channels.db import database_sync_to_async

from content import facade as content_facade
from livestream.host.answers import AnswerIndex, answer_question
from livestream.host.engine import ProductFacts
from livestream.models import LiveRoom, RoomStatus
from livestream.runner import Answerer, HostRunner, Reply
from livestream.voice import MediaAudioStore, RoomVoice
from locales import get_locale

logger = logging.getLogger(__name__)

SUPERVISE_POLL_S = 1.0


class CatalogAnswerer:
    """Answers from the room's catalog facts, retrieved by meaning (``answers.py``)."""

    def __init__(self, room: LiveRoom, facts: Mapping[int, ProductFacts]) -> None:
        import torch

        # One short question at a time: a single thread embeds it in ~15 ms, while two
        # threads contending with the web server and speech took 200 ms and more here.
        torch.set_num_threads(1)
        self.locale = get_locale(room.locale)
        self.max_discount_pct = Decimal(room.max_discount_pct)
        # SHOP_AI_PROVIDERS["embeddings"], built once per process and shared by every room.
        self.embeddings = content_facade.embeddings_backend()
        self.index = AnswerIndex.build(facts, embeddings=self.embeddings, locale=self.locale)

    def answer(
        self, question: str, *, product_id: int | None, facts: Mapping[int, ProductFacts]
    ) -> Reply:
        result = answer_question(
            question,
            index=self.index,
            current_product_id=product_id,
            facts_by_product=facts,
            locale=self.locale,
            max_discount_pct=self.max_discount_pct,
        )
        return Reply(
            text=result.text, flag_for_team=result.flag_for_team, product_id=result.product_id
        )


def catalog_answerer(room: LiveRoom, facts: Mapping[int, ProductFacts]) -> Answerer:
    return CatalogAnswerer(room, facts)


def build_runner(room: LiveRoom, **options: Any) -> HostRunner:
    voice = RoomVoice(locale=room.locale, backend=room.voice, room_slug=room.slug)
    return HostRunner(
        room.pk,
        voice=voice,
        answerer_factory=catalog_answerer,
        audio_store=MediaAudioStore(),
        **options,
    )


def _rooms_on_air() -> list[LiveRoom]:
    return list(LiveRoom.objects.filter(status__in=[RoomStatus.LIVE, RoomStatus.PAUSED]))


async def supervise(stop: asyncio.Event) -> None:
    """Keep one runner task per room that is on air, for as long as ``stop`` is unset."""
    tasks: dict[int, asyncio.Task[None]] = {}
    try:
        while not stop.is_set():
            for room in await database_sync_to_async(_rooms_on_air)():
                task = tasks.get(room.pk)
                if task is None or task.done():
                    runner = await database_sync_to_async(build_runner)(room)
                    tasks[room.pk] = asyncio.create_task(runner.run(stop), name=f"live-{room.slug}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SUPERVISE_POLL_S)
    finally:
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)


class LiveLifespan:
    """The ASGI lifespan app: starts `supervise` with the server and stops it with it."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.task = asyncio.create_task(supervise(self.stop), name="live-supervisor")
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.stop.set()
                if self.task is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self.task, 10)
                await send({"type": "lifespan.shutdown.complete"})
                return
