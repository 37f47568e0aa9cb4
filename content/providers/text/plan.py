"""The facts of one product as writers state them: stock, attributes, a prompt plan.

Prices and discounts are the locale's (``Locale.format_money``, ``Locale.discount_percent``),
so copy, host and labels print one string for one price.
"""

from __future__ import annotations

import re

from content.providers.text.product_copy import CopyRequest
from trust.grounding import LOW_STOCK_THRESHOLD, Facts
from trust.grounding.attributes import attribute_label, attribute_value


def low_stock(facts: Facts) -> int | None:
    """Units left when few enough to say so ("only 3 left"), else None."""
    if facts.stock is not None and 0 < facts.stock <= LOW_STOCK_THRESHOLD:
        return facts.stock
    return None


AttributeKind = str  # "material", "capacity", "size", "weight", "origin" or "other"

_ATTRIBUTE_KINDS = (
    ("material", re.compile(r"material|fabric|材质|面料", re.IGNORECASE)),
    ("capacity", re.compile(r"capacity|volume|容量", re.IGNORECASE)),
    ("size", re.compile(r"dimension|size|尺寸|规格", re.IGNORECASE)),
    ("weight", re.compile(r"weight|重量|净重", re.IGNORECASE)),
    ("origin", re.compile(r"origin|country|made.in|产地|原产", re.IGNORECASE)),
)


def attribute_kind(key: str) -> AttributeKind:
    for kind, pattern in _ATTRIBUTE_KINDS:
        if pattern.search(key):
            return kind
    return "other"


def plan_lines(request: CopyRequest) -> list[str]:
    """The facts as a compact list for a prompt: the model phrases these and nothing else."""
    facts, locale = request.facts, request.locale
    price = locale.format_money(facts.price, facts.currency)
    lines = [f"product: {facts.title}"]
    if facts.brand:
        lines.append(f"brand: {facts.brand}")
    if facts.category:
        lines.append(f"category: {facts.category}")
    percent = locale.discount_percent(facts.price, facts.compare_at_price)
    if percent is not None and facts.compare_at_price is not None:
        was = locale.format_money(facts.compare_at_price, facts.currency)
        lines.append(f"price: {price} (was {was}, {percent}% off)")
    else:
        lines.append(f"price: {price}")
    for key, value in facts.attributes.items():
        lines.append(f"{attribute_label(key)}: {attribute_value(key, value)}")
    for option, values in facts.variant_options.items():
        lines.append(f"{attribute_label(option)} options: {', '.join(values)}")
    if facts.warranty:
        lines.append(f"warranty: {facts.warranty}")
    lines.extend(f"offer: {offer}" for offer in facts.offers)
    # The description's own claims, the words a model may build benefits from.
    lines.extend(f"description says: {claim.text}" for claim in facts.claims)
    left = low_stock(facts)
    if left is not None:
        lines.append(f"stock: only {left} left")
    lines.append(f"sold by: {request.brand_name}")
    return lines
