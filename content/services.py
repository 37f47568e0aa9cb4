"""Content services: start, advance, run and cancel generation jobs; record assets."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from catalog import facade as catalog_facade
from content.models import (
    TERMINAL_JOB_STATUSES,
    TERMINAL_STAGE_STATUSES,
    Asset,
    GenerationJob,
    GenerationStage,
    JobStatus,
    StageName,
    StageStatus,
)
from content.providers.base import ProviderError
from content.review import record_generated
from content.stages import STAGE_READS, AssetDraft, StageContext, plan_stage, run_stage_outputs
from content.webhook_events import job_finished_emit
from locales import LOCALE_CODES
from shop_ai.after_commit import broadcast_on_commit, enqueue_on_commit, store_group
from shop_ai.errors import Conflict, DomainError
from shop_ai.models import Store
from trust.content_credentials import ContentCredentialsError, local_credentials, sign_file
from trust.watermark import watermark_png

logger = logging.getLogger(__name__)

# The built-in locales a job may ask for; the API, views and the schema's LocaleEnum read
# this name.
LOCALES = LOCALE_CODES
MAX_PRODUCTS_PER_JOB = 500
# A stage runs once its inputs exist: images and voice need the copy, the video needs both.
STAGE_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    StageName.COPY: (),
    StageName.IMAGE: (StageName.COPY,),
    StageName.VOICE: (StageName.COPY,),
    StageName.VIDEO: (StageName.IMAGE, StageName.VOICE),
}
SUCCESSFUL = {StageStatus.DONE, StageStatus.REUSED}
# A stage is started at most this many times, whatever ended the earlier runs (a transient
# provider error, a worker killed under it, a message the reconciler sent again): a stage
# whose task keeps killing its worker is dead-lettered instead of redelivered forever.
MAX_STAGE_ATTEMPTS = 3
LOST_RUN = (
    "the last run never finished (its worker was lost: killed, out of memory "
    "or past the time limit)"
)


def generation_job_create(
    *,
    store: Store,
    product_ids: Sequence[int],
    kinds: Sequence[str],
    locales: Sequence[str],
    options: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    created_by: User | None = None,
) -> tuple[GenerationJob, bool]:
    """Create a job with a stage per product, locale and kind (plus the stages they need).

    Returns ``(job, created)``; with an ``idempotency_key`` already used by this store the
    existing job is returned and nothing new is queued.
    """
    if idempotency_key:
        existing = GenerationJob.objects.filter(store=store, idempotency_key=idempotency_key)
        if found := existing.first():
            return found, False
    stage_names = _with_dependencies(kinds)
    bad_locales = sorted(set(locales) - set(LOCALE_CODES))
    if not locales or bad_locales:
        raise DomainError(
            f"Locales must be some of {', '.join(LOCALE_CODES)}.",
            code="invalid_locale",
            details={"unknown": bad_locales},
        )
    unique_ids = list(dict.fromkeys(product_ids))
    if not unique_ids or len(unique_ids) > MAX_PRODUCTS_PER_JOB:
        raise DomainError(
            f"Send between 1 and {MAX_PRODUCTS_PER_JOB} products.", code="invalid_products"
        )
    found_ids = catalog_facade.product_ids_in_store(store_id=store.pk, product_ids=unique_ids)
    missing = [pk for pk in unique_ids if pk not in found_ids]
    if missing:
        # Another store's product looks exactly like one that does not exist.
        raise DomainError(
            "Some products do not exist.", code="unknown_products", details={"ids": missing}
        )
    try:
        with transaction.atomic():
            job = GenerationJob.objects.create(
                store=store,
                created_by=created_by,
                kinds=[k for k in StageName.values if k in stage_names],
                locales=list(dict.fromkeys(locales)),
                options=options or {},
                idempotency_key=idempotency_key or None,
            )
            GenerationStage.objects.bulk_create(
                GenerationStage(job=job, store=store, product_id=pk, locale=locale, stage=stage)
                for pk in unique_ids
                for locale in job.locales
                for stage in job.kinds
            )

            enqueue_on_commit("content.advance_job", job.pk)
    except IntegrityError:
        # Two requests with one idempotency key raced; the other one won.
        return GenerationJob.objects.get(store=store, idempotency_key=idempotency_key), False
    return job, True


def _with_dependencies(kinds: Iterable[str]) -> set[str]:
    wanted = set(kinds)
    unknown = wanted - set(StageName.values)
    if not wanted or unknown:
        raise DomainError(
            f"Kinds must be some of {', '.join(StageName.values)}.",
            code="invalid_kind",
            details={"unknown": sorted(unknown)},
        )
    todo = list(wanted)
    while todo:
        for needed in STAGE_DEPENDENCIES[todo.pop()]:
            if needed not in wanted:
                wanted.add(needed)
                todo.append(needed)
    return wanted


def job_cancel(*, job: GenerationJob) -> GenerationJob:
    if job.is_finished:
        raise Conflict("This job has already finished.", code="job_finished")
    GenerationJob.objects.filter(pk=job.pk).update(cancel_requested=True)

    enqueue_on_commit("content.advance_job", job.pk)
    job.refresh_from_db()
    return job


def job_advance(*, job_id: int) -> GenerationJob | None:
    """Queue every stage whose inputs are ready; finish the job when nothing is left.

    Safe to call any number of times from anywhere: the job row is locked, and a stage is
    queued only by moving it from pending to queued.
    """
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        stages = list(GenerationStage.objects.filter(job=job).order_by("pk"))
        if job.cancel_requested:
            GenerationStage.objects.filter(
                job=job, status__in=[StageStatus.PENDING, StageStatus.QUEUED]
            ).update(status=StageStatus.CANCELLED, finished_at=timezone.now())
            stages = list(GenerationStage.objects.filter(job=job).order_by("pk"))
        by_key = {(s.product_id, s.locale, s.stage): s for s in stages}
        for stage in stages:
            if stage.status != StageStatus.PENDING:
                continue
            needs = [
                by_key.get((stage.product_id, stage.locale, d))
                for d in STAGE_DEPENDENCIES[stage.stage]
            ]
            if any(n is not None and n.status not in TERMINAL_STAGE_STATUSES for n in needs):
                continue
            failed = [n for n in needs if n is not None and n.status not in SUCCESSFUL]
            if failed:
                stage.status = StageStatus.SKIPPED
                stage.error = f"needs the {failed[0].stage} stage, which {failed[0].status}"
                stage.finished_at = timezone.now()
                stage.save(update_fields=["status", "error", "finished_at"])
                continue
            stage.status = StageStatus.QUEUED
            stage.queued_at = timezone.now()
            stage.resends = 0
            stage.save(update_fields=["status", "queued_at", "resends"])
            enqueue_on_commit("content.run_stage", stage.pk)
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.RUNNING
            job.save(update_fields=["status"])
        if all(s.is_finished for s in stages):
            _finish_job(job, stages)
        _announce_job(job)
    return job


def _finish_job(job: GenerationJob, stages: Sequence[GenerationStage]) -> None:
    statuses = {s.status for s in stages}
    if job.cancel_requested:
        job.status = JobStatus.CANCELLED
    elif statuses <= SUCCESSFUL:
        job.status = JobStatus.SUCCEEDED
    elif statuses & SUCCESSFUL:
        job.status = JobStatus.PARTIAL
    else:
        job.status = JobStatus.FAILED
        job.error_message = next((s.error for s in stages if s.error), "")[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "error_message"])
    job_finished_emit(job=job)


def _announce_job(job: GenerationJob) -> None:
    event = {"type": "job.progress", "job_id": job.pk, "status": job.status}
    broadcast_on_commit(store_group(job.store_id), {"type": "store.event", "event": event})


def stage_run(*, stage_id: int, task_id: str = "") -> GenerationStage | None:
    """Run one stage: reuse its assets when their inputs are unchanged, else generate them.

    Messages come more than once (a redelivery after a lost worker, a copy the reconciler
    sent): a finished stage is left alone, a stage another live task is running is left to
    it, and a stage already started ``MAX_STAGE_ATTEMPTS`` times is dead-lettered.
    """
    with transaction.atomic():
        stage = (
            GenerationStage.objects.select_for_update()
            .select_related("job", "product", "store")
            .filter(pk=stage_id)
            .first()
        )
        if stage is None or stage.is_finished:
            return stage  # a redelivered message for finished work
        if stage.job.cancel_requested:
            stage.status = StageStatus.CANCELLED
            stage.save(update_fields=["status"])
            _enqueue_advance(stage.job_id)
            return stage
        now = timezone.now()
        if _run_by_another_live_task(stage, task_id, now):
            return stage
        if stage.attempts >= MAX_STAGE_ATTEMPTS:
            _dead_letter(stage, now)
            return stage
        stage.status = StageStatus.RUNNING
        stage.attempts += 1
        stage.started_at = stage.heartbeat_at = now
        stage.task_id = task_id
        stage.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "task_id"])
    with _heartbeat(stage_id=stage.pk, task_id=task_id):
        started = time.perf_counter()
        context = _stage_context(stage)
        plan = plan_stage(stage.stage, context)
        reused = _existing_assets(stage, plan.input_hash, plan.expected)
        if reused is not None:
            status = StageStatus.REUSED
        else:
            drafts = _with_backoff(lambda: run_stage_outputs(stage.stage, context))
            _save_assets(stage, plan.input_hash, drafts)
            status = StageStatus.DONE
    stage.status = status
    stage.seconds = round(time.perf_counter() - started, 3)
    stage.finished_at = timezone.now()
    stage.error = ""
    stage.save(update_fields=["status", "seconds", "finished_at", "error"])
    _enqueue_advance(stage.job_id)
    return stage


def _run_by_another_live_task(stage: GenerationStage, task_id: str, now: datetime) -> bool:
    """True when a different task runs this stage and showed it was alive lately.

    The same task id on a running stage means this message is that run's own redelivery:
    the worker was lost under it (Redis redelivers to a live worker only after the
    visibility timeout, which is longer than the hard time limit).
    """
    if stage.status != StageStatus.RUNNING or not stage.task_id or stage.task_id == task_id:
        return False
    beat = stage.heartbeat_at or stage.started_at
    return beat is not None and beat >= now - timedelta(seconds=settings.SHOP_AI_STAGE_LOST_AFTER_S)


def _dead_letter(stage: GenerationStage, now: datetime) -> None:
    stage.status = StageStatus.FAILED
    stage.error = f"Dead-lettered after {stage.attempts} attempts: {LOST_RUN}."[:500]
    stage.finished_at = now
    stage.save(update_fields=["status", "error", "finished_at"])
    logger.warning("stage %s dead-lettered after %s attempts", stage.pk, stage.attempts)
    _enqueue_advance(stage.job_id)


@contextmanager
def _heartbeat(*, stage_id: int, task_id: str) -> Iterator[None]:
    """While the block runs, a thread stamps the stage's ``heartbeat_at`` every few seconds.

    A run can take minutes (a video) and its process can die without a word (SIGKILL, the
    OOM killer); the reconciler tells a slow run from a lost one by this stamp. Inside a
    caller's transaction (tests, eager runs) no other connection can see the running row,
    so there is nothing to stamp.
    """
    every_s = float(settings.SHOP_AI_STAGE_HEARTBEAT_S)
    if every_s <= 0 or connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        from django.db import connection as thread_connection

        try:
            while not stop.wait(every_s):
                try:
                    GenerationStage.objects.filter(
                        pk=stage_id, status=StageStatus.RUNNING, task_id=task_id
                    ).update(heartbeat_at=timezone.now())
                except Exception:
                    # A missed beat only makes the run look idle for a while; keep going.
                    logger.warning("heartbeat of stage %s failed", stage_id, exc_info=True)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=beat, name=f"stage-{stage_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def backoff_delay(
    retry: int, *, base_s: float, cap_s: float = 60.0, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number ``retry`` (1, 2, …): doubling from ``base_s``,
    capped, with jitter between half and all of it, so the callers a failing endpoint sent
    away do not all come back at the same instant."""
    ceiling = min(cap_s, base_s * 2 ** max(0, retry - 1))
    return ceiling / 2 + rand() * ceiling / 2


def _with_backoff(call: Callable[[], list[AssetDraft]]) -> list[AssetDraft]:
    """``call()``, retried on transient provider errors (5xx, timeouts, dropped connections)
    up to SHOP_AI_PROVIDER_RETRIES times with ``backoff_delay`` between tries.

    Retrying here, inside one attempt, keeps a flaky endpoint from using up the stage's
    few attempts; the provider clients themselves do not retry. When these tries run out
    the task retries the stage as a new attempt, after a longer pause.
    """
    retries = int(settings.SHOP_AI_PROVIDER_RETRIES)
    for retry in range(1, retries + 2):
        try:
            return call()
        except ProviderError as error:
            if not error.transient or retry > retries:
                raise
            delay = backoff_delay(retry, base_s=float(settings.SHOP_AI_RETRY_BACKOFF_S))
            logger.info("transient provider error, retry %s in %.2f s: %s", retry, delay, error)
            time.sleep(delay)
    raise AssertionError("unreachable: the last try returns or raises")


def stage_retry_later(*, stage_id: int, reason: str) -> float | None:
    """Queue a stage again for a new attempt after a transient error; the seconds its task
    should wait, or None when the stage has no attempt left (the task then fails it).

    ``queued_at`` is set to when the retry is due, so the reconciler does not send it early.
    """
    with transaction.atomic():
        stage = (
            GenerationStage.objects.select_for_update()
            .exclude(status__in=TERMINAL_STAGE_STATUSES)
            .filter(pk=stage_id)
            .first()
        )
        if stage is None or stage.attempts >= MAX_STAGE_ATTEMPTS:
            return None
        # Longer than the pauses inside an attempt: those already ran out.
        countdown = backoff_delay(
            stage.attempts, base_s=4 * float(settings.SHOP_AI_RETRY_BACKOFF_S), cap_s=300
        )
        stage.status = StageStatus.QUEUED
        stage.error = f"retrying: {reason}"[:500]
        stage.queued_at = timezone.now() + timedelta(seconds=countdown)
        stage.resends = 0
        stage.save(update_fields=["status", "error", "queued_at", "resends"])
    return countdown


def stage_fail(*, stage_id: int, reason: str) -> None:
    """A stage that failed for good ends failed with its reason; the job moves on."""
    updated = (
        GenerationStage.objects.filter(pk=stage_id)
        .exclude(status__in=TERMINAL_STAGE_STATUSES)
        .update(status=StageStatus.FAILED, error=reason[:500], finished_at=timezone.now())
    )
    if updated:
        job_id = GenerationStage.objects.values_list("job_id", flat=True).get(pk=stage_id)
        _enqueue_advance(job_id)


def _enqueue_advance(job_id: int) -> None:

    enqueue_on_commit("content.advance_job", job_id)


def _stage_context(stage: GenerationStage) -> StageContext:
    """Everything a stage reads: product facts now, the brand kit, and upstream assets."""
    upstream: dict[str, list[Asset]] = {kind: [] for kind in STAGE_READS[stage.stage]}
    for asset in Asset.objects.filter(
        store=stage.store,
        product=stage.product,
        locale=stage.locale,
        kind__in=upstream,
        product_content_hash=stage.product.content_hash,
    ).order_by("variant", "-version", "-pk"):
        upstream[asset.kind].append(asset)
    return StageContext.build(
        product=stage.product,
        store=stage.store,
        locale=stage.locale,
        options=stage.job.options,
        upstream=upstream,
    )


def _existing_assets(stage: GenerationStage, input_hash: str, expected: int) -> list[Asset] | None:
    assets = list(
        Asset.objects.filter(
            store=stage.store, kind=stage.stage, locale=stage.locale, input_hash=input_hash
        )
    )
    return assets if len(assets) >= expected else None


def _save_assets(stage: GenerationStage, input_hash: str, drafts: Sequence[AssetDraft]) -> None:
    for draft in drafts:
        asset = Asset(
            store=stage.store,
            product=stage.product,
            job=stage.job,
            kind=stage.stage,
            variant=draft.variant,
            locale=stage.locale,
            text=draft.text,
            mime_type=draft.mime_type,
            provider=draft.provenance.provider,
            model_name=draft.provenance.model,
            prompt=draft.provenance.prompt[:20_000],
            params=draft.provenance.params,
            input_hash=input_hash,
            product_content_hash=stage.product.content_hash,
            tokens_in=draft.provenance.cost.input_tokens,
            tokens_out=draft.provenance.cost.output_tokens,
            compute_seconds=draft.provenance.cost.compute_seconds,
            money_usd=draft.provenance.cost.money_usd,
            latency_s=draft.provenance.latency_s,
            findings=draft.findings,
            metadata=draft.metadata,
        )
        base = (
            f"{stage.store_id}/{stage.product_id}/"
            f"{stage.stage}-{draft.variant or 'main'}-{stage.locale}-{input_hash[:12]}"
        )
        # PNG images carry their asset's id as an invisible watermark (and in signed C2PA
        # Content Credentials), so a copy found anywhere leads back to this row. The id
        # exists only once the row is inserted, so their file is written after the insert,
        # in the same transaction: row and file appear together, and a duplicate delivery
        # fails on the insert before any work.
        # (The AIGC ProduceID is known earlier but names no single asset: it repeats across
        # stores and product versions.)
        png_to_mark = draft.data if draft.mime_type == "image/png" else None
        if draft.data is not None and png_to_mark is None:
            asset.file.save(f"{base}.{draft.extension}", ContentFile(draft.data), save=False)
        if draft.extra_data is not None:
            asset.extra_file.save(
                f"{base}.{draft.extra_extension}", ContentFile(draft.extra_data), save=False
            )
        try:
            with transaction.atomic():
                asset.save()
                if png_to_mark is not None:
                    _save_marked_png(asset, png_to_mark, f"{base}.{draft.extension}")
                record_generated(asset)
        except IntegrityError:
            # Another delivery of this stage saved the same output first: keep that one.
            logger.info("asset %s/%s already exists for %s", stage.stage, draft.variant, input_hash)


def _save_marked_png(asset: Asset, png: bytes, name: str) -> None:
    """Write the image with the saved row's id in its pixels and in signed Content Credentials.

    The credentials are signed last: they hash the finished file, label and mark included.
    """
    from django.conf import settings

    marked, watermark = watermark_png(png, asset_id=asset.pk)
    try:
        credentials = local_credentials(settings.DATA_DIR / "c2pa")
        marked = sign_file(
            marked, mime_type="image/png", credentials=credentials, title=name.rsplit("/", 1)[-1],
            software=f"Shop AI {asset.provider} {asset.model_name}".strip(), asset_id=asset.pk,
        )  # fmt: skip
        c2pa: dict[str, Any] = {"signed": True, "digital_source_type": "trainedAlgorithmicMedia"}
    except (ContentCredentialsError, OSError, ValueError) as exc:
        # An extra, not a gate: the image is still labelled and watermarked.
        logger.warning("no Content Credentials for asset %s: %s", asset.pk, exc)
        c2pa = {"signed": False, "reason": str(exc)[:300]}
    asset.metadata = {**asset.metadata, "watermark": watermark, "c2pa": c2pa}
    asset.file.save(name, ContentFile(marked), save=False)
    asset.save(update_fields=["file", "metadata"])


@dataclass(frozen=True)
class ReconcileReport:
    resent_running: int = 0  # running stages whose task was lost, sent again
    resent_queued: int = 0  # queued stages whose message was lost, sent again
    dead_lettered: int = 0  # lost too often: failed with the reason
    jobs_advanced: int = 0  # unfinished jobs with nothing in flight, advanced

    def as_dict(self) -> dict[str, int]:
        return {
            "resent_running": self.resent_running,
            "resent_queued": self.resent_queued,
            "dead_lettered": self.dead_lettered,
            "jobs_advanced": self.jobs_advanced,
        }


RECONCILE_BATCH = 500
# How many times the wait before sending a queued stage again may double (2 min → 64 min).
MAX_RESEND_DOUBLINGS = 5


def stages_reconcile(*, now: datetime | None = None) -> ReconcileReport:
    """Find work whose task vanished and send it again, or fail it; run on a schedule.

    - A running stage whose heartbeat stopped for SHOP_AI_STAGE_LOST_AFTER_S (or that
      outlived the hard time limit) lost its worker and, with the worker, its message
      (Redis would return it only after the visibility timeout, hours later): it is
      queued again, or dead-lettered when out of attempts.
    - A queued stage that has not started SHOP_AI_STAGE_QUEUED_RESEND_S after it was sent
      is sent again; each further copy waits twice as long, so a long backlog is not
      flooded with copies. A copy that finds its stage running or done does nothing.
    - An unfinished job with nothing queued or running lost the message that would have
      advanced it: it is advanced here.

    Rows another transaction holds are skipped (``skip_locked``): the next run sees them.
    """
    now = now or timezone.now()
    lost_before = now - timedelta(seconds=float(settings.SHOP_AI_STAGE_LOST_AFTER_S))
    # The hard time limit kills a run; one older than that plus a margin is not running.
    overdue_before = now - timedelta(seconds=float(settings.CELERY_TASK_TIME_LIMIT) + 60)
    resend_s = float(settings.SHOP_AI_STAGE_QUEUED_RESEND_S)
    resent_running = resent_queued = dead_lettered = 0
    with transaction.atomic():
        lost = (
            GenerationStage.objects.select_for_update(skip_locked=True)
            .filter(status=StageStatus.RUNNING)
            .filter(
                Q(heartbeat_at__lt=lost_before)
                | Q(heartbeat_at__isnull=True, started_at__lt=lost_before)
                | Q(heartbeat_at__isnull=True, started_at__isnull=True)
                | Q(started_at__lt=overdue_before)
            )
            .order_by("pk")[:RECONCILE_BATCH]
        )
        for stage in lost:
            if stage.attempts >= MAX_STAGE_ATTEMPTS:
                _dead_letter(stage, now)
                dead_lettered += 1
                continue
            stage.status = StageStatus.QUEUED
            stage.error = f"sent again: {LOST_RUN}"[:500]
            stage.queued_at = now
            stage.resends += 1
            stage.save(update_fields=["status", "error", "queued_at", "resends"])
            enqueue_on_commit("content.run_stage", stage.pk)
            resent_running += 1
        waiting = (
            GenerationStage.objects.select_for_update(skip_locked=True)
            .filter(status=StageStatus.QUEUED)
            .filter(Q(queued_at__lt=now - timedelta(seconds=resend_s)) | Q(queued_at__isnull=True))
            .order_by("pk")[:RECONCILE_BATCH]
        )
        for stage in waiting:
            wait_s = resend_s * 2 ** min(stage.resends, MAX_RESEND_DOUBLINGS)
            if stage.queued_at is not None and stage.queued_at >= now - timedelta(seconds=wait_s):
                continue
            stage.queued_at = now
            stage.resends += 1
            stage.save(update_fields=["queued_at", "resends"])
            enqueue_on_commit("content.run_stage", stage.pk)
            resent_queued += 1
    idle_jobs = list(
        GenerationJob.objects.exclude(status__in=TERMINAL_JOB_STATUSES)
        .exclude(stages__status__in=[StageStatus.QUEUED, StageStatus.RUNNING])
        .order_by("pk")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
    for job_id in idle_jobs:
        job_advance(job_id=job_id)
    report = ReconcileReport(
        resent_running=resent_running,
        resent_queued=resent_queued,
        dead_lettered=dead_lettered,
        jobs_advanced=len(idle_jobs),
    )
    if report != ReconcileReport():
        logger.warning("reconciled stuck generation work: %s", report.as_dict())
    return report
