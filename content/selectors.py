"""Content reads, always within one store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, FloatField, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate

from catalog.facade import ProductFacts as CatalogProduct
from catalog.models import Product
from content.models import (
    Asset,
    AssetKind,
    AuditEvent,
    GenerationJob,
    GenerationStage,
    ReviewState,
    StageName,
)
from locales import LOCALE_CODES
from shop_ai.models import Store
from trust.grounding import Facts


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


def usage_by_day(store: Store) -> QuerySet[Asset, dict[str, Any]]:
    """What generation cost the store: one row per day and provider, newest day first."""
    return (
        Asset.objects.filter(store=store)
        .annotate(day=TruncDate("created_at"))
        .values("day", "provider")
        .annotate(
            assets=Count("id"),
            tokens_in=Sum("tokens_in"),
            tokens_out=Sum("tokens_out"),
            compute_seconds=Sum("compute_seconds"),
            money_usd=Sum("money_usd"),
        )
        .order_by("-day", "provider")
    )


def assets_matching(
    assets: QuerySet[Asset],
    *,
    product_id: int | None = None,
    kind: str | None = None,
    locale: str | None = None,
    review_state: str | None = None,
    job_id: int | None = None,
) -> QuerySet[Asset]:
    """``assets`` narrowed by the filters that are set (the API's list and detail)."""
    filters = {"product_id": product_id, "kind": kind, "locale": locale,
               "review_state": review_state, "job_id": job_id}  # fmt: skip
    return assets.filter(**{k: v for k, v in filters.items() if v})


def review_queue(store: Store, filters: Mapping[str, str]) -> QuerySet[Asset]:
    """Drafts of this store still waiting for a decision, newest first.

    An edited draft is replaced by its new version, so only the latest of a lineage shows.
    ``filters``: kind, q (SKU or title), findings ("yes"/"no"), locale; others are ignored.
    """
    assets = Asset.objects.filter(
        store=store, review_state=ReviewState.DRAFT, next_versions__isnull=True
    ).select_related("product")
    if (kind := filters.get("kind", "")) in AssetKind.values:
        assets = assets.filter(kind=kind)
    if q := filters.get("q", ""):
        assets = assets.filter(Q(product__sku__icontains=q) | Q(product__title__icontains=q))
    if filters.get("findings") == "yes":
        assets = assets.exclude(findings=[])
    elif filters.get("findings") == "no":
        assets = assets.filter(findings=[])
    if (locale := filters.get("locale", "")) in LOCALE_CODES:
        assets = assets.filter(locale=locale)
    return assets.order_by("-created_at", "-pk")


def queue_neighbours(queue: QuerySet[Asset], asset: Asset) -> tuple[Asset | None, Asset | None]:
    """The queue's newer and older asset around ``asset`` (which may have left the queue)."""
    at, pk = asset.created_at, asset.pk
    newer = (
        queue.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        .order_by("created_at", "pk")
        .first()
    )
    older = queue.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk)).first()
    return newer, older


def audit_trail(store: Store, asset_ids: list[int]) -> list[AuditEvent]:
    """The audit events of these assets of the store, newest first."""
    return list(
        AuditEvent.objects.filter(store=store, asset_id__in=asset_ids).select_related("asset")
    )


def facts_for(product: CatalogProduct) -> Facts:
    """The catalog's facts about a product as the writers and the checker take them."""
    attributes = {str(k): str(v) for k, v in product.attributes.items()}
    return Facts(
        title=product.title,
        price=product.price,
        currency=product.currency,
        brand=product.brand,
        category=product.category,
        compare_at_price=product.compare_at_price,
        stock=product.stock,
        attributes=attributes,
        variant_options=product.variant_options(),
        tags=tuple(product.tags or ()),
        description=product.description,
    )
