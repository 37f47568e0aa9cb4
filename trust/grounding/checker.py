"""The checker: findings for every number and claim in a text that the facts do not back."""

from __future__ import annotations

from decimal import Decimal

from locales import Locale
from trust.findings import Finding, NormalizedText, normalize_text
from trust.grounding.claim_rules import ClaimRule
from trust.grounding.claims import claim_supported, find_claims
from trust.grounding.discounts import real_discount_percents
from trust.grounding.facts import Facts, facts_corpus
from trust.grounding.reading import Quantity, extract_tokens, to_quantity
from trust.grounding.support import SupportPool, build_pool, format_decimal, squash

UNSUPPORTED_NUMBER = "grounding.unsupported_number"
UNSUPPORTED_CLAIM = "grounding.unsupported_claim"


def check_grounding(text: str, facts: Facts, *, locale: Locale) -> list[Finding]:
    """Findings for every number and factual claim in `text` that the facts do not back."""
    normalized = normalize_text(text)
    currency = facts.currency.upper()
    pool = build_pool(facts, locale=locale)
    corpus = facts_corpus(facts)

    claim_findings = [
        _claim_finding(normalized, rule, start, end)
        for rule, start, end in find_claims(normalized.folded)
        if not claim_supported(rule, facts, corpus)
    ]
    number_findings: list[Finding] = []
    for token in extract_tokens(normalized.folded, currency=currency, locale=locale):
        quantity = to_quantity(normalized, token)
        problem = _number_problem(quantity, facts, pool)
        if problem is None:
            continue
        message, suggestion = problem
        inside_claim = any(
            claim.start <= quantity.start and quantity.end <= claim.end for claim in claim_findings
        )
        if not inside_claim:  # "100% cotton" is reported once, as the claim.
            number_findings.append(
                Finding(
                    rule_id=UNSUPPORTED_NUMBER,
                    severity="error",
                    start=quantity.start,
                    end=quantity.end,
                    excerpt=quantity.excerpt,
                    message=message,
                    suggestion=suggestion,
                )
            )
    return sorted(claim_findings + number_findings, key=lambda finding: finding.start)


def _claim_finding(normalized: NormalizedText, rule: ClaimRule, start: int, end: int) -> Finding:
    original_start, original_end = normalized.original_span(start, end)
    excerpt = normalized.original[original_start:original_end]
    return Finding(
        rule_id=UNSUPPORTED_CLAIM,
        severity="error",
        start=original_start,
        end=original_end,
        excerpt=excerpt,
        message=(
            f"'{excerpt}' claims {rule.label} ({rule.key}), which neither the product's "
            "attributes nor any claim of its description state; remove it, or add it to the "
            "description or the attributes."
        ),
        suggestion=None,
    )


def _number_problem(
    quantity: Quantity, facts: Facts, pool: SupportPool
) -> tuple[str, str | None] | None:
    """None when the facts back the quantity, else (message, drop-in suggestion or None)."""
    if quantity.kind == "stock":
        if facts.stock is not None and quantity.value == facts.stock:
            return None
        if facts.stock is None:
            return f"'{quantity.excerpt}' states stock, but the stock is unknown.", None
        return (
            f"'{quantity.excerpt}' states {quantity.value} left, but stock is {facts.stock}.",
            _swap_number(quantity, Decimal(facts.stock)),
        )
    if any(pool.supports(reading) for reading in quantity.readings):
        return None
    if quantity.kind == "code" and squash(quantity.excerpt) in pool.squashed_corpus:
        return None
    if quantity.kind == "count" and quantity.value == 1:
        return None  # "1 bottle", "in 1 step": a single unit states nothing checkable
    if quantity.kind == "price":
        currency = quantity.unit
        if currency != facts.currency.upper():
            return (
                f"'{quantity.excerpt}' is a {currency} price, but the product is priced in "
                f"{facts.currency.upper()} ({facts.price}).",
                None,
            )
        return (
            f"'{quantity.excerpt}' is neither the price ({facts.price}) nor the compare-at price"
            f" ({facts.compare_at_price}).",
            _swap_number(quantity, facts.price),
        )
    if quantity.kind == "discount":
        real = sorted(real_discount_percents(facts))
        if not real:
            return (
                f"'{quantity.excerpt}' announces a discount, but the product has none "
                "(no compare-at price above the price, no such offer).",
                None,
            )
        rounded = max(real)
        suggestion = None
        if quantity.unit == "%":
            suggestion = _swap_number(quantity, rounded)
        elif quantity.unit == "折":
            zhe = (Decimal(100) - rounded) / 10
            suggestion = f"{format_decimal(zhe.normalize())}折"
        return (
            f"'{quantity.excerpt}' does not match the real discount ({rounded}% off).",
            suggestion,
        )
    if quantity.kind == "code":
        return (
            f"'{quantity.excerpt}' is a model or spec code the product facts do not mention.",
            None,
        )
    if quantity.kind == "measure":
        dimension = quantity.readings[0].dimension
        written = pool.written_values(dimension)
        suggestion = written[0] if len(written) == 1 else None
        known = (
            f" (facts say {', '.join(written)})"
            if written
            else " (no attribute or description claim states one)"
        )
        return (
            f"'{quantity.excerpt}' is not a {dimension.split('_')[0]} the product facts state"
            f"{known}.",
            suggestion,
        )
    return (
        f"'{quantity.excerpt}' is a number the product facts do not state (no attribute, "
        "option or description claim has it).",
        None,
    )


def _swap_number(quantity: Quantity, value: Decimal) -> str:
    number_start, number_end = quantity.number_offset
    written = quantity.excerpt[number_start:number_end]
    formatted = format_decimal(value)
    if "," in written:
        formatted = f"{value:,}"
    return quantity.excerpt[:number_start] + formatted + quantity.excerpt[number_end:]
