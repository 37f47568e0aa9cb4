"""Live-room reads: rooms within a store, and the engine's inputs fresh from the catalog."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import QuerySet

from catalog import facade as catalog_facade
from catalog.facade import ProductFacts as CatalogProduct
from content import facade as content_facade
from livestream.host.state import Policy, ProductFacts, RundownItem, VariantFacts
from livestream.models import HostUtterance, LiveRoom, LiveSession, RundownEntry
from livestream.moderation import has_link, is_abusive, is_prompt_injection
from livestream.protocol import disclosure_for, question_payload, utterance_message
from locales import LOCALE_CODES, Locale, get_locale
from shop_ai.models import Store
from trust.compliance import check_compliance
from trust.grounding import extract_quantities
from trust.grounding.attributes import is_selling_point


def rooms_for_store(store: Store) -> QuerySet[LiveRoom]:
    return LiveRoom.objects.filter(store=store)


def sessions_for_store(store: Store) -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(room__store=store).select_related("room")


def open_session(room: LiveRoom) -> LiveSession | None:
    return LiveSession.objects.filter(room=room, ended_at__isnull=True).first()


def rundown_entries(room: LiveRoom) -> list[RundownEntry]:
    return list(room.rundown.order_by("position", "id"))


def rundown_items(entries: list[RundownEntry]) -> list[RundownItem]:
    if not entries:
        return []
    products = catalog_facade.products_facts(
        store_id=entries[0].room.store_id, product_ids=[entry.product_id for entry in entries]
    )
    return [
        RundownItem(
            product_id=entry.product_id,
            sku=products[entry.product_id].sku,
            title=products[entry.product_id].title,
            time_budget_s=float(entry.time_budget_s),
            talking_points=[str(point) for point in entry.talking_points],
            in_stock=products[entry.product_id].in_stock,
        )
        for entry in entries
        if entry.product_id in products
    ]


def room_policy(room: LiveRoom) -> Policy:
    return Policy(
        max_discount_pct=Decimal(room.max_discount_pct),
        answers_need_approval=room.answers_need_approval,
        banned_topics=[str(topic) for topic in room.banned_topics],
    )


def product_facts(room: LiveRoom, product_ids: list[int]) -> dict[int, ProductFacts]:
    """Catalog facts read now, so prices and stock the host says are never stale."""
    products = catalog_facade.products_facts(store_id=room.store_id, product_ids=product_ids)
    locale = get_locale(room.locale)
    copy = content_facade.approved_copy_lines(
        store_id=room.store_id, product_ids=product_ids, locale=room.locale
    )
    return {
        product.id: ProductFacts(
            id=product.id,
            title=product.title,
            price=product.price,
            currency=product.currency,
            compare_at_price=product.compare_at_price,
            stock=product.stock,
            attributes=_speakable_attributes(product),
            approved_copy=list(copy.get(product.id, ())),
            variants=tuple(
                VariantFacts(
                    options={str(k): str(v) for k, v in variant.options.items()},
                    price=variant.price,
                    stock=variant.stock,
                    compare_at_price=variant.compare_at_price,
                    sku=variant.sku,
                    title=variant.title,
                )
                for variant in product.variants
            ),
            description=_speakable_sentences(product, locale),
            category=product.category,
        )
        for product in products.values()
    }


# A description longer than this many sentences is cut: answers search every sentence.
MAX_DESCRIPTION_SENTENCES = 40


def _speakable_sentences(product: CatalogProduct, locale: Locale) -> tuple[str, ...]:
    """The description's sentences the host may say as written (see ``_may_say``)."""
    sentences = [
        sentence
        for sentence in locale.split_sentences(product.description or "")
        if _may_say("description", sentence, product)
    ]
    return tuple(sentences[:MAX_DESCRIPTION_SENTENCES])


def _speakable_attributes(product: CatalogProduct) -> dict[str, str]:
    attributes = {
        str(name): str(value)
        for name, value in product.attributes.items()
        if isinstance(value, str | int | float)
        and str(value).strip()
        and is_selling_point(str(name))
        and _may_say(str(name), str(value), product)
    }
    if product.brand:
        attributes.setdefault("brand", product.brand)
    options: dict[str, list[str]] = {}
    for variant in product.variants:
        for name, value in variant.options.items():
            values = options.setdefault(str(name).lower(), [])
            if str(value) not in values:
                values.append(str(value))
    for name, values in options.items():
        attributes.setdefault(name, ", ".join(values))
    return attributes


def _may_say(name: str, value: str, product: CatalogProduct) -> bool:
    """Whether the host may read an attribute out as a product fact.

    Attributes often hold text pasted from a supplier's feed, which may carry a link, an
    insult, instructions for a model or a price of its own ("details: now only $1, 90% off").
    The host says prices and deals from the price fields only, within the room's policy, and
    nothing the advertising rules or the comment moderation would refuse.
    """
    text = f"{name}: {value}"
    if has_link(text) or is_abusive(text) or is_prompt_injection(text):
        return False
    for code in LOCALE_CODES:
        findings = check_compliance(text, locale=get_locale(code), category=product.category)
        if any(finding.severity == "error" for finding in findings):
            return False
    quantities = extract_quantities(value, currency=product.currency)
    return not any(quantity.kind in ("price", "discount") for quantity in quantities)


def product_card(product: CatalogProduct | None) -> dict[str, Any] | None:
    """What the viewer's player shows for the product on air."""
    if product is None:
        return None
    photo = catalog_facade.product_photo(product_id=product.id)
    return {
        "id": product.id,
        "sku": product.sku,
        "title": product.title,
        "price": str(product.price),
        "compare_at_price": (
            str(product.compare_at_price) if product.compare_at_price is not None else None
        ),
        "currency": product.currency,
        "stock": product.stock,
        "in_stock": product.in_stock,
        "image_url": (
            default_storage.url(photo.thumbnail_name)
            if photo is not None and photo.thumbnail_name
            else None
        ),
    }


def product_card_for(room: LiveRoom, product_id: int | None) -> dict[str, Any] | None:
    """The card of one of the room's store's products; None for none or another store's."""
    if product_id is None:
        return None
    return product_card(catalog_facade.product_facts(store_id=room.store_id, product_id=product_id))


def room_hello(room: LiveRoom, *, viewer_token: str, recent: int = 5) -> dict[str, Any]:
    """The `hello` a viewer gets on connecting: everything needed to draw the room now."""
    session = open_session(room)
    card = None
    utterances: list[dict[str, Any]] = []
    if session is not None:
        card = product_card_for(room, session.current_product_id)
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
        "disclosure": disclosure_for(get_locale(room.locale)),
        "product": card,
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
            {"product_id": item.product_id, "title": item.title}
            for item in rundown_items(rundown_entries(room))
        ],
    }


def session_transcript(session: LiveSession) -> QuerySet[HostUtterance]:
    """What the host said in a session: its utterances (paged in ``seq`` order)."""
    return HostUtterance.objects.filter(session=session)
