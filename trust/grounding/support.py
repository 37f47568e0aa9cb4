"""What the facts back: every reading and range the catalog states, to look quantities up in."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from locales import Locale
from trust.findings import normalize_text
from trust.grounding.discounts import real_discount_percents
from trust.grounding.facts import Facts, facts_corpus
from trust.grounding.reading import Reading, extract_tokens

# Imperial <-> metric conversions are rounded in copy ("16.9 fl oz" for 500 ml, "12 in" for
# 30 cm), so readings converted with an inexact factor match within this relative tolerance.
CONVERSION_TOLERANCE = Decimal("0.02")


@dataclass
class SupportPool:
    points: dict[str, list[tuple[Decimal, bool, str]]] = field(default_factory=dict)
    ranges: dict[str, list[tuple[Decimal, Decimal]]] = field(default_factory=dict)
    # Codes are looked up as written, ignoring spacing: facts "SPF 50" back "SPF50".
    squashed_corpus: str = ""

    def add(self, reading: Reading, written: str) -> None:
        self.points.setdefault(reading.dimension, []).append(
            (reading.amount, reading.exact, written)
        )

    def supports(self, reading: Reading) -> bool:
        for amount, exact, _ in self.points.get(reading.dimension, []):
            if _amounts_match(reading.amount, amount, exact=exact and reading.exact):
                return True
        return any(
            low <= reading.amount <= high for low, high in self.ranges.get(reading.dimension, [])
        )

    def written_values(self, dimension: str) -> list[str]:
        seen: list[str] = []
        for _, _, written in self.points.get(dimension, []):
            if written and written not in seen:
                seen.append(written)
        return seen


def squash(text: str) -> str:
    return re.sub(r"[\s\-_/.]", "", text.lower())


def _amounts_match(left: Decimal, right: Decimal, *, exact: bool) -> bool:
    if exact:
        return left == right
    scale = max(abs(left), abs(right))
    return scale == 0 or abs(left - right) <= scale * CONVERSION_TOLERANCE


_UNIT_HINT = re.compile(
    r"(?<![A-Za-z])(ml|l|g|kg|mg|cm|mm|m|inch(?:es)?|in|oz|lbs?|mah|wh|w|v|gb|tb|hours?|h|"
    r"days?|months?|years?)(?![A-Za-z])|(毫升|升|克|千克|厘米|毫米|英寸|小时|年|个月)",
    re.IGNORECASE,
)
_PLAIN_NUMBER = re.compile(r"\s*\d+(?:\.\d+)?\s*")


def _with_unit_hint(key: str, value: str) -> str:
    # Catalog exports often keep the unit in the column name: {"capacity_ml": "500"}.
    if not _PLAIN_NUMBER.fullmatch(value):
        return value
    hint = _UNIT_HINT.search(key.replace("_", " ").replace("(", " ").replace(")", " "))
    return f"{value.strip()} {hint.group()}" if hint else value


def build_pool(facts: Facts, *, locale: Locale) -> SupportPool:
    pool = SupportPool(squashed_corpus=squash(facts_corpus(facts)))
    currency = facts.currency.upper()
    money = f"money:{currency}"
    price_values = [facts.price]
    if facts.compare_at_price is not None:
        price_values.append(facts.compare_at_price)
        if facts.compare_at_price > facts.price:
            price_values.append(facts.compare_at_price - facts.price)
    for amount in price_values:
        pool.add(Reading(money, amount.normalize()), format_decimal(amount))
        # A bare "19.99" in a sentence about the product is its price.
        pool.add(Reading("count", amount.normalize()), "")
    for percent in real_discount_percents(facts):
        pool.add(Reading("discount_pct", percent), f"{percent}%")
    for option_values in facts.variant_options.values():
        pool.add(Reading("count", Decimal(len(option_values))), "")
    fact_texts = [facts.title, facts.brand, facts.category, facts.warranty]
    fact_texts += [
        f"{key}: {_with_unit_hint(key, value)}" for key, value in facts.attributes.items()
    ]
    fact_texts += [value for values in facts.variant_options.values() for value in values]
    fact_texts += list(facts.tags)
    # The description backs a number only through a claim it makes ("350 ml", "cold 24 hours").
    fact_texts += [claim.text for claim in facts.claims]
    # Prices and discounts are backed by the price fields and the offers only: a price or a
    # discount written into an attribute, a tag or the title ("details: now only $1, 90% off",
    # often pasted from a supplier's feed) is not what the product costs.
    offer_texts = [(text, True) for text in facts.offers]
    for fact_text, states_deals in [*((text, False) for text in fact_texts), *offer_texts]:
        if not fact_text:
            continue
        normalized = normalize_text(fact_text)
        tokens = extract_tokens(normalized.folded, currency=currency, locale=locale)
        for token in tokens:
            written_start, written_end = normalized.original_span(token.start, token.end)
            written = fact_text[written_start:written_end]
            for reading in token.readings():
                if not states_deals and _is_price_or_discount(reading):
                    continue
                pool.add(reading, written)
                if reading.dimension == "discount_pct":
                    # An offer of "20% off" also backs a plain "20%".
                    pool.add(Reading("percent", reading.amount), written)
        for current, following in itertools.pairwise(tokens):
            if current.connector_to_next != "range":
                continue
            for low, high in zip(current.readings(), following.readings(), strict=False):
                if low.dimension == high.dimension and (
                    states_deals or not _is_price_or_discount(low)
                ):
                    pool.ranges.setdefault(low.dimension, []).append(
                        (min(low.amount, high.amount), max(low.amount, high.amount))
                    )
    return pool


def _is_price_or_discount(reading: Reading) -> bool:
    return reading.dimension.startswith("money:") or reading.dimension == "discount_pct"


def format_decimal(amount: Decimal) -> str:
    return format(amount, "f")
