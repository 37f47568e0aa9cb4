"""Content reads, always within one store."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, FloatField, IntegerField, QuerySet, Sum
from django.db.models.functions import Coalesce

from catalog.models import Product
from content.models import Asset, GenerationJob, GenerationStage, StageName
from shop_ai.models import Store


def jobs_for_store(store: Store) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(store=store)


def job_progress(job: GenerationJob) -> list[dict[str, Any]]:
    """One row per product and locale with the status of each stage, for progress bars."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    stages = GenerationStage.objects.filter(job=job).select_related("product").order_by("pk")
    for stage in stages:
        key = (stage.product_id, stage.locale)
        row = rows.setdefault(
            key, {"product": stage.product, "locale": stage.locale, "stages": {}, "done": 0}
        )
        row["stages"][stage.stage] = stage
        row["done"] += 1 if stage.is_finished else 0
    for row in rows.values():
        row["ordered"] = [row["stages"][s] for s in StageName.values if s in row["stages"]]
        row["total"] = len(row["ordered"])
    return list(rows.values())


def with_cost(jobs: QuerySet[GenerationJob]) -> QuerySet[GenerationJob]:
    """Jobs annotated with what their assets cost, in the same query as the jobs."""
    return jobs.annotate(
        cost_tokens_in=Coalesce(Sum("assets__tokens_in"), 0, output_field=IntegerField()),
        cost_tokens_out=Coalesce(Sum("assets__tokens_out"), 0, output_field=IntegerField()),
        cost_compute_seconds=Coalesce(
            Sum("assets__compute_seconds"), 0.0, output_field=FloatField()
        ),
        cost_money_usd=Coalesce(
            Sum("assets__money_usd"),
            Decimal("0"),
            output_field=DecimalField(max_digits=14, decimal_places=6),
        ),
    )


def job_cost(job: Any) -> dict[str, Any]:
    """The cost of a job from ``with_cost``'s annotations."""
    return {
        "tokens_in": job.cost_tokens_in,
        "tokens_out": job.cost_tokens_out,
        "compute_seconds": round(job.cost_compute_seconds, 3),
        "money_usd": str(job.cost_money_usd),
    }


def product_assets(store: Store, product_pk: int) -> tuple[Product | None, dict[str, list[Asset]]]:
    product = Product.objects.filter(store=store, pk=product_pk).first()
    if product is None:
        return None, {}
    grouped: dict[str, list[Asset]] = defaultdict(list)
    for asset in Asset.objects.filter(store=store, product=product).order_by("locale", "variant"):
        grouped[asset.kind].append(asset)
    return product, dict(grouped)
