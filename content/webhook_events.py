"""Content's webhook events: which changes emit which event, and the payload each carries.

The webhooks app delivers whatever it is given; what an asset or a job looks like to a store
platform is decided here. Payloads are not API serializers (importing the API from here
would close a loop through services), but they hold the same values: a test keeps
``asset_payload`` equal to the API's asset, less the private fields.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings

from content.models import Asset, AssetKind, GenerationJob, JobStatus, ReviewState
from content.providers.text import product_copy as copy_schema
from shop_ai.api.output import datetime_writer, media_url_writer
from webhooks.services import emit

JOB_EVENTS: dict[str, str] = {
    JobStatus.SUCCEEDED: "job.completed",
    JobStatus.PARTIAL: "job.completed",  # the payload's status says which products failed
    JobStatus.FAILED: "job.failed",
    JobStatus.CANCELLED: "job.cancelled",
}
# What generation cost and how it was made stay with the seller; events carry what publishes.
PRIVATE_ASSET_FIELDS = (
    "prompt",
    "params",
    "input_hash",
    "tokens_in",
    "tokens_out",
    "compute_seconds",
    "money_usd",
    "latency_s",
)


def asset_review_emit(*, asset: Asset) -> None:
    """``asset.approved`` for an asset that is now approved; nothing for any other state.

    Only approved assets ever leave through webhooks (the trust layer's rule).
    """
    if asset.review_state != ReviewState.APPROVED:
        return
    emit(store=asset.store, event="asset.approved", payload=lambda: asset_payload(asset))


def asset_ready_emit(*, asset: Asset) -> None:
    """``asset.ready``: a new asset exists. Its content is not in the payload.

    A draft is not published, so a platform learns only that one waits for review (id, kind,
    product, locale, state, how many findings); the content follows in ``asset.approved``.
    """
    emit(
        store=asset.store,
        event="asset.ready",
        payload=lambda: {
            "id": asset.pk,
            "kind": asset.kind,
            "variant": asset.variant,
            "product": asset.product_id,
            "sku": asset.product.sku,
            "locale": asset.locale,
            "version": asset.version,
            "review_state": asset.review_state,
            "findings": len(asset.findings),
        },
    )


def job_finished_emit(*, job: GenerationJob) -> None:
    """``job.completed``, ``job.failed`` or ``job.cancelled`` for a job that has finished."""
    event = JOB_EVENTS.get(job.status)
    if event is not None:
        emit(store=job.store, event=event, payload=lambda: job_payload(job))


def asset_payload(asset: Asset) -> dict[str, Any]:
    """The asset as the API shows it (fields in its order), less the private fields."""
    url = media_url_writer()
    written = datetime_writer()
    data: dict[str, Any] = {
        "id": asset.pk,
        "product": asset.product_id,
        "job": asset.job_id,
        "kind": asset.kind,
        "variant": asset.variant,
        "locale": asset.locale,
        "version": asset.version,
        "text": _served_text(asset.kind, asset.text),
        "url": url(asset.file.name),
        "extra_url": url(asset.extra_file.name),
        "mime_type": asset.mime_type,
        "provider": asset.provider,
        "model_name": asset.model_name,
        "findings": asset.findings,
        "metadata": asset.metadata,
        "review_state": asset.review_state,
        "is_stale": asset.product_content_hash != asset.product.content_hash,
        "created_at": written(asset.created_at),
    }
    base = str(getattr(settings, "SHOP_AI_PUBLIC_URL", "")).rstrip("/")
    for name in ("url", "extra_url"):
        # Without a request there is no host; a receiver needs an absolute link.
        if base and isinstance(data[name], str) and data[name].startswith("/"):
            data[name] = base + data[name]
    return data


def job_payload(job: GenerationJob) -> dict[str, Any]:
    stages = Counter(job.stages.values_list("status", flat=True))
    return {
        "id": job.pk,
        "status": job.status,
        "kinds": job.kinds,
        "locales": job.locales,
        "error_message": job.error_message,
        "progress": {"total": sum(stages.values()), **stages},
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _served_text(kind: str, text: Any) -> Any:
    # As the API serves it: copy stored before schema 2 has the new fields empty, not missing.
    if (
        kind == AssetKind.COPY
        and isinstance(text, dict)
        and all(name in text for name in copy_schema.CORE_FIELDS)
    ):
        return {**copy_schema.EXTRA_FIELD_DEFAULTS, **text}
    return text
