"""Claims from the catalog's own words: a description (HTML or text, English or Chinese)
read into typed, atomic claims, each with its kind, its value and unit, and its source span.

A claim is what a writer may say because the seller said it: "keeps coffee warm",
"dishwasher safe", "350 ml", "GOTS certified". Grounding accepts a number or a factual
claim in generated text when it traces to one of these (``Facts.claims``), and writers build
benefit-led lines from them. Reading is by patterns, deterministic and fast (a description
is read once per ``Facts``); what no pattern reads is not a claim, so it is never stated.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from locales import Locale, has_cjk
from trust.findings import normalize_text
from trust.grounding.reading import Token, extract_tokens

ClaimKind = Literal[
    "material",
    "capacity",
    "dimensions",
    "weight",
    "fabric_weight",
    "quantity",
    "care",
    "performance",
    "certification",
    "craft",
    "fit",
    "compatibility",
    "in_the_box",
]


@dataclass(frozen=True)
class Claim:
    """One thing the description says, where it says it.

    `key` names the claim for writers and checkers ("care:dishwasher_safe",
    "performance:keeps_cold"); `text` is the source span as written, `start`/`end` its
    offsets in the description's plain text (``description_text``). `value`/`unit` hold the
    claim's number where it has one ("24", "h"); `subject` what a performance claim is about
    ("drinks", "coffee") or what a compatibility or box claim names.
    """

    kind: ClaimKind
    key: str
    text: str
    start: int
    end: int
    value: Decimal | None = None
    unit: str = ""
    subject: str = ""
    language: str = "en"  # "en" or "zh": the words the span is written in


# --- HTML to text -----------------------------------------------------------------------

_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|blockquote|hr|dd|dt)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_SCRIPT_BLOCK = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u3000]+")


def description_text(description: str) -> str:
    """The plain text of a description: block tags become line breaks, other tags go.

    Text that is already plain (the catalog stores it so) comes back with its lines trimmed,
    so offsets into the catalog's text and into this one agree.
    """
    if "<" in description or "&" in description:
        description = _SCRIPT_BLOCK.sub("\n", description)
        description = _BLOCK_TAG.sub("\n", description)
        description = html.unescape(_ANY_TAG.sub("", description))
    lines = (_SPACES.sub(" ", line).strip() for line in description.splitlines())
    return "\n".join(line for line in lines if line)


# --- the patterns -----------------------------------------------------------------------

_F = re.IGNORECASE


def _en(pattern: str) -> str:
    return rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])"


@dataclass(frozen=True)
class _Pattern:
    kind: ClaimKind
    key: str
    regex: re.Pattern[str]


def _p(kind: ClaimKind, key: str, pattern: str) -> _Pattern:
    return _Pattern(kind, key, re.compile(pattern, _F))


_MATERIALS = (
    ("organic_cotton", r"organic\s+cotton", r"有机棉"),
    ("cotton", r"(?:pure\s+|egyptian\s+|pima\s+|supima\s+)?cotton", r"纯棉|全棉|棉质|长绒棉"),
    ("stainless_steel", r"(?:18/8\s+|18/10\s+)?stainless(?:\s+steel)?", r"不锈钢"),
    ("stoneware", r"stoneware", r"粗陶|炻器"),
    ("porcelain", r"porcelain|bone\s+china", r"骨瓷|白瓷"),
    ("ceramic", r"ceramic", r"陶瓷"),
    ("glass", r"borosilicate\s+glass|glass", r"高硼硅玻璃|玻璃"),
    ("brass", r"brass", r"黄铜"),
    ("copper", r"copper", r"紫铜"),
    ("aluminium", r"alumin(?:i)?um", r"铝合金"),
    ("linen", r"linen", r"亚麻"),
    ("wool", r"(?:merino\s+)?wool", r"羊毛|美利奴"),
    ("silk", r"(?:mulberry\s+)?silk", r"真丝|桑蚕丝"),
    ("leather", r"(?:full[- ]grain\s+|top[- ]grain\s+|genuine\s+)?leather", r"真皮|牛皮"),
    ("bamboo", r"bamboo", r"竹纤维|竹制"),
    ("silicone", r"(?:food[- ]grade\s+)?silicone", r"食品级硅胶|硅胶"),
    ("oak", r"(?:solid\s+)?oak", r"橡木"),
    ("walnut", r"(?:solid\s+)?walnut", r"胡桃木"),
    ("solid_wood", r"solid\s+wood", r"实木"),
)

# "Dishwasher and microwave safe" makes two claims.
_AND_SAFE = r"(?:\s*,\s*|\s+(?:and|&)\s+)(?:dishwasher|microwave|oven|freezer)[- ]safe"
_CARE = (
    (
        "dishwasher_safe",
        r"dishwasher[- ]safe|safe\s+in\s+the\s+dishwasher|dishwasher(?=" + _AND_SAFE + ")",
        r"可(?:放入)?洗碗机(?:清洗)?",
    ),
    (
        "microwave_safe",
        r"microwave[- ]safe|microwave(?=" + _AND_SAFE + ")",
        r"可(?:放入|用)?微波炉(?:加热)?",
    ),
    ("oven_safe", r"oven[- ]safe", r"可(?:放入|进)?烤箱"),
    ("freezer_safe", r"freezer[- ]safe", r"可(?:放入)?冷冻"),
    (
        "machine_wash",
        r"machine[- ]wash(?:able)?(?:\s+(?:cold|warm|at\s+\d+\s?°\s?C))?",
        r"可机洗|机洗",
    ),
    ("hand_wash", r"hand[- ]wash(?:\s+only)?", r"手洗"),
    ("tumble_dry", r"tumble[- ]dry(?:\s+low)?", r"可烘干|低温烘干"),
)

_CERTIFICATIONS = (
    ("gots", r"GOTS(?:[- ]certified)?|certified\s+to\s+GOTS", r"GOTS认证"),
    ("bpa_free", r"BPA[- ]?free", r"不含双酚A|无双酚A"),
    ("oeko_tex", r"OEKO[- ]?TEX(?:\s+Standard\s+100)?(?:[- ]certified)?", r"OEKO-TEX认证"),
    ("fsc", r"FSC[- ]certified", r"FSC认证"),
    ("fda", r"FDA[- ]?(?:approved|cleared|registered)", r"FDA认证"),
    ("ce", r"(?-i:CE)[- ]?(?:certified|marked)", r"CE认证"),
    ("hypoallergenic", r"hypoallergenic", r"低敏"),
    ("lead_free", r"lead[- ]free", r"无铅"),
)

_CRAFT = (
    ("hand_glazed", r"hand[- ]?glazed", r"手工上釉"),
    ("hand_painted", r"hand[- ]?painted", r"手绘"),
    ("hand_stitched", r"hand[- ]?(?:stitched|sewn)", r"手工缝制"),
    ("hand_thrown", r"hand[- ]?thrown", r"手工拉坯"),
    ("handmade", r"hand[- ]?made|handcrafted", r"纯手工|手工制作"),
)

_FITS = (
    ("relaxed", r"relaxed\s+fit", r"宽松版型|宽松"),
    ("slim", r"slim\s+fit", r"修身版型|修身"),
    ("regular", r"regular\s+fit|classic\s+fit", r"常规版型"),
    ("oversized", r"oversized(?:\s+fit)?", r"oversize版型|落肩"),
    ("true_to_size", r"(?:fits\s+)?true\s+to\s+size", r"尺码标准"),
    ("pre_shrunk", r"pre[- ]?shrunk", r"预缩"),
)

_HOURS = r"(\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)(?![A-Za-z])"
_ZH_HOURS = r"(\d+(?:\.\d+)?)\s*(?:个)?小时"
_THERMAL_EN = re.compile(
    _en(
        r"keeps?\s+(?:(?P<subject>[a-z]+(?:\s+(?:and\s+)?[a-z]+)?)\s+)??"
        r"(?P<state>ice[- ]cold|cold|cool|hot|warm)"
        rf"(?:\s+(?:for\s+)?(?:up\s+to\s+)?{_HOURS})?"
    ),
    _F,
)
# "...cold 24 hours and hot 12 hours": a second state joined to the first.
_THERMAL_MORE_EN = re.compile(
    rf"\s*(?:,|and|&)\s*(?:(?:keeps?\s+)?(?:\w+\s+)?)?(?P<state>cold|cool|hot|warm)"
    rf"(?:\s+(?:for\s+)?(?:up\s+to\s+)?{_HOURS})?",
    _F,
)
_THERMAL_ZH = re.compile(rf"(?P<state>保温|保冷|保热)(?:长达|可达|达)?(?:{_ZH_HOURS})?")

_BATTERY_EN = re.compile(
    _en(
        rf"(?:up\s+to\s+)?{_HOURS}\s+(?:of\s+)?(?:battery(?:\s+life)?|playtime|play\s+time|runtime)"
    ),
    _F,
)
_BATTERY_ZH = re.compile(rf"续航(?:长达|可达|达)?{_ZH_HOURS}")

_COMPATIBLE_EN = re.compile(
    _en(
        r"(?i:compatible\s+with|works\s+with|fits)\s+"
        r"(?P<subject>(?:[A-Z0-9]|[a-z][A-Z])[\w+\- ./]{1,40}?)"
    )
    + r"(?=[,.;:!)\n]|\s+(?:and|or|with|in)\s|$)",
)
_COMPATIBLE_ZH = re.compile(
    r"(?:适用于|兼容|适配)(?P<subject>[A-Za-z0-9\u4e00-\u9fff+\- ./]{1,30}?)(?=[，。；、！\n]|$)"
)
_IN_BOX_EN = re.compile(
    _en(
        r"(?:includes|comes\s+with|in\s+the\s+box\s*:|what's\s+in\s+the\s+box\s*:|box\s+contains\s*:?)"
    )
    # What is in a box is a short list of things, not a sentence (nor a warranty).
    + r"(?![^.;\n]*(?:warrant|guarantee))\s*(?P<subject>[\w ,&+'/()-]{2,60}?)(?=[.;:!\n]|$)",
    _F,
)
_IN_BOX_ZH = re.compile(r"(?:包装内含|包装清单[:：]|内含|附赠|配有)(?P<subject>[^。；\n]{1,40})")


def _table(kind: ClaimKind, group: str, rows: tuple[tuple[str, str, str], ...]) -> list[_Pattern]:
    return [_p(kind, f"{group}:{key}", rf"{_en(en)}|{zh}") for key, en, zh in rows]


_WORD_PATTERNS: tuple[_Pattern, ...] = (
    *_table("care", "care", _CARE),
    *_table("certification", "cert", _CERTIFICATIONS),
    *_table("craft", "craft", _CRAFT),
    *_table("fit", "fit", _FITS),
    *_table("material", "material", _MATERIALS),
)

# The kind of claim a number with a unit makes, by the dimension grounding reads it in.
_DIMENSION_KINDS: dict[str, ClaimKind] = {
    "volume_ml": "capacity",
    "length_mm": "dimensions",
    "mass_g": "weight",
}
_PER_AREA = re.compile(r"\s*(?:/\s*(?:m²|m2|sq\.?\s?m)|gsm|克每平方米|克/平方米)", _F)
_GSM = re.compile(r"(\d+(?:\.\d+)?)\s*gsm(?![A-Za-z])", _F)


def _language(text: str) -> str:
    return "zh" if has_cjk(text) else "en"


def claims_from_description(description: str, locale: Locale | str | None = None) -> list[Claim]:
    """The typed, atomic claims a description makes, in text order, each once.

    `description` may be HTML or plain text; offsets index ``description_text(description)``.
    `locale` is a hint only: each span is read in the language it is written in, so an
    English store's Chinese description (or a mixed one) reads the same.
    """
    del locale  # both languages' patterns always run; kept for a locale-specific reader
    text = description_text(description)
    if not text:
        return []
    found: list[Claim] = []
    found += _thermal_claims(text)
    found += _battery_claims(text)
    found += _named_claims(text)
    for pattern in _WORD_PATTERNS:
        for match in pattern.regex.finditer(text):
            found.append(_claim(pattern.kind, pattern.key, text, match.start(), match.end()))
    found += _quantity_claims(text)
    return _deduplicated(found)


def _claim(
    kind: ClaimKind,
    key: str,
    text: str,
    start: int,
    end: int,
    *,
    value: Decimal | None = None,
    unit: str = "",
    subject: str = "",
) -> Claim:
    span = text[start:end]
    return Claim(
        kind=kind,
        key=key,
        text=span,
        start=start,
        end=end,
        value=value,
        unit=unit,
        subject=subject.strip(),
        language=_language(span),
    )


_STATE_KEYS = {
    "cold": "performance:keeps_cold",
    "ice-cold": "performance:keeps_cold",
    "ice cold": "performance:keeps_cold",
    "cool": "performance:keeps_cold",
    "hot": "performance:keeps_hot",
    "warm": "performance:keeps_warm",
    "保冷": "performance:keeps_cold",
    "保温": "performance:keeps_warm",
    "保热": "performance:keeps_hot",
}


def _hours(raw: str | None) -> tuple[Decimal | None, str]:
    return (Decimal(raw), "h") if raw else (None, "")


def _thermal_claims(text: str) -> list[Claim]:
    claims: list[Claim] = []
    for match in _THERMAL_EN.finditer(text):
        subject = match.group("subject") or ""
        value, unit = _hours(match.group(3))
        state = match.group("state").lower()
        claims.append(
            _claim(
                "performance",
                _STATE_KEYS[state],
                text,
                match.start(),
                match.end(),
                value=value,
                unit=unit,
                subject=subject,
            )
        )
        position = match.end()
        while more := _THERMAL_MORE_EN.match(text, position):
            value, unit = _hours(more.group(2))
            if value is None and not more.group().strip().lower().startswith(("and", ",", "&")):
                break
            start = more.start("state")
            claims.append(
                _claim(
                    "performance",
                    _STATE_KEYS[more.group("state").lower()],
                    text,
                    start,
                    more.end(),
                    value=value,
                    unit=unit,
                    subject=subject,
                )
            )
            position = more.end()
    for match in _THERMAL_ZH.finditer(text):
        value, unit = _hours(match.group(2))
        claims.append(
            _claim(
                "performance",
                _STATE_KEYS[match.group("state")],
                text,
                match.start(),
                match.end(),
                value=value,
                unit=unit,
            )
        )
    return claims


def _battery_claims(text: str) -> list[Claim]:
    claims: list[Claim] = []
    for regex in (_BATTERY_EN, _BATTERY_ZH):
        for match in regex.finditer(text):
            value, unit = _hours(match.group(1))
            claims.append(
                _claim(
                    "performance",
                    "performance:battery_life",
                    text,
                    match.start(),
                    match.end(),
                    value=value,
                    unit=unit,
                )
            )
    return claims


def _named_claims(text: str) -> list[Claim]:
    claims: list[Claim] = []
    named: tuple[tuple[re.Pattern[str], ClaimKind], ...] = (
        (_COMPATIBLE_EN, "compatibility"),
        (_COMPATIBLE_ZH, "compatibility"),
        (_IN_BOX_EN, "in_the_box"),
        (_IN_BOX_ZH, "in_the_box"),
    )
    for regex, kind in named:
        for match in regex.finditer(text):
            subject = match.group("subject").strip(" ,:")
            end = match.start("subject") + len(match.group("subject").rstrip(" ,:"))
            if subject:
                claims.append(_claim(kind, kind, text, match.start(), end, subject=subject))
    return claims


# A measure in a sentence about the person wearing or holding the product ("Model is 185 cm
# and wears a size M", "模特身高175cm") describes that person, not the product.
_PERSON = re.compile(r"\b(?:models?|wearer|she|he)\b|模特|身高", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")


def _about_a_person(text: str, start: int, end: int) -> bool:
    ends_before = [match.end() for match in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    sentence = text[ends_before[-1] if ends_before else 0 : after.start() if after else len(text)]
    return _PERSON.search(sentence) is not None


def _quantity_claims(text: str) -> list[Claim]:
    """Every number with a unit is a claim of its dimension (350 ml, 180 g/m², 30 x 20 cm)."""
    normalized = normalize_text(text)
    folded = normalized.folded
    claims: list[Claim] = []
    tokens: list[Token] = extract_tokens(folded, currency="", locale=None)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind != "measure":
            index += 1
            continue
        first = index
        # "30 x 20 x 10 cm" and "10-20 cm" are one claim.
        while index + 1 < len(tokens) and tokens[index].connector_to_next:
            index += 1
        last = tokens[index]
        start, end = normalized.original_span(tokens[first].start, last.end)
        dimension = last.factors[0][0]
        kind: ClaimKind = _DIMENSION_KINDS.get(dimension, "quantity")
        per_area = _PER_AREA.match(text, end)
        if dimension == "mass_g" and per_area:
            end, kind = per_area.end(), "fabric_weight"
        unit = "g/m²" if kind == "fabric_weight" else last.unit
        if not _about_a_person(text, start, end):
            claims.append(
                _claim(kind, f"quantity:{kind}", text, start, end, value=last.value, unit=unit)
            )
        index += 1
    for match in _GSM.finditer(text):
        claims.append(
            _claim(
                "fabric_weight",
                "quantity:fabric_weight",
                text,
                match.start(),
                match.end(),
                value=Decimal(match.group(1)),
                unit="g/m²",
            )
        )
    return claims


_NUMBER_KINDS = frozenset({"quantity", "capacity", "dimensions", "weight", "fabric_weight"})
_HOLDS_NUMBERS = frozenset({"performance", "in_the_box", "compatibility", "fabric_weight"})


def _deduplicated(claims: list[Claim]) -> list[Claim]:
    """Longest claim first at each place; a claim inside another of the same key, or a
    number inside a performance claim ("24 hours" in "keeps cold 24 hours"), is dropped."""
    claims.sort(key=lambda claim: (claim.start, -(claim.end - claim.start)))
    kept: list[Claim] = []
    for claim in claims:
        covered = any(
            other.start <= claim.start
            and claim.end <= other.end
            and (
                other.key == claim.key
                or (claim.kind in _NUMBER_KINDS and other.kind in _HOLDS_NUMBERS)
                or other.kind == claim.kind
            )
            for other in kept
        )
        if not covered:
            kept.append(claim)
    return kept
