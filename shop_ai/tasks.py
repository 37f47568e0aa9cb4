"""Project-level tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shop_ai.ping")
def ping(token: str) -> str:
    """Echo ``token``: lets health checks and tests prove a worker is consuming the queue."""
    return token
