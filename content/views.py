"""Portal pages for content: start generation, watch a job, preview a product's assets."""

from __future__ import annotations

import contextlib

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from content import selectors, services
from content.models import AssetKind
from shop_ai.errors import DomainError
from shop_ai.models import Role
from shop_ai.portal.decorators import store_member_required


@store_member_required()
def job_list(request: HttpRequest) -> HttpResponse:
    store = request.tenant.store  # type: ignore[attr-defined]
    jobs = selectors.jobs_for_store(store)[:50]
    return render(request, "content/job_list.html", {"jobs": jobs})


@require_POST
@store_member_required(Role.EDITOR)
def job_create(request: HttpRequest) -> HttpResponse:
    store = request.tenant.store  # type: ignore[attr-defined]
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
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    store = request.tenant.store  # type: ignore[attr-defined]
    job = get_object_or_404(selectors.with_cost(selectors.jobs_for_store(store)), pk=pk)
    context = {"job": job, "rows": selectors.job_progress(job), "cost": selectors.job_cost(job)}
    template = "content/_job_status.html" if request.htmx else "content/job_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@store_member_required(Role.EDITOR)
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    store = request.tenant.store  # type: ignore[attr-defined]
    job = get_object_or_404(selectors.jobs_for_store(store), pk=pk)
    with contextlib.suppress(DomainError):  # already finished: the page shows how it ended
        services.job_cancel(job=job)
    return redirect("content:job-detail", pk=job.pk)


@store_member_required()
def product_assets(request: HttpRequest, product_pk: int) -> HttpResponse:
    store = request.tenant.store  # type: ignore[attr-defined]
    product, assets = selectors.product_assets(store, product_pk)
    if product is None:
        return render(request, "portal/no_store.html", status=404)
    return render(request, "content/product_assets.html", {"product": product, "assets": assets})
