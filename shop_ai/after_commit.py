"""Side effects that must wait for the transaction: task enqueues and socket broadcasts.

A task enqueued inside a transaction can run before the commit and not find its row; a
broadcast sent before the commit can announce something that is then rolled back. Every
enqueue and every broadcast goes through these two helpers.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from celery import Task
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` to the broker once the current transaction commits (now, if none)."""
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))


def broadcast(group: str, message: dict[str, Any]) -> None:
    """Send ``message`` to a channel-layer group from synchronous code."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # A broadcast is a notification; losing one must never fail the write behind it.
        logger.exception("broadcast to %s failed", group)


def broadcast_on_commit(group: str, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: broadcast(group, message))


def store_group(store_id: int) -> str:
    """The channel-layer group of a store's studio sockets."""
    return f"store.{store_id}"
