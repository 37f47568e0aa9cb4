"""The tables grounding reads quantities with: units and their factors, count and measure
words, currency symbols and words, and number words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from locales import Locale

_D = Decimal
_INEXACT = False
NOT_LATIN = r"(?![A-Za-z])"
# Lengths chain across "x" in dimensions ("30 x 20 x 10 cm"); other units do not.
LENGTH_MM = "length_mm"


@dataclass(frozen=True)
class Unit:
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
) -> Unit:
    flags = re.IGNORECASE if ignore_case else 0
    return Unit(
        name, re.compile(pattern, flags), factors, None if max_value is None else _D(max_value)
    )


def _f(dimension: str, factor: str, exact: bool = True) -> tuple[str, Decimal, bool]:
    return (dimension, _D(factor), exact)


_ML, _G, _MM, _H = "volume_ml", "mass_g", LENGTH_MM, "time_h"
# Ordered so that longer spellings win ("mAh" before "m", "min" before "m", "fl oz" before "oz").
UNITS: tuple[Unit, ...] = (
    _unit("fl oz", r"fl\.?\s?oz" + NOT_LATIN, _f(_ML, "29.5735", _INEXACT)),
    _unit("mAh", r"mAh" + NOT_LATIN, _f("charge_mah", "1")),
    _unit("kWh", r"kWh" + NOT_LATIN, _f("energy_wh", "1000")),
    _unit("Wh", r"Wh" + NOT_LATIN, _f("energy_wh", "1")),
    _unit("Ah", r"Ah" + NOT_LATIN, _f("charge_mah", "1000"), ignore_case=False),
    _unit("kW", r"kW" + NOT_LATIN, _f("power_w", "1000")),
    _unit("GHz", r"GHz" + NOT_LATIN, _f("freq_hz", "1000000000")),
    _unit("MHz", r"MHz" + NOT_LATIN, _f("freq_hz", "1000000")),
    _unit("kHz", r"kHz" + NOT_LATIN, _f("freq_hz", "1000")),
    _unit("Hz", r"Hz" + NOT_LATIN, _f("freq_hz", "1")),
    _unit("TB", r"TB" + NOT_LATIN, _f("data_gb", "1000")),
    _unit("GB", r"GB" + NOT_LATIN, _f("data_gb", "1")),
    _unit("MB", r"MB" + NOT_LATIN, _f("data_gb", "0.001")),
    _unit("MP", r"(?:MP|megapixels?)" + NOT_LATIN, _f("pixels_mp", "1")),
    _unit("ml", r"(?:ml|millilit(?:er|re)s?)" + NOT_LATIN, _f(_ML, "1")),
    _unit("mg", r"(?:mg|milligrams?)" + NOT_LATIN, _f(_G, "0.001")),
    _unit("kg", r"(?:kgs?|kilo(?:gram)?s?)" + NOT_LATIN, _f(_G, "1000")),
    _unit("km", r"(?:km|kilomet(?:er|re)s?)" + NOT_LATIN, _f(_MM, "1000000")),
    _unit("mm", r"(?:mm|millimet(?:er|re)s?)" + NOT_LATIN, _f(_MM, "1")),
    _unit("cm", r"(?:cm|centimet(?:er|re)s?)" + NOT_LATIN, _f(_MM, "10")),
    _unit("cc", r"cc" + NOT_LATIN, _f(_ML, "1")),
    _unit("gal", r"gal(?:lon)?s?" + NOT_LATIN, _f(_ML, "3785.41", _INEXACT)),
    _unit("lb", r"(?:lbs?|pounds?)" + NOT_LATIN, _f(_G, "453.592", _INEXACT)),
    # Bare "oz" is mass or fluid volume depending on the product; accept either reading.
    _unit(
        "oz", r"(?:oz|ounces?)" + NOT_LATIN, _f(_G, "28.3495", _INEXACT), _f(_ML, "29.5735", False)
    ),
    _unit("ft", r"(?:ft|feet|foot)" + NOT_LATIN, _f(_MM, "304.8", _INEXACT)),
    _unit("in", r"(?:inch(?:es)?|in\.)" + NOT_LATIN, _f(_MM, "25.4", _INEXACT)),
    _unit("in", r'(?:"|\u2032\u2032|\'\')', _f(_MM, "25.4", _INEXACT)),
    # A bare "in" is only an inch at the end of a phrase or in "12 in x 8 in".
    _unit(
        "in", r"in(?=\s*(?:[x\u00d7*,;:)/]|\.?\s*$))", _f(_MM, "25.4", _INEXACT), ignore_case=False
    ),
    _unit("h", r"(?:hours?|hrs?)" + NOT_LATIN, _f(_H, "1")),
    _unit("h", r"h" + NOT_LATIN, _f(_H, "1"), ignore_case=False),
    _unit("min", r"(?:minutes?|mins?)" + NOT_LATIN, _f(_H, "0.0166666666667", _INEXACT)),
    _unit("s", r"(?:seconds?|secs?)" + NOT_LATIN, _f(_H, "0.000277777777778", _INEXACT)),
    _unit("day", r"days?" + NOT_LATIN, _f(_H, "24")),
    _unit("week", r"weeks?" + NOT_LATIN, _f(_H, "168")),
    _unit("month", r"(?:months?|mos?)" + NOT_LATIN, _f(_H, "730")),
    _unit("year", r"(?:years?|yrs?)" + NOT_LATIN, _f(_H, "8760"), max_value=200),
    _unit("°C", r"(?:°\s?C|degrees? C(?:elsius)?)" + NOT_LATIN, _f("temp_c", "1")),
    _unit("°F", r"(?:°\s?F|degrees? F(?:ahrenheit)?)" + NOT_LATIN, _f("temp_f", "1")),
    _unit("l", r"(?:lit(?:er|re)s?|ltrs?)" + NOT_LATIN, _f(_ML, "1000")),
    _unit("l", r"[lL]" + NOT_LATIN, _f(_ML, "1000"), ignore_case=False),
    _unit("m", r"met(?:er|re)s?" + NOT_LATIN, _f(_MM, "1000")),
    _unit("m", r"m" + NOT_LATIN, _f(_MM, "1000"), ignore_case=False),
    _unit("g", r"(?:grams?|gr)" + NOT_LATIN, _f(_G, "1")),
    _unit("g", r"g" + NOT_LATIN, _f(_G, "1"), ignore_case=False),
    _unit("W", r"(?:W|watts?)" + NOT_LATIN, _f("power_w", "1"), ignore_case=False),
    _unit("V", r"(?:V|volts?)" + NOT_LATIN, _f("voltage_v", "1"), ignore_case=False),
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

COUNT_WORD = re.compile(
    r"(?:pack|pk|pcs|pc|pieces?|units?|sets?|pairs?|count|ct|items?|bottles?|bags?|boxes?|"
    r"rolls?|sheets?|colou?rs?|sizes?|styles?|layers?|speeds?|modes?|settings?|ports?|"
    r"slots?|compartments?|pockets?|capsules?|tablets?|pods?)" + NOT_LATIN,
    re.IGNORECASE,
)
MEASURE_WORD = re.compile(r"[件个只支瓶包盒片双条袋罐套台张把枚粒颗卷组对份款色]")


CHINESE_DIGITS = {
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
_ENGLISH_WORDS = "one two three four five six seven eight nine ten eleven twelve"
ENGLISH_DIGITS = {word: index + 1 for index, word in enumerate(_ENGLISH_WORDS.split(" "))}

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


def currency_for(symbol: str, *, currency: str, locale: Locale | None) -> str:
    """The ISO code a written symbol or word stands for, in a store priced in `currency`."""
    key = symbol.upper()
    if key in {"$", "DOLLAR", "DOLLARS", "BUCKS"}:
        return currency if currency in _DOLLAR_CURRENCIES else "USD"
    if key == "¥":
        if currency in {"CNY", "JPY"}:
            return currency
        return "JPY" if locale is not None and locale.language == "ja" else "CNY"
    return _CURRENCY_WORDS.get(key, key)
