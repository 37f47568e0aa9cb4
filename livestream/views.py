"""Live pages: the public viewer page, and the seller's rooms list and studio."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from catalog.selectors import products_for_store
from livestream import selectors, services
from livestream.consumers import issue_viewer_token
from livestream.models import LiveRoom
from livestream.protocol import disclosure_for
from locales import get_locale
from shop_ai.errors import DomainError
from shop_ai.http import TenantRequest
from shop_ai.models import Role
from shop_ai.portal.decorators import store_member_required


def viewer(request: HttpRequest, slug: str) -> HttpResponse:
    """The player anyone can open: host card, captions, audio, product card, comments."""
    room = get_object_or_404(LiveRoom, slug=slug)
    token, _ = issue_viewer_token(room.pk)
    context = {
        "room": room,
        "viewer_token": token,
        "disclosure": disclosure_for(get_locale(room.locale)),
    }
    return render(request, "livestream/viewer.html", context)


@store_member_required()
def room_list(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    context = {
        "rooms": selectors.rooms_for_store(store).prefetch_related("rundown__product"),
        "products": products_for_store(store).order_by("title")[:500],
        "error": "",
    }
    return render(request, "livestream/room_list.html", context)


@require_POST
@store_member_required(Role.EDITOR)
def room_create(request: TenantRequest) -> HttpResponse:
    store = request.tenant.store
    try:
        max_discount = Decimal(request.POST.get("max_discount_pct") or "0")
    except InvalidOperation:
        max_discount = Decimal(-1)
    try:
        if not Decimal(0) <= max_discount <= Decimal(90):
            raise DomainError("The maximum discount is between 0 and 90 percent.")
        room = services.room_create(
            store=store,
            slug=request.POST.get("slug", "").strip().lower(),
            title=request.POST.get("title", "").strip() or "Live",
            locale="zh-CN" if request.POST.get("locale") == "zh-CN" else "en",
            max_discount_pct=max_discount,
            answers_need_approval=request.POST.get("answers_need_approval") == "on",
            rundown=[
                services.RundownSpec(product_id=int(pk))
                for pk in request.POST.getlist("products")
                if pk.isdigit()
            ],
        )
    except DomainError as error:
        context = {
            "rooms": selectors.rooms_for_store(store),
            "products": products_for_store(store).order_by("title")[:500],
            "error": error.message,
        }
        return render(request, "livestream/room_list.html", context, status=400)
    return redirect("livestream:studio", pk=room.pk)


@require_POST
@store_member_required(Role.EDITOR)
def room_switch(request: TenantRequest, pk: int) -> HttpResponse:
    """Start or stop a room from the portal."""
    store = request.tenant.store
    room = get_object_or_404(selectors.rooms_for_store(store), pk=pk)
    try:
        if request.POST.get("action") == "start":
            services.room_start(room=room)
        else:
            services.room_stop(room=room)
    except DomainError as error:
        return HttpResponse(error.message, status=error.status_code)
    return redirect("livestream:studio", pk=room.pk)


@store_member_required()
def studio(request: TenantRequest, pk: int) -> HttpResponse:
    """The seller's control room: the same feed as viewers, plus queue, controls and charts."""
    store = request.tenant.store
    room = get_object_or_404(selectors.rooms_for_store(store), pk=pk)
    context = {
        "room": room,
        "rundown": selectors.rundown_entries(room),
        "session": selectors.open_session(room),
    }
    return render(request, "livestream/studio.html", context)
