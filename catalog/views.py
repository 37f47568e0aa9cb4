"""Portal pages for the catalog: products, a product, and imports with live progress."""

from __future__ import annotations

import contextlib
import csv

from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from catalog import selectors, services
from catalog.formats import PRODUCT_JSON_SCHEMA, neutralize_formula
from catalog.models import ImportPolicy
from shop_ai.errors import DomainError
from shop_ai.http import TenantRequest
from shop_ai.models import Role
from shop_ai.portal.decorators import store_member_required


@store_member_required()
def product_list(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    stock = request.GET.get("stock", "")
    products = (
        selectors.products_search(
            store,
            q=request.GET.get("q", "").strip(),
            category=request.GET.get("category", "").strip(),
            brand=request.GET.get("brand", "").strip(),
            tag=request.GET.get("tag", "").strip(),
            in_stock={"in": True, "out": False}.get(stock),
        )
        .prefetch_related("images")
        .order_by("-id")
    )
    page = Paginator(products, 50).get_page(request.GET.get("page"))
    template = "catalog/_product_rows.html" if request.htmx else "catalog/product_list.html"
    return render(request, template, {"page": page, "filters": request.GET})


@store_member_required()
def product_detail(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    product = get_object_or_404(selectors.product_with_children(store, pk))
    return render(request, "catalog/product_detail.html", {"product": product})


@store_member_required(Role.EDITOR)
def import_page(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    error = ""
    if request.method == "POST":
        try:
            job = services.import_create(
                store=store,
                upload=request.FILES.get("file"),
                source_url=request.POST.get("source_url", "").strip(),
                requested_format=request.POST.get("format", "auto"),
                policy=request.POST.get("policy", ImportPolicy.SKIP_INVALID),
                created_by=request.user if isinstance(request.user, User) else None,
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("catalog:import-detail", pk=job.pk)
    jobs = selectors.imports_for_store(store)[:20]
    context = {"jobs": jobs, "error": error, "policies": ImportPolicy.choices}
    return render(request, "catalog/import.html", context, status=400 if error else 200)


@store_member_required()
def import_detail(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    job = get_object_or_404(selectors.imports_for_store(store), pk=pk)
    errors = selectors.import_errors(job)[:200]
    template = "catalog/_import_status.html" if request.htmx else "catalog/import_detail.html"
    return render(request, template, {"job": job, "errors": errors})


@require_POST
@store_member_required(Role.EDITOR)
def import_cancel(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    job = get_object_or_404(selectors.imports_for_store(store), pk=pk)
    with contextlib.suppress(DomainError):  # already finished: the page shows the final state
        services.import_cancel(job=job)
    return redirect("catalog:import-detail", pk=job.pk)


@store_member_required()
def import_errors_csv(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    job = get_object_or_404(selectors.imports_for_store(store), pk=pk)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    writer = csv.writer(response)
    writer.writerow(["row", "column", "value", "message", "sku"])
    for e in selectors.import_errors(job).iterator():
        writer.writerow(
            [
                neutralize_formula(str(v))
                for v in (e.row_number, e.column, e.value, e.message, e.sku)
            ]
        )
    return response


def product_json_schema(request: HttpRequest) -> JsonResponse:
    """The JSON Schema of one product in our JSON / JSON Lines import format (public)."""
    return JsonResponse(PRODUCT_JSON_SCHEMA, json_dumps_params={"indent": 2})
