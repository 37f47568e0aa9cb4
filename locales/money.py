"""Money, numbers and discounts: one formatter, so copy, host and labels print one string."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal

# Symbols the grounding checker reads back as the same currency: "CA$" is CAD, while "$"
# alone would read as USD. A currency not listed is written "12.50 CHF".
CURRENCY_SYMBOLS: Mapping[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CNY": "¥",
    "RMB": "¥",
    "JPY": "¥",
    "CAD": "CA$",
    "AUD": "A$",
    "HKD": "HK$",
    "SGD": "S$",
    "TWD": "NT$",
}
_CENTS = Decimal("0.01")


def format_number(value: Decimal | int, *, grouping: bool = False) -> str:
    """A catalog number as written: "12", "12.5" -> "12.50", optionally "1,299"."""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        whole = amount.to_integral_value()
        return f"{whole:,}" if grouping else f"{whole}"
    cents = amount.quantize(_CENTS)
    return f"{cents:,}" if grouping else f"{cents}"


def format_money(
    amount: Decimal | int | str,
    currency: str,
    *,
    symbols: Mapping[str, str] = CURRENCY_SYMBOLS,
) -> str:
    """ "$1,299", "CA$12.50", "¥129", "€8", "12.50 CHF": whole amounts without decimals."""
    code = currency.upper()
    number = format_number(Decimal(amount), grouping=True)
    symbol = symbols.get(code)
    return f"{symbol}{number}" if symbol else f"{number} {code}"


def discount_percent(
    price: Decimal | int | str | None, compare_at: Decimal | int | str | None
) -> int | None:
    """The discount from the compare-at price in whole percent, rounded down so it is never
    overstated; None where there is no real discount (no compare-at, not above the price)."""
    if price is None or compare_at is None:
        return None
    now, before = Decimal(price), Decimal(compare_at)
    if before <= 0 or now < 0 or now >= before:
        return None
    percent = ((before - now) * 100 / before).to_integral_value(rounding=ROUND_FLOOR)
    return int(percent) if percent >= 1 else None
