"""Reading quantities out of a text: every number with its unit, currency or role."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from locales import CJK_CHAR, Locale
from trust.findings import NormalizedText, normalize_text
from trust.grounding.discounts import zhe_to_discount
from trust.grounding.units import (
    CHINESE_DIGITS,
    COUNT_WORD,
    ENGLISH_DIGITS,
    LENGTH_MM,
    MEASURE_WORD,
    NOT_LATIN,
    UNITS,
    currency_for,
)

QuantityKind = Literal["price", "discount", "percent", "measure", "count", "stock", "code"]


@dataclass(frozen=True)
class Reading:
    """One way to read a quantity, normalised: 0.5 l and 500 ml both read ("volume_ml", 500)."""

    dimension: str
    amount: Decimal
    exact: bool = True


@dataclass(frozen=True)
class Quantity:
    """A number found in a text, with its unit or currency and its span in that text."""

    kind: QuantityKind
    start: int
    end: int
    excerpt: str
    value: Decimal
    unit: str
    readings: tuple[Reading, ...]
    # Where the digits themselves sit inside `excerpt`, so a fix can swap only them.
    number_offset: tuple[int, int] = (0, 0)


_UNIT_SEPARATOR = re.compile(r"[ \t]?-[ \t]?|[ \t]{0,2}")
_PERCENT = re.compile(r"\s?(?:%|percent|per\s?cent)", re.IGNORECASE)
_DISCOUNT_AFTER = re.compile(r"\s*(?:off|discount|savings?)" + NOT_LATIN, re.IGNORECASE)
_DISCOUNT_BEFORE = re.compile(
    r"(?:save|saving|savings of|discount of|extra|take|up to|优惠|立减|折扣|直降|降价|减)\s*$",
    re.IGNORECASE,
)
_ZHE = re.compile(r"\s?折(?!叠)")
_MULTIPLIER = re.compile(r"[万亿]")
_PREFIX_CURRENCY = re.compile(
    r"(US\$|USD|HK\$|HKD|CA\$|C\$|CAD|AU\$|A\$|AUD|S\$|SGD|NT\$|RMB|CNY|EUR|GBP|JPY|\$|€|£|¥)"
    r"[ \t]?$"
)
_SUFFIX_CURRENCY = re.compile(
    r"[ \t]?(?:(USD|US dollars?|dollars?|bucks|EUR|euros?|GBP|CNY|RMB|yuan|JPY|yen|HKD|CAD|AUD)"
    + NOT_LATIN
    + r"|(元|块钱|块(?!"
    + CJK_CHAR.pattern
    + r")|人民币|円))",
    re.IGNORECASE,
)
_STOCK_AFTER = re.compile(
    r"(?:[ \t]+[A-Za-z]+)?[ \t]+(?:left|remaining|in stock)" + NOT_LATIN, re.IGNORECASE
)
_STOCK_BEFORE = re.compile(r"(?:仅剩|只剩|仅余|只余|还剩|剩余|库存(?:仅剩|只剩|仅|只有)?)\s*$")
# "最后3件" is stock, "最后3天" is a deadline: 最后 needs a measure word after the number.
_LAST_BEFORE = re.compile(r"最后\s*$")
_RANGE_CONNECTOR = re.compile(r"\s*(?:-|\u2013|\u2014|~|to|至|到)\s*", re.IGNORECASE)
_DIMENSION_CONNECTOR = re.compile(r"\s*(?:x|\u00d7|\*|by)\s*", re.IGNORECASE)
_GLUED_DIMENSION = re.compile(r"[xX*]\d")
_GLUED_DIMENSION_BEFORE = re.compile(r"\d[xX*]$")
_N_IN_M = re.compile(r"\d+-in-\d+", re.IGNORECASE)

_ARABIC_NUMBER = re.compile(r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)")
_CHINESE_NUMBER = re.compile(r"(?<![第一二两三四五六七八九十])[一二两三四五六七八九十]{1,3}")
# Numbers that structure the text or state hours of service, not product facts.
_NUMBER_IDIOMS = re.compile(
    r"24\s?/\s?7|24x7|(?<![A-Za-z])(?:step|tip|reason|part)\s+\d+(?!\d)", re.IGNORECASE
)
_CHINESE_IDIOMS = re.compile(r"一年四季|一年到头|三天两头|一天到晚")
_ENGLISH_NUMBER = re.compile(
    r"(?<![A-Za-z])(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?![A-Za-z])",
    re.IGNORECASE,
)
_HALF_PRICE = re.compile(r"(?<!件)半价")


# --- extraction --------------------------------------------------------------------------


@dataclass
class Token:
    kind: QuantityKind
    start: int  # folded-text offsets
    end: int
    number_start: int
    number_end: int
    value: Decimal
    unit: str = ""
    factors: tuple[tuple[str, Decimal, bool], ...] = (("count", Decimal(1), True),)
    connector_to_next: Literal["", "range", "dimension"] = ""
    # Bare numbers may borrow the unit of the number they are joined to ("10-20 cm").
    bare: bool = False

    def readings(self) -> tuple[Reading, ...]:
        return tuple(
            Reading(dimension, _quantize(self.value * factor), exact)
            for dimension, factor, exact in self.factors
        )


def _quantize(amount: Decimal) -> Decimal:
    # Converted amounts get long expansions; 6 decimals keep equality exact for metric units.
    return amount.quantize(Decimal("0.000001")).normalize()


def _parse_arabic(raw: str) -> Decimal:
    return Decimal(raw.replace(",", ""))


def _parse_chinese(raw: str) -> int | None:
    if "十" in raw:
        tens_part, _, ones_part = raw.partition("十")
        if len(tens_part) > 1 or len(ones_part) > 1 or "十" in ones_part:
            return None
        tens = CHINESE_DIGITS.get(tens_part, 0) if tens_part else 1
        ones = CHINESE_DIGITS.get(ones_part, 0) if ones_part else 0
        if (tens_part and tens == 0) or (ones_part and ones == 0):
            return None
        return tens * 10 + ones
    if len(raw) == 1:
        return CHINESE_DIGITS.get(raw)
    return None


def _classify_after(
    folded: str,
    token: Token,
    *,
    currency: str,
    locale: Locale | None,
    prefix_currency: str | None,
) -> None:
    """Decide what a number is from what follows (and, for stock and discounts, precedes) it."""
    pos = token.end
    before = folded[max(0, token.start - 20) : token.start]
    if prefix_currency is not None:
        token.kind, token.unit = "price", prefix_currency
        token.factors = ((f"money:{prefix_currency}", Decimal(1), True),)
        suffix = _SUFFIX_CURRENCY.match(folded, pos)
        if suffix and currency_for(suffix.group().strip(), currency=currency, locale=locale) == (
            prefix_currency
        ):
            token.end = suffix.end()
        return
    measure_word = MEASURE_WORD.match(folded, pos)
    if _STOCK_BEFORE.search(before) or (_LAST_BEFORE.search(before) and measure_word):
        _make_stock(token, measure_word)
        return
    percent = _PERCENT.match(folded, pos)
    if percent:
        token.end = percent.end()
        is_discount = _DISCOUNT_AFTER.match(folded, token.end) or _DISCOUNT_BEFORE.search(before)
        token.kind = "discount" if is_discount else "percent"
        token.unit = "%"
        token.factors = (("discount_pct" if is_discount else "percent", Decimal(1), True),)
        return
    zhe = _ZHE.match(folded, pos)
    if zhe:
        discount = zhe_to_discount(token.value)
        if discount is not None:
            token.end = zhe.end()
            token.kind, token.unit, token.value = "discount", "折", discount
            token.factors = (("discount_pct", Decimal(1), True),)
            return
    suffix = _SUFFIX_CURRENCY.match(folded, pos)
    if suffix:
        code = currency_for(suffix.group().strip(), currency=currency, locale=locale)
        token.end = suffix.end()
        token.kind, token.unit = "price", code
        token.factors = ((f"money:{code}", Decimal(1), True),)
        return
    separator = _UNIT_SEPARATOR.match(folded, pos)
    unit_pos = separator.end() if separator else pos
    for unit in UNITS:
        if unit.max_value is not None and token.value > unit.max_value:
            continue
        match = unit.pattern.match(folded, unit_pos)
        if match:
            token.end = match.end()
            token.kind, token.unit, token.factors = "measure", unit.name, unit.factors
            return
    if _STOCK_AFTER.match(folded, pos):  # "only 3 left", "2 pieces remaining"
        _make_stock(token, measure_word)
        return
    count = COUNT_WORD.match(folded, unit_pos) or measure_word
    if count:
        token.end = count.end()
        token.kind, token.unit = "count", count.group().lower()
        return
    token.kind, token.bare = "count", True


def _make_stock(token: Token, measure_word: re.Match[str] | None) -> None:
    token.kind, token.unit = "stock", ""
    token.factors = (("stock", Decimal(1), True),)
    if measure_word:
        token.end = measure_word.end()


def _arabic_tokens(folded: str, *, currency: str, locale: Locale | None) -> list[Token]:
    tokens: list[Token] = []
    idiom_spans = [match.span() for match in _NUMBER_IDIOMS.finditer(folded)]
    for match in _ARABIC_NUMBER.finditer(folded):
        start, end = match.span()
        if tokens and start < tokens[-1].end:
            continue  # already swallowed by the previous token ("2-in-1", a code)
        if any(idiom_start <= start < idiom_end for idiom_start, idiom_end in idiom_spans):
            continue
        n_in_m = _N_IN_M.match(folded, start)
        if n_in_m:
            code = n_in_m.group().lower()
            tokens.append(_code_token(start, n_in_m.end(), code))
            continue
        before = folded[max(0, start - 6) : start]
        prefix = _PREFIX_CURRENCY.search(before)
        glued_before = (
            bool(re.search(r"[A-Za-z]-?$", before))
            and not prefix
            and not _GLUED_DIMENSION_BEFORE.search(before)
        )
        value = _parse_arabic(match.group())
        token = Token("count", start, end, start, end, value)
        multiplier = _MULTIPLIER.match(folded, end)
        if multiplier:
            token.value = value * (10_000 if multiplier.group() == "万" else 100_000_000)
            token.end = token.number_end = multiplier.end()
            end = token.end
        if prefix:
            token.start = start - len(prefix.group())
            symbol = prefix.group(1)
            prefix_currency: str | None = currency_for(symbol, currency=currency, locale=locale)
        else:
            prefix_currency = None
        if not glued_before:
            _classify_after(
                folded, token, currency=currency, locale=locale, prefix_currency=prefix_currency
            )
        glued_after = (
            token.kind == "count"
            and token.end == end
            and end < len(folded)
            and folded[end].isascii()
            and folded[end].isalpha()
            and not _GLUED_DIMENSION.match(folded, end)
        )
        if glued_before or glued_after:
            # Model numbers and spec codes ("X100", "4K", "5G", "2nd"): compared as written.
            left = start
            while left > 0 and (folded[left - 1].isascii() and folded[left - 1].isalnum()):
                left -= 1
            if left > 0 and folded[left - 1] == "-" and left > 1 and folded[left - 2].isalpha():
                left -= 1
                while left > 0 and folded[left - 1].isascii() and folded[left - 1].isalnum():
                    left -= 1
            right = end
            while right < len(folded) and folded[right].isascii() and folded[right].isalnum():
                right += 1
            tokens.append(_code_token(left, right, folded[left:right].lower()))
            continue
        tokens.append(token)
    return tokens


def _code_token(start: int, end: int, code: str) -> Token:
    return Token(
        "code",
        start,
        end,
        start,
        end,
        Decimal(0),
        unit="",
        factors=((f"code:{code}", Decimal(0), True),),
    )


def _word_number_tokens(folded: str, *, currency: str, locale: Locale | None) -> list[Token]:
    """Chinese numerals and English number words, kept only where they clearly count
    or measure something ("两年", "三件", "two-year", "pack of six"): elsewhere they are prose."""
    tokens: list[Token] = []
    idiom_spans = [match.span() for match in _CHINESE_IDIOMS.finditer(folded)]
    candidates: list[tuple[int, int, Decimal]] = []
    for match in _CHINESE_NUMBER.finditer(folded):
        if any(start <= match.start() < end for start, end in idiom_spans):
            continue
        zhe = _ZHE.match(folded, match.end())
        digits = "".join(str(CHINESE_DIGITS.get(char, "")) for char in match.group())
        if zhe and "十" not in match.group() and digits and len(digits) <= 2:
            discount = zhe_to_discount(Decimal(digits))
            if discount is not None:
                tokens.append(
                    Token(
                        "discount",
                        match.start(),
                        zhe.end(),
                        match.start(),
                        match.end(),
                        discount,
                        unit="折",
                        factors=(("discount_pct", Decimal(1), True),),
                    )
                )
                continue
        parsed = _parse_chinese(match.group())
        if parsed is not None:
            candidates.append((match.start(), match.end(), Decimal(parsed)))
    for match in _ENGLISH_NUMBER.finditer(folded):
        value = Decimal(ENGLISH_DIGITS[match.group().lower()])
        candidates.append((match.start(), match.end(), value))
    for start, end, value in candidates:
        token = Token("count", start, end, start, end, value)
        _classify_after(folded, token, currency=currency, locale=locale, prefix_currency=None)
        counted = token.kind == "count" and not token.bare
        before = folded[max(0, start - 8) : start]
        pack_of = re.search(r"(?:pack|set|box|case) of\s+$", before, re.IGNORECASE)
        # "一款", "one size", "一天喝四杯": "one" is an article, not a quantity, except in
        # durations that are terms of sale ("一年质保", "one-year warranty").
        if value == 1 and token.unit not in {"year", "month"} and token.kind != "stock":
            continue
        if token.kind in {"measure", "stock", "price"} or (counted and value >= 2):
            tokens.append(token)
        elif token.bare and pack_of:
            token.bare = False
            tokens.append(token)
    return tokens


def _half_price_tokens(folded: str) -> list[Token]:
    return [
        Token(
            "discount",
            match.start(),
            match.end(),
            match.start(),
            match.end(),
            Decimal(50),
            unit="半价",
            factors=(("discount_pct", Decimal(1), True),),
        )
        for match in _HALF_PRICE.finditer(folded)
    ]


def _link_tokens(folded: str, tokens: list[Token]) -> None:
    """Join "10-20 cm" and "30 x 20 x 10 cm": the unit written once applies to each number."""
    for current, following in itertools.pairwise(tokens):
        between = folded[current.end : following.start]
        if _RANGE_CONNECTOR.fullmatch(between):
            current.connector_to_next = "range"
        elif _DIMENSION_CONNECTOR.fullmatch(between):
            current.connector_to_next = "dimension"
    for index in range(len(tokens) - 2, -1, -1):
        current, following = tokens[index], tokens[index + 1]
        inheritable = following.kind in {"measure", "percent", "discount", "price"}
        if current.bare and current.connector_to_next and not following.bare and inheritable:
            if following.unit in {"折", "半价"}:
                continue
            is_length = following.factors[0][0] == LENGTH_MM
            # "2 x 500 ml" is two bottles; only lengths chain across "x" (30 x 20 cm).
            if current.connector_to_next == "dimension" and not is_length:
                continue
            current.kind, current.unit, current.factors = (
                following.kind,
                following.unit,
                following.factors,
            )
            current.bare = False
    for current, following in itertools.pairwise(tokens):
        if current.kind == "price" and current.connector_to_next == "range" and following.bare:
            following.kind, following.unit, following.factors = (
                "price",
                current.unit,
                current.factors,
            )
            following.bare = False


def extract_tokens(folded: str, *, currency: str, locale: Locale | None) -> list[Token]:
    tokens = _arabic_tokens(folded, currency=currency, locale=locale)
    tokens += _word_number_tokens(folded, currency=currency, locale=locale)
    tokens += _half_price_tokens(folded)
    tokens.sort(key=lambda token: token.start)
    _link_tokens(folded, tokens)
    return tokens


def to_quantity(normalized: NormalizedText, token: Token) -> Quantity:
    start, end = normalized.original_span(token.start, token.end)
    number_start, number_end = normalized.original_span(token.number_start, token.number_end)
    return Quantity(
        kind=token.kind,
        start=start,
        end=end,
        excerpt=normalized.original[start:end],
        value=token.value,
        unit=token.unit,
        readings=token.readings(),
        number_offset=(number_start - start, number_end - start),
    )


def extract_quantities(
    text: str, *, currency: str = "USD", locale: Locale | None = None
) -> list[Quantity]:
    """Every number in `text` with its unit, currency or role, in text order.

    `currency` resolves "$" and "¥" (a CAD store's "$" is CAD; a JPY store's "¥" is yen);
    so does a Japanese `locale` for "¥" in a store priced in neither. No locale: no hint.
    """
    normalized = normalize_text(text)
    tokens = extract_tokens(normalized.folded, currency=currency.upper(), locale=locale)
    return [to_quantity(normalized, token) for token in tokens]
