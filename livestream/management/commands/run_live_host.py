"""Run one live room's synthetic host until stopped (SIGTERM or Ctrl-C)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from livestream.hosting import build_runner
from livestream.models import LiveRoom


class Command(BaseCommand):
    help = (
        "Host a live room: waits while it is off air, speaks while it is on air, and resumes "
        "from saved state after a restart. One runner holds a room at a time; a second one "
        "waits and takes over within seconds if the first dies."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("room", help="The room's slug or id.")

    def handle(self, *args: Any, room: str, **options: Any) -> None:
        lookup = {"pk": int(room)} if room.isdigit() else {"slug": room}
        found = LiveRoom.objects.filter(**lookup).first()
        if found is None:
            raise CommandError(f"No live room {room!r}.")
        runner = build_runner(found)
        self.stdout.write(f"Hosting room {found.slug} as runner {runner.runner_id}")
        self.stdout.flush()
        asyncio.run(self._run(runner))

    async def _run(self, runner: Any) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await runner.run(stop)
