"""Portal pages of the project shell: dashboard, store switcher and store settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shop_ai import selectors, services
from shop_ai.errors import DomainError
from shop_ai.http import TenantRequest
from shop_ai.models import ApiKey, Membership, Role
from shop_ai.portal.decorators import store_member_required
from shop_ai.portal.forms import ApiKeyForm, BrandKitForm, MemberForm
from shop_ai.tenancy import SESSION_STORE_KEY


@store_member_required()
def dashboard(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    context = {
        "member_count": selectors.members_for_store(store).count(),
        "active_key_count": selectors.api_keys_for_store(store)
        .filter(revoked_at__isnull=True)
        .count(),
    }
    return render(request, "portal/dashboard.html", context)


@require_POST
@store_member_required()
def switch_store(request: TenantRequest) -> HttpResponse:
    membership = get_object_or_404(
        selectors.memberships_for_user(request.user), store_id=request.POST.get("store_id")
    )
    request.session[SESSION_STORE_KEY] = membership.store_id
    return redirect("portal:dashboard")


@store_member_required(Role.OWNER)
def brand_kit(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    form = BrandKitForm(request.POST or None, instance=store)
    if request.method == "POST" and form.is_valid():
        services.store_update_brand_kit(store=store, **form.cleaned_data)
        messages.success(request, "Brand kit saved.")
        return redirect("portal:brand-kit")
    return render(request, "portal/brand_kit.html", {"form": form})


@store_member_required(Role.OWNER)
def members(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set(
                store=store, user=form.cleaned_data["username"], role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Member saved.")
        return redirect("portal:members")
    context = {"form": form, "members": selectors.members_for_store(store)}
    return render(request, "portal/members.html", context)


@require_POST
@store_member_required(Role.OWNER)
def member_remove(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    membership = get_object_or_404(Membership, pk=pk, store=store)
    try:
        services.membership_remove(membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("portal:members")


@store_member_required(Role.OWNER)
def api_keys(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    form = ApiKeyForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = services.api_key_create(
            store=store,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            created_by=request.user if isinstance(request.user, User) else None,
        )
        form = ApiKeyForm()
    context = {"form": form, "issued": issued, "keys": selectors.api_keys_for_store(store)}
    return render(request, "portal/api_keys.html", context)


@require_POST
@store_member_required(Role.OWNER)
def api_key_revoke(request: TenantRequest, pk: int) -> HttpResponse:
    store = request.tenant.store
    api_key = get_object_or_404(ApiKey, pk=pk, store=store)
    services.api_key_revoke(api_key=api_key)
    if request.htmx:
        return render(request, "portal/_api_key_row.html", {"key": api_key})
    messages.success(request, f"Key {api_key.prefix} revoked.")
    return redirect("portal:api-keys")
