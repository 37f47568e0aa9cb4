"""Celery entry points for imports: take ids, reload, call a service."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.utils import timezone

from catalog.images import process_image_batch
from catalog.models import TERMINAL_IMPORT_STATUSES, ImportJob, ImportStatus
from catalog.services import import_run
from shop_ai.after_commit import enqueue_on_commit
from shop_ai.egress import FetchRefused

logger = logging.getLogger(__name__)


class ImportTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # A job whose task failed for good ends as failed with its reason, never stuck.
        job_id = args[0] if args else kwargs.get("job_id")
        ImportJob.objects.filter(pk=job_id).exclude(status__in=TERMINAL_IMPORT_STATUSES).update(
            status=ImportStatus.FAILED,
            error_code="internal_error",
            error_message=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
        )


@shared_task(
    base=ImportTask,
    name="catalog.run_import",
    bind=True,
    max_retries=3,
    default_retry_delay=10,
)
def run_import(self: Task, job_id: int) -> str | None:
    try:
        job = import_run(job_id=job_id)
    except FetchRefused as exc:
        if not exc.transient:
            raise
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc
    return job.status if job else None


@shared_task(name="catalog.process_images", bind=True, max_retries=3)
def process_images(self: Task, job_id: int, after_pk: int = 0) -> int | None:
    """Fetch and check one batch of an import's images, then queue the next batch."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return None
    next_cursor = process_image_batch(job, after_pk=after_pk)
    if next_cursor is not None:
        enqueue_on_commit("catalog.process_images", job_id, after_pk=next_cursor)
    return next_cursor
