"""What the host says about a product: the segments of a pitch, built from facts and counts.

Plain Python, no Django. Lines come from the locale's "host" phrasebook (keys documented in
``locales/en/host.py``); their placeholders are filled only with catalog facts or session
counts, and every number a seller's talking point or approved copy says must be a fact.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from livestream.host.state import Policy, ProductFacts, RundownItem
from locales import Locale, format_number

SEGMENTS = ("opening", "features", "use_cases", "social_proof", "offer", "call_to_action")
CALL_TO_ACTION = SEGMENTS.index("call_to_action")
MAX_FEATURE_LINES = 5
MAX_USE_CASE_LINES = 3
LOW_STOCK_THRESHOLD = 20

# A number as written in a fact or a line: "1,299" (grouped thousands), "12.50", "12,5".
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def fact_numbers(facts: ProductFacts | None, title: str) -> set[str]:
    """Numbers a sentence about this product may contain, as they appear in the facts."""
    texts = [title]
    if facts is not None:
        texts += [facts.title, *facts.attributes.values(), *facts.attributes.keys()]
        texts += facts.approved_copy
        texts += facts.description  # the seller's own words: "180 g/m²", "24 hours"
        for amount in (facts.price, facts.compare_at_price, facts.stock):
            if amount is not None:
                texts.append(format_number(amount))
    return {canonical_number(n) for text in texts for n in NUMBER.findall(str(text))}


def answer_numbers(facts: ProductFacts | None, title: str) -> set[str]:
    """Numbers an answer about this product may contain: its facts' and its variants' own
    prices and stock ("Slate has only 4 left"), which pitch lines never say."""
    allowed = fact_numbers(facts, title)
    if facts is not None:
        for variant in facts.variants:
            for amount in (variant.price, variant.compare_at_price, variant.stock):
                if amount is not None:
                    allowed |= {canonical_number(n) for n in NUMBER.findall(format_number(amount))}
        # Stock summed over the variants a question names ("slate" in every size).
        stocks = [v.stock for v in facts.variants if v.stock is not None]
        allowed |= {str(total) for total in _subset_sums(stocks)}
    return allowed


def _subset_sums(values: Sequence[int], limit: int = 12) -> set[int]:
    """Every sum of some of `values`; only for a few variants (the set doubles with each)."""
    sums = {0}
    for value in values[:limit]:
        sums |= {total + value for total in sums}
    return sums - {0}


def numbers_in(text: str) -> set[str]:
    """The numbers said in ``text``, canonical like those of ``fact_numbers``."""
    return {canonical_number(n) for n in NUMBER.findall(text)}


def canonical_number(token: str) -> str:
    # "1,299" is the money formatter's grouping of 1299; any other comma is a decimal one.
    text = token.replace(",", "") if _GROUPED.fullmatch(token) else token.replace(",", ".")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def mentions_banned(text: str, banned_topics: Sequence[str]) -> bool:
    lowered = text.casefold()
    return any(topic.strip() and topic.casefold() in lowered for topic in banned_topics)


def exact_discount(facts: ProductFacts) -> Decimal:
    """The real discount in percent, not rounded; only for facts with a compare-at price."""
    assert facts.price is not None
    assert facts.compare_at_price is not None
    compare_at = Decimal(facts.compare_at_price)
    return (compare_at - Decimal(facts.price)) * 100 / compare_at


class Script:
    """The host's lines in one locale, chosen with the engine's seeded generator."""

    def __init__(self, locale: Locale, rng: random.Random, policy: Policy) -> None:
        self.locale = locale
        self.phrases = locale.phrases("host")
        self.policy = policy
        self._rng = rng
        self._max_discount = Decimal(str(policy.max_discount_pct))

    def pool(self, key: str) -> Sequence[str]:
        variants: Sequence[str] = self.phrases[key]
        return variants

    def line(self, key: str, **values: str) -> str:
        variants = self.pool(key)
        text = (variants[0] if len(variants) == 1 else self._rng.choice(variants)).format(**values)
        return text[:1].upper() + text[1:]  # "material: cotton" opens a sentence

    def fresh_line(self, key: str, now: float, said: dict[str, float]) -> str | None:
        """A line from a pool not said within the policy's repeat window, or None."""
        window = self.policy.idle_repeat_window_s
        fresh = [line for line in self.pool(key) if now - said.get(line, -math.inf) >= window]
        if not fresh:
            return None
        line = self._rng.choice(fresh)
        said[line] = now
        return line

    def next_fresh_at(self, key: str, said: Mapping[str, float]) -> float:
        """When the oldest line of a pool may be said again."""
        window = self.policy.idle_repeat_window_s
        return min(said.get(line, -math.inf) + window for line in self.pool(key))

    def thanks(self, names: Sequence[str], *, more: bool) -> str:
        if more:
            # "A, B, C and everyone else": the phrase says the last joiner.
            return self.line("thank_more", names=self.locale.list_joiners[0].join(names))
        return self.line("thank", names=self.locale.join(names))

    # -- a pitch's segments ---------------------------------------------------------------------

    def segment_lines(
        self,
        segment: str,
        *,
        item: RundownItem,
        facts: ProductFacts | None,
        title: str,
        sold: int,
        carted: int,
        stock: int | None,
    ) -> list[dict[str, str]]:
        """The sentences of one segment, built from facts and talking points only."""
        lines: list[tuple[str, str]] = []
        if segment == "opening":
            lines.append(("say", self.line("opening", title=title)))
        elif segment == "features":
            if facts is not None:
                for name, value in list(facts.attributes.items())[:MAX_FEATURE_LINES]:
                    name_text = str(name).replace("_", " ")
                    lines.append(("say", self.line("attribute", name=name_text, value=str(value))))
            allowed = fact_numbers(facts, item.title)
            for point in item.talking_points:
                # Seller talking points are said only when every number in them is a catalog fact.
                if point.strip() and numbers_in(point) <= allowed:
                    lines.append(("say", point.strip()))
        elif segment == "use_cases":
            if facts is not None:
                copy_numbers = self.copy_numbers(facts, item.title)
                speakable = [
                    text.strip()
                    for text in facts.approved_copy
                    if text.strip() and numbers_in(text) <= copy_numbers
                ]
                lines += [("say", text) for text in speakable[:MAX_USE_CASE_LINES]]
        elif segment == "social_proof":
            lines += self.social_proof_lines(sold=sold, carted=carted, stock=stock)
        elif segment == "offer":
            lines += self.offer_lines(facts)
        elif segment == "call_to_action":
            lines.append(("say", self.line("call_to_action", title=title)))
        banned = self.policy.banned_topics
        return [
            {"kind": kind, "text": text, "reason": segment}
            for kind, text in lines
            if text and not mentions_banned(text, banned)
        ]

    def social_proof_lines(
        self, *, sold: int, carted: int, stock: int | None
    ) -> list[tuple[str, str]]:
        # Only what the catalog and this session's counted events show, never invented reviews.
        lines: list[tuple[str, str]] = []
        if sold > 0:
            lines.append(("say", self.line("sold", count=str(sold))))
        if carted > 1:
            lines.append(("say", self.line("carted", count=str(carted))))
        if stock is not None and 0 < stock <= LOW_STOCK_THRESHOLD:
            lines.append(("say", self.line("low_stock", stock=str(stock))))
        return lines

    def copy_numbers(self, facts: ProductFacts, title: str) -> set[str]:
        """Numbers approved copy may say on air: the catalog's, and a deal's only within the
        room's policy. Copy was approved for the product, not for this room's discount limit,
        and it may be older than the catalog's prices."""
        allowed = fact_numbers(replace(facts, approved_copy=[]), title)
        pct = self.locale.discount_percent(facts.price, facts.compare_at_price)
        if pct is None or facts.price is None or facts.compare_at_price is None:
            return allowed
        exact_pct = exact_discount(facts)
        if exact_pct <= self._max_discount:  # as the offer segment decides
            rounded = exact_pct.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            return allowed | {str(pct), str(rounded)}
        return allowed - {canonical_number(format_number(Decimal(facts.compare_at_price)))}

    def offer_lines(self, facts: ProductFacts | None) -> list[tuple[str, str]]:
        if facts is None or facts.price is None:
            return []
        price = self.locale.format_money(Decimal(facts.price), facts.currency)
        pct = self.locale.discount_percent(facts.price, facts.compare_at_price)
        # The real discount, not just its rounded-down figure, must sit within the policy.
        if (
            pct is not None
            and facts.compare_at_price is not None
            and exact_discount(facts) <= self._max_discount
        ):
            compare_at = self.locale.format_money(Decimal(facts.compare_at_price), facts.currency)
            text = self.line("deal", price=price, compare_at=compare_at, pct=str(pct))
            return [("announce_deal", text)]
        return [("say", self.line("price", price=price))]
