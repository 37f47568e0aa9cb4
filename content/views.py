"""Portal pages for content: generation jobs, asset previews, review, and voice consent."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from content import review, selectors, services
from content.models import Asset, AssetKind, VoiceConsent
from content.providers.text.product_copy import SECTION_NAMES, CopyParseError, ProductCopy
from content.review import voice_consent
from shop_ai.errors import DomainError
from shop_ai.http import TenantRequest
from shop_ai.models import Role
from shop_ai.portal.decorators import store_member_required
from trust.review_marks import mark_sections


@store_member_required()
def job_list(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    jobs = selectors.jobs_for_store(store)[:50]
    return render(request, "content/job_list.html", {"jobs": jobs})


@require_POST
@store_member_required(Role.EDITOR)
def job_create(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    try:
        job, _ = services.generation_job_create(
            store=store,
            product_ids=[int(pk) for pk in request.POST.getlist("products") if pk.isdigit()],
            kinds=request.POST.getlist("kinds") or list(AssetKind.values),
            locales=request.POST.getlist("locales") or [store.default_locale],
            created_by=request.user if isinstance(request.user, User) else None,
        )
    except DomainError as exc:
        return render(request, "content/job_error.html", {"error": exc.message}, status=400)
    return redirect("content:job-detail", pk=job.pk)


@store_member_required()
def job_detail(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    job = get_object_or_404(selectors.with_cost(selectors.jobs_for_store(store)), pk=pk)
    context = {"job": job, "rows": selectors.job_progress(job), "cost": selectors.job_cost(job)}
    template = "content/_job_status.html" if request.htmx else "content/job_detail.html"
    return render(request, template, context)


@require_POST
@store_member_required(Role.EDITOR)
def job_cancel(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    job = get_object_or_404(selectors.jobs_for_store(store), pk=pk)
    with contextlib.suppress(DomainError):  # already finished: the page shows how it ended
        services.job_cancel(job=job)
    return redirect("content:job-detail", pk=job.pk)


@store_member_required()
def product_assets(request: TenantRequest, product_pk: int) -> HttpResponse:
    store = request.tenant.store
    product, assets = selectors.product_assets(store, product_pk)
    if product is None:
        return render(request, "portal/no_store.html", status=404)
    return render(request, "content/product_assets.html", {"product": product, "assets": assets})


# --- review: the trust layer's queue and asset page ----------------------------------------

REVIEW_PAGE_SIZE = 25
QUEUE_FILTERS = ("kind", "q", "findings", "locale")
CONFIRM_FINDINGS = "checked_findings"


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _can_review(request: TenantRequest) -> bool:
    return request.tenant.role in (Role.OWNER, Role.EDITOR)


def _queue_filters(params: Mapping[str, Any]) -> dict[str, str]:
    """The queue's filters that are set, in a fixed order: they travel in links and forms."""
    values = {key: str(params.get(key) or "").strip() for key in QUEUE_FILTERS}
    return {key: value for key, value in values.items() if value}


def _queue_url(filters: Mapping[str, str]) -> str:
    query = urlencode(filters)
    return reverse("content:review-queue") + (f"?{query}" if query else "")


def _review_url(asset: Asset, filters: Mapping[str, str]) -> str:
    query = urlencode(filters)
    return reverse("content:review-asset", args=[asset.pk]) + (f"?{query}" if query else "")


def _posted_filters(request: HttpRequest) -> dict[str, str]:
    # Forms carry the queue's filters as one query string, so "next" stays in that queue.
    return _queue_filters(QueryDict(request.POST.get("queue", "")))


def _after_decision(request: HttpRequest, asset: Asset) -> HttpResponse:
    """Reviewing is a stream: after a decision the next draft in the same queue opens."""
    filters = _posted_filters(request)
    if request.POST.get("return") == "queue":  # a decision taken from the queue stays there
        return redirect(_queue_url(filters))
    newer, older = selectors.queue_neighbours(selectors.review_queue(asset.store, filters), asset)
    following = older or newer
    return redirect(_review_url(following, filters) if following else _queue_url(filters))


@store_member_required()
def review_queue(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    filters = _queue_filters(request.GET)
    page = Paginator(selectors.review_queue(store, filters), REVIEW_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for asset in page:
        asset.error_count = len(review.error_findings(asset))  # type: ignore[attr-defined]
    context = {
        "page": page,
        "filters": filters,
        "query": urlencode(filters),
        "kinds": AssetKind.choices,
        "locales": services.LOCALES,
        "can_review": _can_review(request),
    }
    template = "content/_review_rows.html" if request.htmx else "content/review_queue.html"
    return render(request, template, context)


def _copy_view(asset: Asset) -> dict[str, Any]:
    """The copy's sections with findings marked, and what the edit form shows."""
    if asset.kind != AssetKind.COPY or not isinstance(asset.text, dict):
        return {}
    try:
        sections = ProductCopy.from_dict(asset.text).sections()
    except (CopyParseError, TypeError, ValueError):
        # Stored copy that no longer parses is still shown, unmarked, field by field.
        sections = [(str(k), _field_text(v)) for k, v in asset.text.items()]
    marked, unplaced = mark_sections(sections, [f for f in asset.findings if isinstance(f, dict)])
    # Copy from before a section existed parses with it empty: nothing to review there.
    shown = [s for s in marked if s.text or s.findings or s.name in asset.text]
    return {"sections": shown, "unplaced": unplaced}


def _field_text(value: Any) -> str:
    return "\n".join(str(item) for item in value) if isinstance(value, list) else str(value or "")


def _edit_fields(asset: Asset, values: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The editable copy fields in the copy's order; list fields are edited one per line."""
    if asset.kind != AssetKind.COPY or not isinstance(asset.text, dict):
        return []
    names = [n for n in SECTION_NAMES if n in review.COPY_FIELDS and n in asset.text]
    return [
        {
            "name": name,
            "label": name.replace("_", " ").capitalize(),
            "value": (values or {}).get(name, _field_text(asset.text[name])),
            "lines": isinstance(asset.text[name], list),
        }
        for name in names
    ]


def _render_review(
    request: TenantRequest,
    asset: Asset,
    *,
    status: int = 200,
    error: str = "",
    edit_values: Mapping[str, str] | None = None,
    note: str = "",
) -> HttpResponse:
    store = request.tenant.store
    filters = _queue_filters(
        request.GET if request.method == "GET" else QueryDict(request.POST.get("queue", ""))
    )
    newer, older = selectors.queue_neighbours(selectors.review_queue(store, filters), asset)
    versions = review.asset_versions(asset)
    lineage = [v.pk for v in versions]
    trail = selectors.audit_trail(store, lineage)
    made_by = {
        event.asset_id: event
        for event in reversed(trail)
        if event.action in ("generated", "edited")
    }
    for version in versions:
        version.made_by = made_by.get(version.pk)  # type: ignore[attr-defined]
    product = asset.product
    context = {
        "asset": asset,
        "product": product,
        "variants": list(product.variants.all()),
        "errors": review.error_findings(asset),
        "superseded": versions[-1] if versions[-1].pk != asset.pk else None,
        "versions": versions,
        "trail": trail,
        "newer": newer,
        "older": older,
        "filters": filters,
        "query": urlencode(filters),
        "can_review": _can_review(request),
        "edit_fields": _edit_fields(asset, edit_values),
        "edit_open": edit_values is not None,
        "error": error,
        "note": note,
        "confirm_name": CONFIRM_FINDINGS,
        **_copy_view(asset),
    }
    return render(request, "content/review_asset.html", context, status=status)


def _store_asset(request: TenantRequest, pk: int) -> Asset:
    """The asset if it is this store's: another store's id looks like one that does not exist."""
    store = request.tenant.store
    return get_object_or_404(
        Asset.objects.select_related("store", "product", "reviewed_by"), pk=pk, store=store
    )


@store_member_required()
def review_asset(request: TenantRequest, pk: int) -> HttpResponse:
    return _render_review(request, _store_asset(request, pk))


@require_POST
@store_member_required(Role.EDITOR)
def review_approve(request: TenantRequest, pk: int) -> HttpResponse:
    asset = _store_asset(request, pk)
    note = request.POST.get("note", "").strip()
    user = _user(request)
    try:
        review.asset_approve(
            asset=asset, user=user, label=review.actor_label(user=user), note=note,
            findings_checked=bool(request.POST.get(CONFIRM_FINDINGS)),
        )  # fmt: skip
    except review.FindingsUnchecked:
        return _render_review(
            request, asset, status=400, note=note,
            error="This asset has error findings: tick “I checked the findings” to approve it.",
        )  # fmt: skip
    except DomainError as exc:
        return _render_review(request, asset, status=exc.status_code, error=exc.message)
    messages.success(
        request, f"Approved {asset.get_kind_display().lower()} for {asset.product.title}."
    )
    return _after_decision(request, asset)


@require_POST
@store_member_required(Role.EDITOR)
def review_reject(request: TenantRequest, pk: int) -> HttpResponse:
    asset = _store_asset(request, pk)
    user = _user(request)
    note = request.POST.get("note", "").strip()
    try:
        review.asset_reject(asset=asset, user=user, label=review.actor_label(user=user), note=note)
    except DomainError as exc:
        return _render_review(request, asset, status=exc.status_code, error=exc.message)
    messages.success(
        request, f"Rejected {asset.get_kind_display().lower()} for {asset.product.title}."
    )
    return _after_decision(request, asset)


@require_POST
@store_member_required(Role.EDITOR)
def review_edit(request: TenantRequest, pk: int) -> HttpResponse:
    asset = _store_asset(request, pk)
    filters = _posted_filters(request)
    if asset.kind != AssetKind.COPY:
        return _render_review(request, asset, status=400, error="Only copy can be edited here.")
    if asset.next_versions.exists():
        # Editing an old version would fork the lineage; the newest one is the one to edit.
        return _render_review(
            request, asset, status=409, error="A newer version of this copy exists; edit that one."
        )
    values: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for field in _edit_fields(asset):
        name = field["name"]
        if name not in request.POST:
            continue
        raw = request.POST[name].replace("\r\n", "\n")
        values[name] = raw
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        new = lines if field["lines"] else raw.strip()
        if new != asset.text.get(name):  # type: ignore[union-attr]
            changes[name] = new
    if not changes:
        messages.info(request, "Nothing changed.")
        return redirect(_review_url(asset, filters))
    user = _user(request)
    try:
        edited = review.asset_edit_text(
            asset=asset, changes=changes, user=user, label=review.actor_label(user=user)
        )
    except DomainError as exc:
        return _render_review(request, asset, status=400, error=exc.message, edit_values=values)
    found = len(edited.findings)
    messages.success(
        request,
        f"Saved as version {edited.version}; checked again: "
        f"{found} finding{'' if found == 1 else 's'}.",
    )
    return redirect(_review_url(edited, filters))


@require_POST
@store_member_required(Role.EDITOR)
def review_bulk(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    filters = _posted_filters(request)
    ids = [int(pk) for pk in request.POST.getlist("assets") if pk.isdigit()]
    action = request.POST.get("action", "")
    if not ids or action not in ("approve", "reject"):
        messages.error(request, "Select some assets, then approve or reject them.")
        return redirect(_queue_url(filters))
    approve = action == "approve"
    user = _user(request)
    try:
        done = review.assets_review_bulk(
            store=store, asset_ids=ids, approve=approve, user=user,
            label=review.actor_label(user=user),
            findings_checked=bool(request.POST.get(CONFIRM_FINDINGS)),
        )  # fmt: skip
    except review.FindingsUnchecked as exc:
        names = ", ".join(f"{a.product.sku} {a.kind}" for a in exc.assets[:5])
        messages.error(
            request,
            f"{len(exc.assets)} selected asset(s) have error findings ({names}): "
            "tick “I checked the findings” to approve them.",
        )
        return redirect(_queue_url(filters))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_queue_url(filters))
    messages.success(request, f"{'Approved' if approve else 'Rejected'} {len(done)} asset(s).")
    return redirect(_queue_url(filters))


# --- voice consent: a store setting, owners only ---------------------------------------------


@store_member_required(Role.OWNER)
def voice_consents(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    error = ""
    if request.method == "POST":
        recording = request.FILES.get("recording")
        try:
            if recording is None:
                raise DomainError("Attach the WAV recording of the speaker reading the statement.")
            consent = voice_consent.voice_consent_record(
                store=store,
                voice=request.POST.get("voice", ""),
                speaker_name=request.POST.get("speaker_name", ""),
                statement=request.POST.get("statement", ""),
                recording=recording,
                recorded_by=_user(request),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"Consent recorded for the voice {consent.voice}.")
            return redirect("content:voice-consents")
    context = {
        "consents": VoiceConsent.objects.filter(store=store).select_related("recorded_by"),
        "error": error,
        "values": request.POST if error else {},
    }
    return render(request, "content/voice_consents.html", context, status=400 if error else 200)


@require_POST
@store_member_required(Role.OWNER)
def voice_consent_revoke(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    consent = get_object_or_404(VoiceConsent, pk=pk, store=store)
    voice_consent.voice_consent_revoke(consent=consent)
    messages.success(request, f"Consent for the voice {consent.voice} revoked.")
    return redirect("content:voice-consents")
