"""Serve the embedded mode: the ASGI app and, beside it, the Celery worker (with beat) it needs."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

WORKER_ARGS = [
    "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
    "--hostname=embedded@%h",
    # Beat inside the one worker: it runs the reconciler that sends lost generation work
    # again (CELERY_BEAT_SCHEDULE). Fine for a single worker only.
    "--beat",
]  # fmt: skip


class Command(BaseCommand):
    help = "Run the web server and, in the embedded mode, a Celery worker on the folder broker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start a worker.")

    def handle(self, *args: Any, host: str, port: int, no_worker: bool, **options: Any) -> None:
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, *WORKER_ARGS])  # noqa: S603 - fixed args
        base = f"http://{host}:{port}"
        self.stdout.write(
            f"Shop AI ({settings.RUN_MODE} mode)\n"
            f"  portal:   {base}/\n  API docs: {base}/api/docs/\n  health:   {base}/healthz\n",
        )
        self.stdout.flush()
        try:
            # Live-feed messages are small JSON: compressing each one per viewer costs CPU and
            # doubles the memory of every connection (87 KB against 45 KB measured).
            uvicorn.run(
                "config.asgi:application",
                host=host,
                port=port,
                log_level="warning",
                ws_per_message_deflate=False,
            )
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
