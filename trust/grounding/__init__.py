"""Checks that every number, unit and factual claim in generated text is backed by catalog facts."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

from trust.findings import Finding, NormalizedText, normalize_text

UNSUPPORTED_NUMBER = "grounding.unsupported_number"
UNSUPPORTED_CLAIM = "grounding.unsupported_claim"

# "Selling fast" and friends are only honest when few units are really left.
LOW_STOCK_THRESHOLD = 10
# Imperial <-> metric conversions are rounded in copy ("16.9 fl oz" for 500 ml, "12 in" for
# 30 cm), so readings converted with an inexact factor match within this relative tolerance.
CONVERSION_TOLERANCE = Decimal("0.02")

QuantityKind = Literal["price", "discount", "percent", "measure", "count", "stock", "code"]


@dataclass(frozen=True)
class Facts:
    """What the catalog knows about one product; the only source a text may state facts from."""

    title: str
    price: Decimal
    currency: str
    brand: str = ""
    category: str = ""
    compare_at_price: Decimal | None = None
    stock: int | None = None
    # e.g. {"material": "100% cotton", "capacity": "500 ml", "weight": "1.2 kg",
    #       "dimensions": "30 x 20 x 10 cm", "origin": "Italy"}
    attributes: Mapping[str, str] = field(default_factory=dict)
    # e.g. {"color": ["red", "blue"], "size": ["S", "M", "L"]}
    variant_options: Mapping[str, Sequence[str]] = field(default_factory=dict)
    tags: Sequence[str] = ()
    # e.g. ["free shipping", "20% off with code SPRING", "买一送一"]
    offers: Sequence[str] = ()
    warranty: str = ""  # e.g. "2-year"

    def texts(self) -> list[str]:
        """Every free-text fact, in one list; claims and numbers are looked up in these."""
        parts = [self.title, self.brand, self.category, self.warranty]
        for key, value in self.attributes.items():
            parts.append(f"{key}: {value}")
        for option, values in self.variant_options.items():
            parts.append(f"{option}: {', '.join(values)}")
        parts.extend(self.tags)
        parts.extend(self.offers)
        return [part for part in parts if part]


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


# --- units -------------------------------------------------------------------------------

_D = Decimal
_INEXACT = False
_NOT_LATIN = r"(?![A-Za-z])"


@dataclass(frozen=True)
class _Unit:
    name: str
    pattern: re.Pattern[str]
    factors: tuple[tuple[str, Decimal, bool], ...]
    # "2024年" is a date, not a duration: such units only read small values.
    max_value: Decimal | None = None


def _unit(
    name: str,
    pattern: str,
    *factors: tuple[str, Decimal, bool],
    ignore_case: bool = True,
    max_value: int | None = None,
) -> _Unit:
    flags = re.IGNORECASE if ignore_case else 0
    return _Unit(
        name, re.compile(pattern, flags), factors, None if max_value is None else _D(max_value)
    )


def _f(dimension: str, factor: str, exact: bool = True) -> tuple[str, Decimal, bool]:
    return (dimension, _D(factor), exact)


_ML, _G, _MM, _H = "volume_ml", "mass_g", "length_mm", "time_h"
# Ordered so that longer spellings win ("mAh" before "m", "min" before "m", "fl oz" before "oz").
_UNITS: tuple[_Unit, ...] = (
    _unit("fl oz", r"fl\.?\s?oz" + _NOT_LATIN, _f(_ML, "29.5735", _INEXACT)),
    _unit("mAh", r"mAh" + _NOT_LATIN, _f("charge_mah", "1")),
    _unit("kWh", r"kWh" + _NOT_LATIN, _f("energy_wh", "1000")),
    _unit("Wh", r"Wh" + _NOT_LATIN, _f("energy_wh", "1")),
    _unit("Ah", r"Ah" + _NOT_LATIN, _f("charge_mah", "1000"), ignore_case=False),
    _unit("kW", r"kW" + _NOT_LATIN, _f("power_w", "1000")),
    _unit("GHz", r"GHz" + _NOT_LATIN, _f("freq_hz", "1000000000")),
    _unit("MHz", r"MHz" + _NOT_LATIN, _f("freq_hz", "1000000")),
    _unit("kHz", r"kHz" + _NOT_LATIN, _f("freq_hz", "1000")),
    _unit("Hz", r"Hz" + _NOT_LATIN, _f("freq_hz", "1")),
    _unit("TB", r"TB" + _NOT_LATIN, _f("data_gb", "1000")),
    _unit("GB", r"GB" + _NOT_LATIN, _f("data_gb", "1")),
    _unit("MB", r"MB" + _NOT_LATIN, _f("data_gb", "0.001")),
    _unit("MP", r"(?:MP|megapixels?)" + _NOT_LATIN, _f("pixels_mp", "1")),
    _unit("ml", r"(?:ml|millilit(?:er|re)s?)" + _NOT_LATIN, _f(_ML, "1")),
    _unit("mg", r"(?:mg|milligrams?)" + _NOT_LATIN, _f(_G, "0.001")),
    _unit("kg", r"(?:kgs?|kilo(?:gram)?s?)" + _NOT_LATIN, _f(_G, "1000")),
    _unit("km", r"(?:km|kilomet(?:er|re)s?)" + _NOT_LATIN, _f(_MM, "1000000")),
    _unit("mm", r"(?:mm|millimet(?:er|re)s?)" + _NOT_LATIN, _f(_MM, "1")),
    _unit("cm", r"(?:cm|centimet(?:er|re)s?)" + _NOT_LATIN, _f(_MM, "10")),
    _unit("cc", r"cc" + _NOT_LATIN, _f(_ML, "1")),
    _unit("gal", r"gal(?:lon)?s?" + _NOT_LATIN, _f(_ML, "3785.41", _INEXACT)),
    _unit("lb", r"(?:lbs?|pounds?)" + _NOT_LATIN, _f(_G, "453.592", _INEXACT)),
    # Bare "oz" is mass or fluid volume depending on the product; accept either reading.
    _unit(
        "oz", r"(?:oz|ounces?)" + _NOT_LATIN, _f(_G, "28.3495", _INEXACT), _f(_ML, "29.5735", False)
    ),
    _unit("ft", r"(?:ft|feet|foot)" + _NOT_LATIN, _f(_MM, "304.8", _INEXACT)),
    _unit("in", r"(?:inch(?:es)?|in\.)" + _NOT_LATIN, _f(_MM, "25.4", _INEXACT)),
    _unit("in", r'(?:"|\u2032\u2032|\'\')', _f(_MM, "25.4", _INEXACT)),
    # A bare "in" is only an inch at the end of a phrase or in "12 in x 8 in".
    _unit(
        "in", r"in(?=\s*(?:[x\u00d7*,;:)/]|\.?\s*$))", _f(_MM, "25.4", _INEXACT), ignore_case=False
    ),
    _unit("h", r"(?:hours?|hrs?)" + _NOT_LATIN, _f(_H, "1")),
    _unit("h", r"h" + _NOT_LATIN, _f(_H, "1"), ignore_case=False),
    _unit("min", r"(?:minutes?|mins?)" + _NOT_LATIN, _f(_H, "0.0166666666667", _INEXACT)),
    _unit("s", r"(?:seconds?|secs?)" + _NOT_LATIN, _f(_H, "0.000277777777778", _INEXACT)),
    _unit("day", r"days?" + _NOT_LATIN, _f(_H, "24")),
    _unit("week", r"weeks?" + _NOT_LATIN, _f(_H, "168")),
    _unit("month", r"(?:months?|mos?)" + _NOT_LATIN, _f(_H, "730")),
    _unit("year", r"(?:years?|yrs?)" + _NOT_LATIN, _f(_H, "8760"), max_value=200),
    _unit("°C", r"(?:°\s?C|degrees? C(?:elsius)?)" + _NOT_LATIN, _f("temp_c", "1")),
    _unit("°F", r"(?:°\s?F|degrees? F(?:ahrenheit)?)" + _NOT_LATIN, _f("temp_f", "1")),
    _unit("l", r"(?:lit(?:er|re)s?|ltrs?)" + _NOT_LATIN, _f(_ML, "1000")),
    _unit("l", r"[lL]" + _NOT_LATIN, _f(_ML, "1000"), ignore_case=False),
    _unit("m", r"met(?:er|re)s?" + _NOT_LATIN, _f(_MM, "1000")),
    _unit("m", r"m" + _NOT_LATIN, _f(_MM, "1000"), ignore_case=False),
    _unit("g", r"(?:grams?|gr)" + _NOT_LATIN, _f(_G, "1")),
    _unit("g", r"g" + _NOT_LATIN, _f(_G, "1"), ignore_case=False),
    _unit("W", r"(?:W|watts?)" + _NOT_LATIN, _f("power_w", "1"), ignore_case=False),
    _unit("V", r"(?:V|volts?)" + _NOT_LATIN, _f("voltage_v", "1"), ignore_case=False),
    # Chinese units; no word boundaries in Chinese.
    _unit("ml", r"毫升", _f(_ML, "1")),
    _unit("mAh", r"毫安时?", _f("charge_mah", "1")),
    _unit("mg", r"毫克", _f(_G, "0.001")),
    _unit("mm", r"毫米", _f(_MM, "1")),
    _unit("kg", r"(?:千克|公斤)", _f(_G, "1000")),
    _unit("g", r"克", _f(_G, "1")),
    _unit("jin", r"斤", _f(_G, "500")),
    _unit("l", r"升", _f(_ML, "1000")),
    _unit("cm", r"(?:厘米|公分)", _f(_MM, "10")),
    _unit("km", r"(?:千米|公里)", _f(_MM, "1000000")),
    _unit("m", r"米", _f(_MM, "1000")),
    _unit("in", r"英?寸", _f(_MM, "25.4", _INEXACT)),
    _unit("h", r"(?:个?小时|个钟头)", _f(_H, "1")),
    _unit("min", r"分钟", _f(_H, "0.0166666666667", _INEXACT)),
    _unit("s", r"秒", _f(_H, "0.000277777777778", _INEXACT)),
    _unit("day", r"天", _f(_H, "24")),
    _unit("week", r"(?:个?星期|周)", _f(_H, "168")),
    _unit("month", r"个月", _f(_H, "730")),
    _unit("year", r"年", _f(_H, "8760"), max_value=200),
    _unit("W", r"瓦", _f("power_w", "1")),
    _unit("V", r"伏", _f("voltage_v", "1")),
    _unit("°C", r"摄氏度", _f("temp_c", "1")),
)

_COUNT_WORD = re.compile(
    r"(?:pack|pk|pcs|pc|pieces?|units?|sets?|pairs?|count|ct|items?|bottles?|bags?|boxes?|"
    r"rolls?|sheets?|colou?rs?|sizes?|styles?|layers?|speeds?|modes?|settings?|ports?|"
    r"slots?|compartments?|pockets?|capsules?|tablets?|pods?)" + _NOT_LATIN,
    re.IGNORECASE,
)
_MEASURE_WORD = re.compile(r"[件个只支瓶包盒片双条袋罐套台张把枚粒颗卷组对份款色]")

_UNIT_SEPARATOR = re.compile(r"[ \t]?-[ \t]?|[ \t]{0,2}")
_PERCENT = re.compile(r"\s?(?:%|percent|per\s?cent)", re.IGNORECASE)
_DISCOUNT_AFTER = re.compile(r"\s*(?:off|discount|savings?)" + _NOT_LATIN, re.IGNORECASE)
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
    + _NOT_LATIN
    + r"|(元|块钱|块(?![\u4e00-\u9fff])|人民币|円))",
    re.IGNORECASE,
)
_STOCK_AFTER = re.compile(
    r"(?:[ \t]+[A-Za-z]+)?[ \t]+(?:left|remaining|in stock)" + _NOT_LATIN, re.IGNORECASE
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
_CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ENGLISH_NUMBER = re.compile(
    r"(?<![A-Za-z])(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?![A-Za-z])",
    re.IGNORECASE,
)
_ENGLISH_WORDS = "one two three four five six seven eight nine ten eleven twelve"
_ENGLISH_DIGITS = {word: index + 1 for index, word in enumerate(_ENGLISH_WORDS.split(" "))}
_HALF_PRICE = re.compile(r"(?<!件)半价")

_DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "HKD", "SGD", "NZD", "TWD", "MXN"})
_CURRENCY_WORDS = {
    "US$": "USD",
    "USD": "USD",
    "US DOLLAR": "USD",
    "US DOLLARS": "USD",
    "HK$": "HKD",
    "HKD": "HKD",
    "CA$": "CAD",
    "C$": "CAD",
    "CAD": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "AUD": "AUD",
    "S$": "SGD",
    "SGD": "SGD",
    "NT$": "TWD",
    "RMB": "CNY",
    "CNY": "CNY",
    "YUAN": "CNY",
    "元": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "人民币": "CNY",
    "EUR": "EUR",
    "EURO": "EUR",
    "EUROS": "EUR",
    "€": "EUR",
    "GBP": "GBP",
    "£": "GBP",
    "JPY": "JPY",
    "YEN": "JPY",
    "円": "JPY",
}


def _currency_for(symbol: str, *, currency: str, locale: str) -> str:
    key = symbol.upper()
    if key in {"$", "DOLLAR", "DOLLARS", "BUCKS"}:
        return currency if currency in _DOLLAR_CURRENCIES else "USD"
    if key == "¥":
        if currency in {"CNY", "JPY"}:
            return currency
        return "JPY" if locale.lower().startswith("ja") else "CNY"
    return _CURRENCY_WORDS.get(key, key)


# --- extraction --------------------------------------------------------------------------


@dataclass
class _Token:
    kind: QuantityKind
    start: int  # folded-text offsets
    end: int
    number_start: int
    number_end: int
    value: Decimal
    unit: str = ""
    factors: tuple[tuple[str, Decimal, bool], ...] = (("count", _D(1), True),)
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
    return amount.quantize(_D("0.000001")).normalize()


def _parse_arabic(raw: str) -> Decimal:
    return _D(raw.replace(",", ""))


def _parse_chinese(raw: str) -> int | None:
    if "十" in raw:
        tens_part, _, ones_part = raw.partition("十")
        if len(tens_part) > 1 or len(ones_part) > 1 or "十" in ones_part:
            return None
        tens = _CHINESE_DIGITS.get(tens_part, 0) if tens_part else 1
        ones = _CHINESE_DIGITS.get(ones_part, 0) if ones_part else 0
        if (tens_part and tens == 0) or (ones_part and ones == 0):
            return None
        return tens * 10 + ones
    if len(raw) == 1:
        return _CHINESE_DIGITS.get(raw)
    return None


def _zhe_to_discount(value: Decimal) -> Decimal | None:
    # 8折 / 8.5折 pay 80% / 85%; 85折 is the two-digit spelling of 8.5折.
    if 0 < value < 10:
        return _D(100) - value * 10
    if 10 <= value < 100 and value == value.to_integral_value():
        return _D(100) - value
    return None


def _classify_after(
    folded: str,
    token: _Token,
    *,
    currency: str,
    locale: str,
    prefix_currency: str | None,
) -> None:
    """Decide what a number is from what follows (and, for stock and discounts, precedes) it."""
    pos = token.end
    before = folded[max(0, token.start - 20) : token.start]
    if prefix_currency is not None:
        token.kind, token.unit = "price", prefix_currency
        token.factors = ((f"money:{prefix_currency}", _D(1), True),)
        suffix = _SUFFIX_CURRENCY.match(folded, pos)
        if suffix and _currency_for(suffix.group().strip(), currency=currency, locale=locale) == (
            prefix_currency
        ):
            token.end = suffix.end()
        return
    measure_word = _MEASURE_WORD.match(folded, pos)
    if _STOCK_BEFORE.search(before) or (_LAST_BEFORE.search(before) and measure_word):
        _make_stock(token, measure_word)
        return
    percent = _PERCENT.match(folded, pos)
    if percent:
        token.end = percent.end()
        is_discount = _DISCOUNT_AFTER.match(folded, token.end) or _DISCOUNT_BEFORE.search(before)
        token.kind = "discount" if is_discount else "percent"
        token.unit = "%"
        token.factors = (("discount_pct" if is_discount else "percent", _D(1), True),)
        return
    zhe = _ZHE.match(folded, pos)
    if zhe:
        discount = _zhe_to_discount(token.value)
        if discount is not None:
            token.end = zhe.end()
            token.kind, token.unit, token.value = "discount", "折", discount
            token.factors = (("discount_pct", _D(1), True),)
            return
    suffix = _SUFFIX_CURRENCY.match(folded, pos)
    if suffix:
        code = _currency_for(suffix.group().strip(), currency=currency, locale=locale)
        token.end = suffix.end()
        token.kind, token.unit = "price", code
        token.factors = ((f"money:{code}", _D(1), True),)
        return
    separator = _UNIT_SEPARATOR.match(folded, pos)
    unit_pos = separator.end() if separator else pos
    for unit in _UNITS:
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
    count = _COUNT_WORD.match(folded, unit_pos) or measure_word
    if count:
        token.end = count.end()
        token.kind, token.unit = "count", count.group().lower()
        return
    token.kind, token.bare = "count", True


def _make_stock(token: _Token, measure_word: re.Match[str] | None) -> None:
    token.kind, token.unit = "stock", ""
    token.factors = (("stock", _D(1), True),)
    if measure_word:
        token.end = measure_word.end()


def _arabic_tokens(folded: str, *, currency: str, locale: str) -> list[_Token]:
    tokens: list[_Token] = []
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
        token = _Token("count", start, end, start, end, value)
        multiplier = _MULTIPLIER.match(folded, end)
        if multiplier:
            token.value = value * (10_000 if multiplier.group() == "万" else 100_000_000)
            token.end = token.number_end = multiplier.end()
            end = token.end
        if prefix:
            token.start = start - len(prefix.group())
            symbol = prefix.group(1)
            prefix_currency: str | None = _currency_for(symbol, currency=currency, locale=locale)
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


def _code_token(start: int, end: int, code: str) -> _Token:
    return _Token(
        "code", start, end, start, end, _D(0), unit="", factors=((f"code:{code}", _D(0), True),)
    )


def _word_number_tokens(folded: str, *, currency: str, locale: str) -> list[_Token]:
    """Chinese numerals and English number words, kept only where they clearly count
    or measure something ("两年", "三件", "two-year", "pack of six"): elsewhere they are prose."""
    tokens: list[_Token] = []
    idiom_spans = [match.span() for match in _CHINESE_IDIOMS.finditer(folded)]
    candidates: list[tuple[int, int, Decimal]] = []
    for match in _CHINESE_NUMBER.finditer(folded):
        if any(start <= match.start() < end for start, end in idiom_spans):
            continue
        zhe = _ZHE.match(folded, match.end())
        digits = "".join(str(_CHINESE_DIGITS.get(char, "")) for char in match.group())
        if zhe and "十" not in match.group() and digits and len(digits) <= 2:
            discount = _zhe_to_discount(_D(digits))
            if discount is not None:
                tokens.append(
                    _Token(
                        "discount",
                        match.start(),
                        zhe.end(),
                        match.start(),
                        match.end(),
                        discount,
                        unit="折",
                        factors=(("discount_pct", _D(1), True),),
                    )
                )
                continue
        parsed = _parse_chinese(match.group())
        if parsed is not None:
            candidates.append((match.start(), match.end(), _D(parsed)))
    for match in _ENGLISH_NUMBER.finditer(folded):
        value = _D(_ENGLISH_DIGITS[match.group().lower()])
        candidates.append((match.start(), match.end(), value))
    for start, end, value in candidates:
        token = _Token("count", start, end, start, end, value)
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


def _half_price_tokens(folded: str) -> list[_Token]:
    return [
        _Token(
            "discount",
            match.start(),
            match.end(),
            match.start(),
            match.end(),
            _D(50),
            unit="半价",
            factors=(("discount_pct", _D(1), True),),
        )
        for match in _HALF_PRICE.finditer(folded)
    ]


def _link_tokens(folded: str, tokens: list[_Token]) -> None:
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
            is_length = following.factors[0][0] == _MM
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


def _extract_tokens(folded: str, *, currency: str, locale: str) -> list[_Token]:
    tokens = _arabic_tokens(folded, currency=currency, locale=locale)
    tokens += _word_number_tokens(folded, currency=currency, locale=locale)
    tokens += _half_price_tokens(folded)
    tokens.sort(key=lambda token: token.start)
    _link_tokens(folded, tokens)
    return tokens


def _to_quantity(normalized: NormalizedText, token: _Token) -> Quantity:
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


def extract_quantities(text: str, *, currency: str = "USD", locale: str = "en") -> list[Quantity]:
    """Every number in `text` with its unit, currency or role, in text order.

    `currency` resolves "$" and "¥" (a CAD store's "$" is CAD; a JPY store's "¥" is yen).
    """
    normalized = normalize_text(text)
    tokens = _extract_tokens(normalized.folded, currency=currency.upper(), locale=locale)
    return [_to_quantity(normalized, token) for token in tokens]


# --- the support pool built from facts ---------------------------------------------------


@dataclass
class _SupportPool:
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


def _squash(text: str) -> str:
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


def real_discount_percents(facts: Facts) -> set[Decimal]:
    """The discount from compare-at to price, rounded and floored (both honest to state)."""
    compare_at = facts.compare_at_price
    if compare_at is None or compare_at <= 0 or compare_at <= facts.price:
        return set()
    exact = (compare_at - facts.price) / compare_at * 100
    return {
        exact.quantize(_D(1), rounding=ROUND_HALF_UP),
        exact.quantize(_D(1), rounding=ROUND_FLOOR),
    }


def _build_pool(facts: Facts, *, locale: str) -> _SupportPool:
    pool = _SupportPool(squashed_corpus=_squash(_facts_corpus(facts)))
    currency = facts.currency.upper()
    money = f"money:{currency}"
    price_values = [facts.price]
    if facts.compare_at_price is not None:
        price_values.append(facts.compare_at_price)
        if facts.compare_at_price > facts.price:
            price_values.append(facts.compare_at_price - facts.price)
    for amount in price_values:
        pool.add(Reading(money, amount.normalize()), _format_decimal(amount))
        # A bare "19.99" in a sentence about the product is its price.
        pool.add(Reading("count", amount.normalize()), "")
    for percent in real_discount_percents(facts):
        pool.add(Reading("discount_pct", percent), f"{percent}%")
    for option_values in facts.variant_options.values():
        pool.add(Reading("count", _D(len(option_values))), "")
    fact_texts = [facts.title, facts.brand, facts.category, facts.warranty]
    fact_texts += [
        f"{key}: {_with_unit_hint(key, value)}" for key, value in facts.attributes.items()
    ]
    fact_texts += [value for values in facts.variant_options.values() for value in values]
    fact_texts += list(facts.tags)
    # Prices and discounts are backed by the price fields and the offers only: a price or a
    # discount written into an attribute, a tag or the title ("details: now only $1, 90% off",
    # often pasted from a supplier's feed) is not what the product costs.
    offer_texts = [(text, True) for text in facts.offers]
    for fact_text, states_deals in [*((text, False) for text in fact_texts), *offer_texts]:
        if not fact_text:
            continue
        normalized = normalize_text(fact_text)
        tokens = _extract_tokens(normalized.folded, currency=currency, locale=locale)
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


def _format_decimal(amount: Decimal) -> str:
    return format(amount, "f")


# --- claims ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRule:
    """A factual claim: `claim` finds it in generated text; `support` finds backing in facts.

    `group` ties together claims that overlap ("lifetime warranty" inside "warranty"): within a
    group only the longest match at a place is checked.
    """

    key: str
    label: str
    claim: re.Pattern[str]
    support: re.Pattern[str] | None = None
    group: str = ""
    # For claims backed by structured facts (stock) instead of words.
    supported_by: Callable[[Facts], bool] | None = None


_FLAGS = re.IGNORECASE


def _en(pattern: str) -> str:
    return rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])"


_PERCENT_PREFIX = r"(?:\d+(?:\.\d+)?\s?%\s?)?"
_NOT_FAKE = (
    r"(?<!faux )(?<!vegan )(?<!pu )(?<!pu-)(?<!synthetic )(?<!imitation )(?<!artificial )"
    r"(?<!bonded )(?<!人造)(?<!仿)(?<!PU)"
)


def _material(key: str, en: str, zh: str, support: str | None = None) -> ClaimRule:
    claim = rf"{_PERCENT_PREFIX}(?:{_en(en)}|{zh})"
    return ClaimRule(
        key=f"material:{key}",
        label=key.replace("_", " "),
        claim=re.compile(claim, _FLAGS),
        support=re.compile(support or f"{_en(en)}|{zh}", _FLAGS),
        group=f"material:{key}",
    )


def _simple(key: str, label: str, claim: str, support: str, group: str = "") -> ClaimRule:
    return ClaimRule(
        key=key,
        label=label,
        claim=re.compile(claim, _FLAGS),
        support=re.compile(support, _FLAGS),
        group=group or key,
    )


@dataclass(frozen=True)
class Country:
    key: str
    names: tuple[str, ...]  # how copy names the country in "made in X"
    chinese: tuple[str, ...]
    demonyms: tuple[str, ...] = ()  # facts saying "Italian leather" back "made in Italy"


COUNTRIES: tuple[Country, ...] = (
    Country(
        "usa",
        (
            "USA",
            "U.S.A.",
            "U.S.A",
            "(?-i:US)",
            "U.S.",
            "America",
            "United States of America",
            "United States",
        ),
        ("美国",),
        ("American",),
    ),
    Country("italy", ("Italy",), ("意大利",), ("Italian",)),
    Country("japan", ("Japan",), ("日本",), ("Japanese",)),
    Country("germany", ("Germany",), ("德国",), ("German",)),
    Country("france", ("France",), ("法国",), ("French",)),
    Country(
        "uk",
        ("(?-i:UK)", "U.K.", "United Kingdom", "Britain", "Great Britain", "England"),
        ("英国",),
        ("British", "English"),
    ),
    Country("china", ("China", "PRC"), ("中国",), ("Chinese",)),
    Country("korea", ("South Korea", "Korea"), ("韩国",), ("Korean",)),
    Country("switzerland", ("Switzerland",), ("瑞士",), ("Swiss",)),
    Country("spain", ("Spain",), ("西班牙",), ("Spanish",)),
    Country("portugal", ("Portugal",), ("葡萄牙",), ("Portuguese",)),
    Country("vietnam", ("Vietnam", "Viet Nam"), ("越南",), ("Vietnamese",)),
    Country("india", ("India",), ("印度",), ("Indian",)),
    Country("thailand", ("Thailand",), ("泰国",), ("Thai",)),
    Country("australia", ("Australia",), ("澳大利亚", "澳洲"), ("Australian",)),
    Country("new_zealand", ("New Zealand",), ("新西兰",)),
    Country("canada", ("Canada",), ("加拿大",), ("Canadian",)),
    Country("mexico", ("Mexico",), ("墨西哥",), ("Mexican",)),
    Country("denmark", ("Denmark",), ("丹麦",), ("Danish",)),
    Country("sweden", ("Sweden",), ("瑞典",), ("Swedish",)),
    Country("netherlands", ("Netherlands", "Holland"), ("荷兰",), ("Dutch",)),
    Country("taiwan", ("Taiwan",), ("台湾",), ("Taiwanese",)),
)

_MADE_IN = (
    r"(?i:made|manufactured|produced|crafted|assembled|built|sourced|imported)\s+(?i:in|from)"
)


def _country_rule(country: Country) -> ClaimRule:
    names = "|".join(re.escape(n) if not n.startswith("(?") else n for n in country.names)
    chinese = "|".join(country.chinese)
    demonyms = "|".join(country.demonyms) or "(?!)"
    claim = (
        rf"{_MADE_IN}\s+(?:the\s+)?(?:{names})(?![A-Za-z])"
        rf"|(?i:product of)\s+(?:the\s+)?(?:{names})(?![A-Za-z])"
        rf"|(?<![A-Za-z])(?:{names}|{demonyms})[- ]made(?![A-Za-z])"
        rf"|(?:{chinese})(?:原装)?进口|(?:{chinese})(?:制造|生产|原产|原装|产)"
        rf"|(?:产自|产于|进口自|原产地?:?\s*|原产于)(?:{chinese})"
    )
    support_names = [*country.names, *country.demonyms]
    support = "|".join(re.escape(n) if not n.startswith("(?") else n for n in support_names)
    return ClaimRule(
        key=f"origin:{country.key}",
        label=f"made in {country.names[0]}",
        claim=re.compile(claim, re.IGNORECASE),
        support=re.compile(rf"(?<![A-Za-z])(?:{support})(?![A-Za-z])|{chinese}", re.IGNORECASE),
        group="origin",
    )


_COUNTRY_RULES = tuple(_country_rule(country) for country in COUNTRIES)


def _has_stock(facts: Facts) -> bool:
    return facts.stock is not None and facts.stock > 0


def _has_low_stock(facts: Facts) -> bool:
    return facts.stock is not None and 0 < facts.stock <= LOW_STOCK_THRESHOLD


_WARRANTY_WORDS = r"warrant|guarantee|质保|保修|保固"

CLAIM_RULES: tuple[ClaimRule, ...] = (
    _material(
        "cotton", r"(?:pure\s+|egyptian\s+|pima\s+)?cotton(?!\s+candy)", r"纯棉|全棉|棉质|长绒棉"
    ),
    _material("linen", r"linen", r"亚麻"),
    _material("silk", r"(?:pure\s+|mulberry\s+)?silk", r"真丝|桑蚕丝|丝绸"),
    _material("wool", r"(?:merino\s+)?wool", r"羊毛|美利奴"),
    _material("cashmere", r"cashmere", r"羊绒"),
    _material(
        "leather",
        _NOT_FAKE + r"(?:(?:genuine|real|full[- ]grain|top[- ]grain)\s+)?leather",
        _NOT_FAKE + r"(?:真皮|头层牛皮|牛皮|羊皮|皮革)",
    ),
    _material("stainless_steel", r"stainless(?:\s+steel)?|surgical\s+steel", r"不锈钢"),
    _material("titanium", r"titanium", r"钛合金|纯钛"),
    _material(
        "gold",
        r"(?:solid|pure|real)\s+gold|\d{1,2}\s?k(?:t|arat)?\s+gold",
        r"纯金|足金|千足金",
        support=r"(?:solid|pure|real)\s+gold|\d{1,2}\s?k(?:t|arat)?|karat|纯金|足金|黄金",
    ),
    _material(
        "silver",
        r"(?:sterling|solid|pure)\s+silver|925\s+silver",
        r"纯银|足银|925银",
        support=r"sterling|925|(?:solid|pure)\s+silver|纯银|足银",
    ),
    _material("down", r"(?:goose|duck)\s+down|down[- ]filled", r"羽绒"),
    _material("solid_wood", r"solid\s+wood", r"实木"),
    _material("bamboo", r"bamboo", r"竹纤维|竹制", support=r"bamboo|竹"),
    _material("ceramic", r"ceramic", r"陶瓷"),
    _simple(
        "cert:fda",
        "FDA approval",
        _en(
            r"FDA[- ]?(?:approved|cleared|registered|certified|listed)"
            r"|(?:approved|cleared) by (?:the )?FDA"
        )
        + r"|FDA(?:认证|批准|注册)",
        r"(?<![A-Za-z])FDA(?![A-Za-z])",
    ),
    _simple(
        "cert:ce",
        "CE certification",
        _en(r"CE[- ]?(?:certified|marked|approved|mark|certification)") + r"|CE认证",
        r"(?<![A-Za-z])(?-i:CE)(?![A-Za-z])",
    ),
    _simple("cert:ul", "UL listing", _en(r"UL[- ]?(?:listed|certified)"), r"\bUL\b"),
    _simple("cert:fcc", "FCC certification", _en(r"FCC[- ]?(?:certified|approved)"), r"FCC"),
    _simple("cert:rohs", "RoHS compliance", _en(r"RoHS(?:[- ]compliant)?"), r"RoHS"),
    _simple(
        "cert:organic", "organic", _en(r"(?:certified\s+)?organic") + r"|有机", r"organic|有机"
    ),
    _simple(
        "cert:bpa_free", "BPA-free", _en(r"BPA[- ]?free") + r"|不含双酚A|无双酚A", r"BPA|双酚A"
    ),
    _simple(
        "cert:hypoallergenic",
        "hypoallergenic",
        _en(r"hypoallergenic") + r"|低敏",
        r"hypoallergenic|低敏",
    ),
    _simple(
        "cert:dermatologist_tested",
        "dermatologist tested",
        _en(r"dermatologist[- ]tested") + r"|皮肤科(?:医生)?测试",
        r"dermatolog|皮肤科",
    ),
    _simple("cert:oeko_tex", "OEKO-TEX", _en(r"OEKO[- ]?TEX"), r"OEKO[- ]?TEX"),
    _simple("cert:3c", "CCC certification", r"3C认证|CCC认证", r"3C|CCC"),
    _simple(
        "feature:waterproof",
        "waterproof",
        _en(r"waterproof") + r"|防水",
        r"waterproof|防水|IP[X6-8]",
    ),
    _simple(
        "feature:dishwasher_safe",
        "dishwasher safe",
        _en(r"dishwasher[- ]safe") + r"|可(?:放入)?洗碗机",
        r"dishwasher|洗碗机",
    ),
    _simple(
        "feature:microwave_safe",
        "microwave safe",
        _en(r"microwave[- ]safe") + r"|可(?:放入)?微波炉",
        r"microwave|微波炉",
    ),
    _simple(
        "feature:handmade",
        "handmade",
        _en(r"hand[- ]?made|handcrafted") + r"|纯手工|手工制作",
        r"hand[- ]?made|handcrafted|手工",
    ),
    *_COUNTRY_RULES,
    ClaimRule(
        key="warranty:lifetime",
        label="lifetime warranty",
        claim=re.compile(_en(r"lifetime\s+(?:warranty|guarantee)") + r"|终身(?:质保|保修)", _FLAGS),
        support=re.compile(r"lifetime|终身", _FLAGS),
        group="warranty",
    ),
    ClaimRule(
        key="warranty",
        label="warranty",
        claim=re.compile(_en(r"warrant(?:y|ies)|guarantee") + r"|质保|保修|保固", _FLAGS),
        support=re.compile(_WARRANTY_WORDS, _FLAGS),
        group="warranty",
        supported_by=lambda facts: bool(facts.warranty.strip()),
    ),
    _simple(
        "offer:money_back",
        "money-back guarantee",
        _en(r"money[- ]back(?:\s+guarantee)?|full\s+refund") + r"|无理由退(?:货|款)?|包退",
        r"money[- ]back|refund|退款|无理由|包退",
        group="returns",
    ),
    _simple(
        "offer:free_returns",
        "free returns",
        _en(r"free\s+returns?") + r"|免费退换|运费险|退货包运费",
        r"free\s+returns?|免费退换|运费险|退货包运费",
        group="returns",
    ),
    _simple(
        "offer:free_shipping",
        "free shipping",
        _en(r"free\s+(?:shipping|delivery)|ships\s+free") + r"|包邮|免运费|免邮",
        r"free\s+(?:shipping|delivery)|ships\s+free|包邮|免运费|免邮",
    ),
    _simple(
        "offer:bogo",
        "buy one get one",
        _en(r"buy\s+one,?\s+get\s+one(?:\s+free)?|BOGO") + r"|买一送一|买一赠一",
        r"buy\s+one,?\s+get\s+one|BOGO|买一送一|买一赠一",
    ),
    _simple(
        "offer:second_half_price",
        "second item half price",
        r"第二件半价|" + _en(r"second\s+(?:item|one|unit)\s+half[- ]price"),
        r"第二件半价|second\s+(?:item|one|unit)\s+half",
    ),
    _simple(
        "offer:free_gift",
        "free gift",
        _en(r"free\s+gifts?") + r"|赠品|送礼品|免费赠送",
        r"free\s+gifts?|赠品|赠送|送礼",
    ),
    ClaimRule(
        key="stock:in_stock",
        label="in stock",
        claim=re.compile(
            _en(r"in\s+stock|available\s+now|ready\s+to\s+ship") + r"|现货|有货|库存充足", _FLAGS
        ),
        group="stock",
        supported_by=_has_stock,
    ),
    ClaimRule(
        key="stock:low",
        label="low stock",
        claim=re.compile(
            _en(
                r"(?:selling|going)\s+fast|almost\s+gone|limited\s+stock|low\s+stock|"
                r"(?:only\s+)?a\s+few\s+left"
            )
            + r"|库存紧张|即将售罄|手慢无|最后几件",
            _FLAGS,
        ),
        group="stock",
        supported_by=_has_low_stock,
    ),
)


def _claim_supported(rule: ClaimRule, facts: Facts, corpus: str) -> bool:
    if rule.supported_by is not None and rule.supported_by(facts):
        return True
    return rule.support is not None and rule.support.search(corpus) is not None


def _find_claims(folded: str) -> list[tuple[ClaimRule, int, int]]:
    found: list[tuple[ClaimRule, int, int]] = []
    for rule in CLAIM_RULES:
        for match in rule.claim.finditer(folded):
            if match.end() > match.start():
                found.append((rule, match.start(), match.end()))
    # Inside one group keep the longest claim at each place ("日本进口" is one origin claim).
    found.sort(key=lambda item: (item[1], -(item[2] - item[1])))
    kept: list[tuple[ClaimRule, int, int]] = []
    for rule, start, end in found:
        overlaps = any(
            other.group == rule.group and start < other_end and other_start < end
            for other, other_start, other_end in kept
        )
        if not overlaps:
            kept.append((rule, start, end))
    return kept


def _facts_corpus(facts: Facts) -> str:
    return normalize_text("\n".join(facts.texts())).folded


def evidence_from_facts(facts: Facts) -> frozenset[str]:
    """Claim keys the facts themselves back ("origin:usa", "cert:organic", ...), to pass to
    the compliance checker as `evidence` so it does not flag what the catalog states."""
    corpus = _facts_corpus(facts)
    keys = {rule.key for rule, _, _ in _find_claims(corpus)}
    for key, value in facts.attributes.items():
        if re.search(r"origin|country|made|产地|原产", key, re.IGNORECASE):
            for rule in _COUNTRY_RULES:
                if rule.support is not None and rule.support.search(value):
                    keys.add(rule.key)
    if re.search(r"clinically\s+proven|临床验证", corpus, re.IGNORECASE):
        keys.add("clinically_proven")
    return frozenset(keys)


# --- the checker -------------------------------------------------------------------------


def check_grounding(text: str, facts: Facts, *, locale: str) -> list[Finding]:
    """Findings for every number and factual claim in `text` that the facts do not back."""
    normalized = normalize_text(text)
    currency = facts.currency.upper()
    pool = _build_pool(facts, locale=locale)
    corpus = _facts_corpus(facts)

    claim_findings = [
        _claim_finding(normalized, rule, start, end)
        for rule, start, end in _find_claims(normalized.folded)
        if not _claim_supported(rule, facts, corpus)
    ]
    number_findings: list[Finding] = []
    for token in _extract_tokens(normalized.folded, currency=currency, locale=locale):
        quantity = _to_quantity(normalized, token)
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
            f"'{excerpt}' claims {rule.label} ({rule.key}), which the product facts do not "
            "state; remove it or add it to the catalog."
        ),
        suggestion=None,
    )


def _number_problem(
    quantity: Quantity, facts: Facts, pool: _SupportPool
) -> tuple[str, str | None] | None:
    """None when the facts back the quantity, else (message, drop-in suggestion or None)."""
    if quantity.kind == "stock":
        if facts.stock is not None and quantity.value == facts.stock:
            return None
        if facts.stock is None:
            return f"'{quantity.excerpt}' states stock, but the stock is unknown.", None
        return (
            f"'{quantity.excerpt}' states {quantity.value} left, but stock is {facts.stock}.",
            _swap_number(quantity, _D(facts.stock)),
        )
    if any(pool.supports(reading) for reading in quantity.readings):
        return None
    if quantity.kind == "code" and _squash(quantity.excerpt) in pool.squashed_corpus:
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
            zhe = (_D(100) - rounded) / 10
            suggestion = f"{_format_decimal(zhe.normalize())}折"
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
        known = f" (facts say {', '.join(written)})" if written else ""
        return (
            f"'{quantity.excerpt}' is not a {dimension.split('_')[0]} the product facts state"
            f"{known}.",
            suggestion,
        )
    return f"'{quantity.excerpt}' is a number the product facts do not state.", None


def _swap_number(quantity: Quantity, value: Decimal) -> str:
    number_start, number_end = quantity.number_offset
    written = quantity.excerpt[number_start:number_end]
    formatted = _format_decimal(value)
    if "," in written:
        formatted = f"{value:,}"
    return quantity.excerpt[:number_start] + formatted + quantity.excerpt[number_end:]


def supported_claim_keys(text: str, facts: Facts) -> list[str]:
    """Keys of the claims in `text` that the facts back (for provenance notes)."""
    corpus = _facts_corpus(facts)
    folded = normalize_text(text).folded
    return [
        rule.key for rule, _, _ in _find_claims(folded) if _claim_supported(rule, facts, corpus)
    ]
