"""Content services: start, advance, run and cancel generation jobs; record assets."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from content.models import (
    TERMINAL_STAGE_STATUSES,
    Asset,
    GenerationJob,
    GenerationStage,
    JobStatus,
    StageName,
    StageStatus,
)
from content.review import record_generated
from content.stages import STAGE_READS, AssetDraft, StageContext, plan_stage, run_stage_outputs
from content.webhooks import job_finished_emit
from shop_ai.after_commit import broadcast_on_commit, enqueue_on_commit, store_group
from shop_ai.errors import Conflict, DomainError
from shop_ai.models import Store

logger = logging.getLogger(__name__)

LOCALES = ("en", "zh-CN")
MAX_PRODUCTS_PER_JOB = 500
# A stage runs once its inputs exist: images and voice need the copy, the video needs both.
STAGE_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    StageName.COPY: (),
    StageName.IMAGE: (StageName.COPY,),
    StageName.VOICE: (StageName.COPY,),
    StageName.VIDEO: (StageName.IMAGE, StageName.VOICE),
}
SUCCESSFUL = {StageStatus.DONE, StageStatus.REUSED}


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
    bad_locales = sorted(set(locales) - set(LOCALES))
    if not locales or bad_locales:
        raise DomainError(
            f"Locales must be some of {', '.join(LOCALES)}.",
            code="invalid_locale",
            details={"unknown": bad_locales},
        )
    unique_ids = list(dict.fromkeys(product_ids))
    if not unique_ids or len(unique_ids) > MAX_PRODUCTS_PER_JOB:
        raise DomainError(
            f"Send between 1 and {MAX_PRODUCTS_PER_JOB} products.", code="invalid_products"
        )
    found_ids = set(
        Product.objects.filter(store=store, pk__in=unique_ids).values_list("pk", flat=True)
    )
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
            from content.tasks import advance_job

            enqueue_on_commit(advance_job, job.pk)
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
    from content.tasks import advance_job

    enqueue_on_commit(advance_job, job.pk)
    job.refresh_from_db()
    return job


def job_advance(*, job_id: int) -> GenerationJob | None:
    """Queue every stage whose inputs are ready; finish the job when nothing is left.

    Safe to call any number of times from anywhere: the job row is locked, and a stage is
    queued only by moving it from pending to queued.
    """
    from content.tasks import run_stage

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
            stage.save(update_fields=["status"])
            enqueue_on_commit(run_stage, stage.pk)
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


def stage_run(*, stage_id: int) -> GenerationStage | None:
    """Run one stage: reuse its assets when their inputs are unchanged, else generate them."""
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
        stage.status = StageStatus.RUNNING
        stage.attempts += 1
        stage.started_at = timezone.now()
        stage.save(update_fields=["status", "attempts", "started_at"])
    started = time.perf_counter()
    context = _stage_context(stage)
    plan = plan_stage(stage.stage, context)
    reused = _existing_assets(stage, plan.input_hash, plan.expected)
    if reused is not None:
        status = StageStatus.REUSED
    else:
        drafts = run_stage_outputs(stage.stage, context)
        _save_assets(stage, plan.input_hash, drafts)
        status = StageStatus.DONE
    stage.status = status
    stage.seconds = round(time.perf_counter() - started, 3)
    stage.finished_at = timezone.now()
    stage.error = ""
    stage.save(update_fields=["status", "seconds", "finished_at", "error"])
    _enqueue_advance(stage.job_id)
    return stage


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
    from content.tasks import advance_job

    enqueue_on_commit(advance_job, job_id)


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

    from content.content_credentials import ContentCredentialsError, local_credentials, sign_file
    from content.watermark import watermark_png

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
