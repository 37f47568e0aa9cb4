"""Celery entry points for generation: take ids, reload, call a service."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from content.providers.base import ProviderError
from content.services import job_advance, stage_fail, stage_retry_later, stage_run, stages_reconcile

# Every run counts against the stage's MAX_STAGE_ATTEMPTS (3, content.services): the first
# run and two retries.
MAX_STAGE_RETRIES = 2


class StageTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Out of attempts, or an error that is not transient: the stage fails for good
        # with its reason and the job moves on to what does not depend on it.
        stage_id = args[0] if args else kwargs["stage_id"]
        stage_fail(stage_id=stage_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(name="content.advance_job")
def advance_job(job_id: int) -> str | None:
    job = job_advance(job_id=job_id)
    return job.status if job else None


@shared_task(
    base=StageTask,
    name="content.run_stage",
    bind=True,
    max_retries=MAX_STAGE_RETRIES,
)
def run_stage(self: Task, stage_id: int) -> str | None:
    try:
        stage = stage_run(stage_id=stage_id, task_id=self.request.id or "")
    except ProviderError as exc:
        # stage_run already retried it with backoff inside the attempt; still failing, the
        # stage gets a new attempt after a longer pause while it has attempts left.
        countdown = stage_retry_later(stage_id=stage_id, reason=str(exc)) if exc.transient else None
        if countdown is None:
            raise
        raise self.retry(exc=exc, countdown=countdown) from exc
    return stage.status if stage else None


@shared_task(name="content.reconcile_stuck_jobs")
def reconcile_stuck_jobs() -> dict[str, int]:
    """Periodic (Celery beat, every minute): send lost generation work again or fail it."""
    return stages_reconcile().as_dict()
