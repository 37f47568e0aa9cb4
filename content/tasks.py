"""Celery entry points for generation: take ids, reload, call a service."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from content.providers.base import ProviderError

MAX_STAGE_RETRIES = 3


class StageTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Out of retries, or an error that is not transient: the stage fails for good
        # with its reason and the job moves on to what does not depend on it.
        from content.services import stage_fail

        stage_id = args[0] if args else kwargs["stage_id"]
        stage_fail(stage_id=stage_id, reason=f"{type(exc).__name__}: {exc}")


@shared_task(name="content.advance_job")
def advance_job(job_id: int) -> str | None:
    from content.services import job_advance

    job = job_advance(job_id=job_id)
    return job.status if job else None


@shared_task(
    base=StageTask,
    name="content.run_stage",
    bind=True,
    max_retries=MAX_STAGE_RETRIES,
)
def run_stage(self: Task, stage_id: int) -> str | None:
    from content.models import GenerationStage, StageStatus
    from content.services import stage_run

    try:
        stage = stage_run(stage_id=stage_id)
    except ProviderError as exc:
        if not exc.transient:
            raise
        # Back off exponentially with jitter: a rate-limited endpoint gets room to recover.
        GenerationStage.objects.filter(pk=stage_id).update(
            status=StageStatus.QUEUED, error=f"retrying: {exc}"[:500]
        )
        countdown = 2 ** (self.request.retries + 1)
        raise self.retry(exc=exc, countdown=countdown + countdown * 0.25) from exc
    return stage.status if stage else None
