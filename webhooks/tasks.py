"""Celery entry points for webhook delivery: take ids, call a service.

The task names keep the ``content.`` prefix they had before webhooks became an app of their
own: messages already queued under those names must still find their task.
"""

from __future__ import annotations

from celery import shared_task

from webhooks import services

RETRY_DUE_TASK = "content.webhooks_retry_due"


@shared_task(name=services.DELIVER_TASK)
def deliver_webhook(delivery_id: int) -> str | None:
    """POST one webhook delivery; a delivered, failed or not-yet-due one is left alone.

    Retries are not Celery retries: the service records the next attempt on the row and
    enqueues it with a countdown, so the schedule survives in the database.
    """
    delivery = services.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else None


@shared_task(name=RETRY_DUE_TASK)
def webhooks_retry_due() -> int:
    """Sweeper, safe to run on a schedule: re-enqueue pending deliveries that are due."""
    return services.webhooks_retry_due()
