"""Discounts honest to state: the real one from compare-at to price, and Chinese 折."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # facts reads descriptions with the quantity reader, which needs zhe below
    from trust.grounding.facts import Facts


def real_discount_percents(facts: Facts) -> set[Decimal]:
    """The discount from compare-at to price, rounded and floored (both honest to state)."""
    compare_at = facts.compare_at_price
    if compare_at is None or compare_at <= 0 or compare_at <= facts.price:
        return set()
    exact = (compare_at - facts.price) / compare_at * 100
    return {
        exact.quantize(Decimal(1), rounding=ROUND_HALF_UP),
        exact.quantize(Decimal(1), rounding=ROUND_FLOOR),
    }


def zhe_to_discount(value: Decimal) -> Decimal | None:
    # 8折 / 8.5折 pay 80% / 85%; 85折 is the two-digit spelling of 8.5折.
    if 0 < value < 10:
        return Decimal(100) - value * 10
    if 10 <= value < 100 and value == value.to_integral_value():
        return Decimal(100) - value
    return None
