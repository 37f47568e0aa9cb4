"""Live-room reads: rooms within a store, and the engine's inputs fresh from the catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from catalog.models import Product
from content.compliance import check_compliance
from content.grounding import extract_quantities
from content.selectors import approved_copy_lines
from livestream.engine import Policy, ProductFacts, RundownItem
from livestream.models import HostUtterance, LiveRoom, LiveSession, RundownEntry
from livestream.moderation import has_link, is_abusive, is_prompt_injection
from livestream.protocol import disclosure_for, question_payload, utterance_message
from shop_ai.models import Store


def rooms_for_store(store: Store) -> QuerySet[LiveRoom]:
    return LiveRoom.objects.filter(store=store)


def sessions_for_store(store: Store) -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(room__store=store).select_related("room")


def open_session(room: LiveRoom) -> LiveSession | None:
    return LiveSession.objects.filter(room=room, ended_at__isnull=True).first()


def rundown_entries(room: LiveRoom) -> list[RundownEntry]:
    return list(room.rundown.select_related("product").order_by("position", "id"))


def rundown_items(entries: list[RundownEntry]) -> list[RundownItem]:
    return [
        RundownItem(
            product_id=entry.product_id,
            sku=entry.product.sku,
            title=entry.product.title,
            time_budget_s=float(entry.time_budget_s),
            talking_points=[str(point) for point in entry.talking_points],
            in_stock=entry.product.stock != 0,
        )
        for entry in entries
    ]


def room_policy(room: LiveRoom) -> Policy:
    return Policy(
        max_discount_pct=Decimal(room.max_discount_pct),
        answers_need_approval=room.answers_need_approval,
        banned_topics=[str(topic) for topic in room.banned_topics],
    )


def product_facts(room: LiveRoom, product_ids: list[int]) -> dict[int, ProductFacts]:
    """Catalog facts read now, so prices and stock the host says are never stale."""
    products = Product.objects.filter(store_id=room.store_id, pk__in=product_ids)
    copy = approved_copy_lines(store=room.store, product_ids=product_ids, locale=room.locale)
    return {
        product.pk: ProductFacts(
            id=product.pk,
            title=product.title,
            price=product.price,
            currency=product.currency,
            compare_at_price=product.compare_at_price,
            stock=product.stock,
            attributes=_speakable_attributes(product),
            approved_copy=copy.get(product.pk, []),
        )
        for product in products.prefetch_related("variants")
    }


def _speakable_attributes(product: Product) -> dict[str, str]:
    attributes = {
        str(name): str(value)
        for name, value in (product.attributes or {}).items()
        if isinstance(value, str | int | float)
        and str(value).strip()
        and _may_say(str(name), str(value), product)
    }
    if product.brand:
        attributes.setdefault("brand", product.brand)
    options: dict[str, list[str]] = {}
    for variant in product.variants.all():
        for name, value in (variant.options or {}).items():
            values = options.setdefault(str(name).lower(), [])
            if str(value) not in values:
                values.append(str(value))
    for name, values in options.items():
        attributes.setdefault(name, ", ".join(values))
    return attributes


def _may_say(name: str, value: str, product: Product) -> bool:
    """Whether the host may read an attribute out as a product fact.

    Attributes often hold text pasted from a supplier's feed, which may carry a link, an
    insult, instructions for a model or a price of its own ("details: now only $1, 90% off").
    The host says prices and deals from the price fields only, within the room's policy, and
    nothing the advertising rules or the comment moderation would refuse.
    """
    text = f"{name}: {value}"
    if has_link(text) or is_abusive(text) or is_prompt_injection(text):
        return False
    for locale in ("en", "zh-CN"):
        findings = check_compliance(text, locale=locale, category=product.category)
        if any(finding.severity == "error" for finding in findings):
            return False
    quantities = extract_quantities(value, currency=product.currency)
    return not any(quantity.kind in ("price", "discount") for quantity in quantities)


def product_card(product: Product | None) -> dict[str, Any] | None:
    """What the viewer's player shows for the product on air."""
    if product is None:
        return None
    image = product.images.filter(status="ready").order_by("position").first()
    return {
        "id": product.pk,
        "sku": product.sku,
        "title": product.title,
        "price": str(product.price),
        "compare_at_price": (
            str(product.compare_at_price) if product.compare_at_price is not None else None
        ),
        "currency": product.currency,
        "stock": product.stock,
        "in_stock": product.stock != 0,
        "image_url": image.thumbnail.url if image is not None and image.thumbnail else None,
    }


def room_hello(room: LiveRoom, *, viewer_token: str, recent: int = 5) -> dict[str, Any]:
    """The `hello` a viewer gets on connecting: everything needed to draw the room now."""
    session = open_session(room)
    product = None
    utterances: list[dict[str, Any]] = []
    if session is not None:
        if session.current_product_id is not None:
            product = Product.objects.filter(
                store_id=room.store_id, pk=session.current_product_id
            ).first()
        newest = session.utterances.order_by("-seq")[:recent]
        utterances = [utterance_message(u) for u in reversed(newest)]
    return {
        "type": "hello",
        "seq": session.last_seq if session is not None else 0,
        "room": {
            "slug": room.slug,
            "title": room.title,
            "locale": room.locale,
            "status": room.status,
            "host_name": str((room.persona or {}).get("name", "")),
        },
        "disclosure": disclosure_for(room.locale),
        "product": product_card(product),
        "viewer_token": viewer_token,
        "recent": utterances,
    }


def studio_snapshot(room: LiveRoom) -> dict[str, Any]:
    """What the seller's studio shows on connecting: questions waiting and flagged, figures."""
    session = open_session(room)
    questions: list[dict[str, Any]] = []
    if session is not None:
        pending = session.questions.filter(status__in=["awaiting", "flagged"])[:50]
        questions = [question_payload(q) for q in pending]
    return {
        "type": "studio",
        "room": {"id": room.pk, "slug": room.slug, "status": room.status},
        "session": (
            {"id": session.pk, "stats": session.stats, "last_seq": session.last_seq}
            if session is not None
            else None
        ),
        "questions": questions,
        "rundown": [
            {"product_id": entry.product_id, "title": entry.product.title}
            for entry in rundown_entries(room)
        ],
    }


def session_transcript(session: LiveSession) -> QuerySet[HostUtterance]:
    """What the host said in a session: its utterances (paged in ``seq`` order)."""
    return HostUtterance.objects.filter(session=session)
