"""Human oversight of what content makes: review assets (approve, reject, edit), each step audited.

Only approved assets are published (the API's default list, webhooks, the live host).
Beside it: ``voice_consent`` (a custom voice needs its speaker's recorded consent) and
``verify`` (does a file carry the labels and marks we put on what we made?).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from catalog import facade as catalog_facade
from content.models import Asset, AssetKind, AuditAction, AuditEvent, ReviewState
from content.providers.text import CopyRequest, ProductCopy, check_copy
from content.selectors import facts_for
from content.webhook_events import asset_ready_emit, asset_review_emit
from shop_ai.errors import Conflict, DomainError
from shop_ai.models import ApiKey, Store
from trust.findings import finding_dict

COPY_FIELDS = {"headline", "short_description", "bullets", "long_description", "video_script",
               "seo_title", "seo_description", "keywords", "shot_list"}  # fmt: skip


def actor_label(*, user: User | None = None, api_key: ApiKey | None = None) -> str:
    if api_key is not None:
        return f"api key {api_key.prefix}"
    if user is not None:
        return user.get_username()
    return "system"


def audit(
    *,
    store: Store,
    action: str,
    asset: Asset | None = None,
    user: User | None = None,
    label: str = "system",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        store=store, asset=asset, action=action, actor_user=user, actor_label=label,
        details=details or {},
    )  # fmt: skip


def record_generated(asset: Asset) -> None:
    """Audit a fresh asset and apply the store's auto-approve policy (clean assets only)."""
    audit(store=asset.store, asset=asset, action=AuditAction.GENERATED,
          details={"provider": asset.provider, "model": asset.model_name,
                   "findings": len(asset.findings)})  # fmt: skip
    asset_ready_emit(asset=asset)
    if asset.store.auto_approve_clean_assets and not asset.findings:
        _set_state(asset, ReviewState.APPROVED, user=None, label="auto-approve policy", note="")


class FindingsUnchecked(DomainError):
    """Approving assets with error findings needs the reviewer to say they checked them."""

    code = "findings_unchecked"

    def __init__(self, assets: Sequence[Asset]) -> None:
        super().__init__(
            "These assets have error findings: confirm you checked them "
            "(checked_findings) to approve them.",
            details={"ids": [a.pk for a in assets]},
        )
        self.assets = list(assets)


def error_findings(asset: Asset) -> list[dict[str, Any]]:
    """The asset's findings of severity "error": the ones a reviewer must have checked."""
    return [f for f in asset.findings or [] if isinstance(f, dict) and f.get("severity") == "error"]


def asset_approve(
    *,
    asset: Asset,
    user: User | None = None,
    label: str = "system",
    note: str = "",
    findings_checked: bool = False,
) -> Asset:
    """Approve an asset for publishing. One with error findings needs ``findings_checked``:
    the reviewer says they read them (the portal's tick box, the API's checked_findings)."""
    if error_findings(asset) and not findings_checked:
        raise FindingsUnchecked([asset])
    if asset.review_state == ReviewState.APPROVED:
        return asset
    if asset.next_versions.exists():
        raise Conflict("A newer version of this asset exists; review that one.", code="superseded")
    return _set_state(asset, ReviewState.APPROVED, user=user, label=label, note=note)


def asset_reject(
    *, asset: Asset, user: User | None = None, label: str = "system", note: str = ""
) -> Asset:
    if asset.review_state == ReviewState.REJECTED:
        return asset
    return _set_state(asset, ReviewState.REJECTED, user=user, label=label, note=note)


@transaction.atomic
def _set_state(asset: Asset, state: str, *, user: User | None, label: str, note: str) -> Asset:
    asset.review_state = state
    asset.reviewed_by = user
    asset.reviewed_at = timezone.now()
    asset.review_note = note[:500]
    asset.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_note"])
    action = AuditAction.APPROVED if state == ReviewState.APPROVED else AuditAction.REJECTED
    audit(store=asset.store, asset=asset, action=action, user=user, label=label,
          details={"note": note[:500]} if note else {})  # fmt: skip
    asset_review_emit(asset=asset)
    return asset


def assets_review_bulk(
    *,
    store: Store,
    asset_ids: Sequence[int],
    approve: bool,
    user: User | None,
    label: str,
    findings_checked: bool = False,
) -> list[Asset]:
    assets = list(
        Asset.objects.filter(store=store, pk__in=asset_ids).select_related("store", "product")
    )
    flagged = [a for a in assets if error_findings(a)]
    if approve and flagged and not findings_checked:
        raise FindingsUnchecked(flagged)
    missing = sorted(set(asset_ids) - {a.pk for a in assets})
    if missing:
        raise DomainError("Some assets do not exist.", code="unknown_assets",
                          details={"ids": missing})  # fmt: skip
    with transaction.atomic():
        if approve:  # findings were checked above, for all of them at once
            return [asset_approve(asset=a, user=user, label=label, findings_checked=True)
                    for a in assets]  # fmt: skip
        return [asset_reject(asset=a, user=user, label=label) for a in assets]


@transaction.atomic
def asset_edit_text(
    *, asset: Asset, changes: dict[str, Any], user: User | None = None, label: str = "system"
) -> Asset:
    """A person's edit of generated copy: a new draft version, the old one kept."""
    # Locked, so two edits of one version cannot both become its successor.
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.kind != AssetKind.COPY or not isinstance(asset.text, dict):
        raise DomainError("Only copy assets can be edited as text.", code="not_text")
    unknown = set(changes) - COPY_FIELDS
    if unknown or not changes:
        raise DomainError(f"Editable fields: {', '.join(sorted(COPY_FIELDS))}.",
                          code="invalid_fields", details={"unknown": sorted(unknown)})  # fmt: skip
    if asset.next_versions.exists():
        newest = asset_versions(asset)[-1]
        raise DomainError(
            f"Version {asset.version} has already been edited; edit the newest version "
            f"(asset {newest.pk}, version {newest.version}).",
            code="stale_version",
            status=409,
            details={"newest": newest.pk},
        )
    text = {**asset.text, **changes}
    findings = _recheck(asset, text)
    digest = hashlib.sha256(f"{asset.input_hash}:edit:{asset.version + 1}".encode()).hexdigest()
    edited = Asset.objects.create(
        store=asset.store, product=asset.product, job=asset.job, kind=asset.kind,
        variant=asset.variant, locale=asset.locale, version=asset.version + 1, text=text,
        mime_type=asset.mime_type, provider="human-edit", model_name=label,
        input_hash=digest, product_content_hash=asset.product_content_hash,
        findings=findings, previous=asset,
    )  # fmt: skip
    audit(store=asset.store, asset=edited, action=AuditAction.EDITED, user=user, label=label,
          details={"previous": asset.pk, "fields": sorted(changes)})  # fmt: skip
    return edited


def _catalog_facts(asset: Asset) -> catalog_facade.ProductFacts:
    facts = catalog_facade.product_facts(store_id=asset.store_id, product_id=asset.product_id)
    if facts is None:
        raise DomainError("The asset's product is gone.", code="product_missing")
    return facts


def _recheck(asset: Asset, text: dict[str, Any]) -> list[dict[str, Any]]:
    """Edited copy is checked like generated copy: grounding and compliance findings."""
    try:
        copy = ProductCopy.from_dict(text)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"The edited copy is not valid: {exc}", code="invalid_copy") from exc
    request = CopyRequest(
        facts=facts_for(_catalog_facts(asset)),
        locale="zh-CN" if asset.locale == "zh-CN" else "en",
        brand_name=asset.product.brand or asset.store.name,
        sku=asset.product.sku,
    )
    return [finding_dict(f) for f in check_copy(copy, request)]


def asset_versions(asset: Asset) -> list[Asset]:
    """Every version of an asset's lineage, oldest first."""
    first = asset
    while first.previous is not None:
        first = first.previous
    versions = [first]
    while (following := versions[-1].next_versions.order_by("pk").first()) is not None:
        versions.append(following)
    return versions
