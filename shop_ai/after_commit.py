"""Side effects that must wait for the transaction: task enqueues and socket broadcasts.

A task enqueued inside a transaction can run before the commit and not find its row; a
broadcast sent before the commit can announce something that is then rolled back. Every
enqueue and every broadcast goes through these two helpers.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from celery import Task, current_app
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(
    task_name: str, *args: Any, countdown: float | None = None, **kwargs: Any
) -> None:
    """Send the task registered as ``task_name`` ("content.run_stage") to the broker once the
    current transaction commits (now, if none), ``countdown`` seconds later if given.

    Tasks are named, not imported: services stay below the tasks that call them, so the
    two never import each other.
    """

    def send() -> None:
        task = registered_task(task_name)
        if countdown is None:
            task.apply_async(args=args, kwargs=kwargs)
        else:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown)

    transaction.on_commit(send)


def registered_task(task_name: str) -> Task:
    """The task object behind a name, importing the apps' ``tasks`` modules on first need.

    A web process never imports ``tasks`` modules itself; Celery's autodiscovery runs when
    its default modules load. Going through the task object (not ``send_task``) keeps its
    routing and options, and the eager mode of tests.
    """
    tasks = current_app.tasks
    if task_name not in tasks:
        current_app.loader.import_default_modules()
    try:
        return tasks[task_name]
    except KeyError:
        raise LookupError(f"no Celery task is registered as {task_name!r}") from None


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
