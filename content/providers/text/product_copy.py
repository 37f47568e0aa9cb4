"""Product copy: the request, the structured output, its validation, parsing and fact checks.

Schema version 2 added what a seller lists a product with besides the prose: an SEO title
and description, search keywords and the short video's shot list. Copy stored before then
loads with those fields empty; a writer's hash includes ``COPY_SCHEMA_VERSION`` so cached
old copy is written again.

Five bullets are the target. Writers state only facts, so a product whose catalog entry
supports fewer (a title and a price) gets fewer: at least ``BULLETS_MIN``. Keywords work the
same way: five to ten when the facts hold that many distinct terms, at least
``KEYWORDS_MIN`` otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from content.providers.base import Provenance
from locales import (
    DEFAULT_LOCALE,
    Locale,
    cjk_count,
    find_locale,
    registered_locales,
)
from trust.compliance import MISSING_REQUIRED_WORD, StoreRules, check_compliance
from trust.findings import Finding
from trust.grounding import Facts, check_grounding, evidence_from_facts, extract_quantities

# Bump when the fields change: the copy stage's input hash includes it.
COPY_SCHEMA_VERSION = 2

HEADLINE_MAX_CHARS = 60
BULLETS_MIN, BULLETS_MAX = 3, 5
BULLETS_TARGET = 5
BULLET_MAX_CHARS = 120
SHORT_DESCRIPTION_MAX_SENTENCES = 2
SHORT_DESCRIPTION_MAX_CHARS = 300
LONG_DESCRIPTION_MAX_CHARS = 1200
SCRIPT_MIN_LINES, SCRIPT_MAX_LINES = 3, 6
# A spoken line of a 15-30 s vertical video: about 2.5 words (or 5 Chinese characters) a second.
SCRIPT_LINE_MAX_WORDS = 22
SCRIPT_LINE_MAX_CHARS = 120
SCRIPT_MAX_WORDS = 75

# Search engines cut titles at about 60 characters and descriptions at about 160.
SEO_TITLE_MAX_CHARS = 60
SEO_DESCRIPTION_MAX_CHARS = 160
KEYWORDS_MIN, KEYWORDS_TARGET, KEYWORDS_MAX = 3, 5, 10
KEYWORD_MAX_CHARS = 50
SHOTS_MIN, SHOTS_MAX = 3, 8
SHOT_MIN_SECONDS, SHOT_MAX_SECONDS = 1.0, 12.0
VIDEO_MIN_SECONDS, VIDEO_MAX_SECONDS = 15.0, 30.0
SHOT_DESCRIPTION_MAX_CHARS = 160
# What a shot shows: the product's own photo or one of the composed image layouts.
SHOT_SOURCES = ("product_photo", "marketplace_main", "hero_banner", "feature_card", "story_frame")

# Every model reply must have these; copy from before schema version 2 has only these.
CORE_FIELDS = ("headline", "short_description", "bullets", "long_description", "video_script")
EXTRA_FIELDS = ("seo_title", "seo_description", "keywords", "shot_list")
# The sections of `ProductCopy.as_text()`, in order: the new ones come last, so finding
# offsets recorded on older copy still point at the same text.
SECTION_NAMES = CORE_FIELDS + EXTRA_FIELDS
# How copy stored before schema 2 reads: the new fields present and empty.
EXTRA_FIELD_DEFAULTS: dict[str, Any] = {
    "seo_title": "",
    "seo_description": "",
    "keywords": [],
    "shot_list": [],
}


def normalize_locale(locale: str | Locale) -> Locale:
    """The registered ``Locale`` a code names: "zh-CN" exactly, else by its language
    ("en-US" → en; "zh", "zh_CN", "zh-Hans" → zh-CN); an unknown language is an error."""
    found = find_locale(locale)
    if found is not None:
        return found
    codes = " or ".join(repr(known.code) for known in registered_locales())
    raise ValueError(f"Product copy is written in {codes}, not {locale!r}.")


@dataclass(frozen=True, init=False)
class CopyRequest:
    """What to write copy for: the catalog facts, the language, the store's voice and rules.

    The locale may be given by its code ("zh-CN", "zh_Hans"); it is resolved to its
    ``Locale`` here, once, so writers never see a locale string.
    """

    facts: Facts
    locale: Locale
    brand_name: str  # the store's name, used in calls to action ("Shop it at Acme")
    tone: str  # "friendly", "premium" or "energetic"; others read as friendly
    # Words the store may use although the locale rules would flag them (a brand like "Best Buy").
    approved_terms: Sequence[str]
    store_rules: StoreRules | None
    # Picks among phrasings so that a catalog does not read identically; the title if empty.
    sku: str

    def __init__(
        self,
        facts: Facts,
        locale: Locale | str,
        brand_name: str,
        tone: str = "friendly",
        approved_terms: Sequence[str] = (),
        store_rules: StoreRules | None = None,
        sku: str = "",
    ) -> None:
        values = {
            "facts": facts,
            "locale": normalize_locale(locale),
            "brand_name": brand_name,
            "tone": tone,
            "approved_terms": approved_terms,
            "store_rules": store_rules,
            "sku": sku,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def variation_key(self) -> str:
        return self.sku or self.facts.title

    def compliance_rules(self) -> StoreRules:
        """The store's rules with the approved terms added to its allowed terms."""
        rules = self.store_rules or StoreRules()
        allowed = tuple(dict.fromkeys([*rules.allowed_terms, *self.approved_terms]))
        return replace(rules, allowed_terms=allowed)


class CopyParseError(ValueError):
    """Model output holds no JSON object that reads as product copy."""


@dataclass(frozen=True)
class Shot:
    """One shot of the short video: what is shown, from which image, for how long."""

    description: str
    source: str  # one of SHOT_SOURCES
    duration_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "source": self.source,
                "duration_s": self.duration_s}  # fmt: skip

    @classmethod
    def from_value(cls, value: Any) -> Shot:
        """A shot from a decoded JSON object; key spellings and "4s" durations are forgiven."""
        if not isinstance(value, dict):
            raise CopyParseError(f"a shot must be an object, got {type(value).__name__}")
        fields = {
            _SHOT_KEY_ALIASES.get(_snake(str(k)), _snake(str(k))): v for k, v in value.items()
        }
        return cls(
            description=_as_line(fields.get("description", "")),
            source=_shot_source(fields.get("source", "")),
            duration_s=_seconds(fields.get("duration_s", 0)),
        )


@dataclass(frozen=True)
class ProductCopy:
    """The copy for one product, in one locale."""

    headline: str
    short_description: str
    bullets: tuple[str, ...]
    long_description: str
    video_script: tuple[str, ...]  # spoken sentences, the last one a call to action with the price
    # Schema version 2; empty on copy stored before it.
    seo_title: str = ""
    seo_description: str = ""
    keywords: tuple[str, ...] = ()  # lower-case, distinct
    shot_list: tuple[Shot, ...] = ()

    def sections(self) -> list[tuple[str, str]]:
        """Each publishable text with its name; list items one per line (shots by description)."""
        return [
            ("headline", self.headline),
            ("short_description", self.short_description),
            ("bullets", "\n".join(self.bullets)),
            ("long_description", self.long_description),
            ("video_script", "\n".join(self.video_script)),
            ("seo_title", self.seo_title),
            ("seo_description", self.seo_description),
            ("keywords", "\n".join(self.keywords)),
            ("shot_list", "\n".join(shot.description for shot in self.shot_list)),
        ]

    def as_text(self) -> str:
        """All sections, separated by blank lines; finding offsets index into this text."""
        return SECTION_SEPARATOR.join(text for _, text in self.sections())

    def with_section_texts(self, texts: dict[str, str]) -> ProductCopy | None:
        """The copy with sections replaced by (rewritten) texts as `sections()` gives them;
        None when a list section's line count changed, since lines map to items."""
        changes: dict[str, Any] = {}
        for name, text in texts.items():
            if name in ("headline", "short_description", "long_description", "seo_title",
                        "seo_description"):  # fmt: skip
                changes[name] = text
                continue
            lines = tuple(text.split("\n")) if text else ()
            if name == "shot_list":
                if len(lines) != len(self.shot_list):
                    return None
                changes[name] = tuple(
                    replace(shot, description=line)
                    for shot, line in zip(self.shot_list, lines, strict=True)
                )
            elif name in ("bullets", "video_script", "keywords"):
                if len(lines) != len(getattr(self, name)):
                    return None
                changes[name] = _keywords(lines) if name == "keywords" else lines
            else:
                raise KeyError(f"unknown section {name!r}")
        return replace(self, **changes)

    def missing_fields(self) -> list[str]:
        """The schema-2 fields this copy lacks (a model that skipped them, older stored copy)."""
        return [name for name in EXTRA_FIELDS if not getattr(self, name)]

    @property
    def shots_seconds(self) -> float:
        return round(sum(shot.duration_s for shot in self.shot_list), 3)

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "short_description": self.short_description,
            "bullets": list(self.bullets),
            "long_description": self.long_description,
            "video_script": list(self.video_script),
            "seo_title": self.seo_title,
            "seo_description": self.seo_description,
            "keywords": list(self.keywords),
            "shot_list": [shot.to_dict() for shot in self.shot_list],
        }

    def validate(
        self, facts: Facts | None = None, *, locale: Locale | str = DEFAULT_LOCALE
    ) -> list[str]:
        """What is wrong with the shape of this copy; empty when it is publishable.

        With `facts`, the script's last line must also state the product's price.
        """
        language = normalize_locale(locale)
        problems: list[str] = []
        headline = self.headline.strip()
        if not headline:
            problems.append("headline is empty")
        elif len(headline) > HEADLINE_MAX_CHARS:
            problems.append(f"headline has {len(headline)} characters (max {HEADLINE_MAX_CHARS})")
        elif "\n" in headline:
            problems.append("headline spans several lines")

        short_sentences = language.split_sentences(self.short_description)
        if not 1 <= len(short_sentences) <= SHORT_DESCRIPTION_MAX_SENTENCES:
            problems.append(
                f"short_description has {len(short_sentences)} sentences "
                f"(1-{SHORT_DESCRIPTION_MAX_SENTENCES})"
            )
        if len(self.short_description) > SHORT_DESCRIPTION_MAX_CHARS:
            problems.append(f"short_description is over {SHORT_DESCRIPTION_MAX_CHARS} characters")

        if not BULLETS_MIN <= len(self.bullets) <= BULLETS_MAX:
            problems.append(f"{len(self.bullets)} bullets ({BULLETS_MIN}-{BULLETS_MAX})")
        for index, bullet in enumerate(self.bullets, start=1):
            if not bullet.strip():
                problems.append(f"bullet {index} is empty")
            elif len(bullet) > BULLET_MAX_CHARS or "\n" in bullet:
                problems.append(f"bullet {index} is not one short line")
        if len({bullet.strip().lower() for bullet in self.bullets}) < len(self.bullets):
            problems.append("bullets repeat each other")

        long_description = self.long_description.strip()
        if not long_description:
            problems.append("long_description is empty")
        elif len(long_description) > LONG_DESCRIPTION_MAX_CHARS:
            problems.append(f"long_description is over {LONG_DESCRIPTION_MAX_CHARS} characters")
        elif "\n\n" in long_description:
            problems.append("long_description is more than one paragraph")

        problems.extend(_script_problems(self.video_script, facts, language))
        problems.extend(_line_problems("seo_title", self.seo_title, SEO_TITLE_MAX_CHARS))
        problems.extend(
            _line_problems("seo_description", self.seo_description, SEO_DESCRIPTION_MAX_CHARS)
        )
        problems.extend(_keyword_problems(self.keywords))
        problems.extend(_shot_problems(self.shot_list))
        return problems

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, locale: Locale | str = DEFAULT_LOCALE
    ) -> ProductCopy:
        """Copy from a decoded JSON object; key spellings and list/string shapes are forgiven.

        The schema-2 fields may be missing (older stored copy, a model that skipped them):
        they are left empty for the caller to fill. A script given as one string is split
        into lines by `locale`'s sentence rules.
        """
        split_sentences = normalize_locale(locale).split_sentences
        fields = _canonical_keys(data)
        missing = [name for name in CORE_FIELDS if name not in fields]
        if missing:
            raise CopyParseError(f"JSON object lacks {', '.join(missing)}")
        shots = fields.get("shot_list") or []
        if not isinstance(shots, list):
            raise CopyParseError(f"expected a list of shots, got {type(shots).__name__}")
        return cls(
            headline=_as_line(fields["headline"]),
            short_description=_as_line(fields["short_description"]),
            bullets=_as_lines(fields["bullets"], split=_split_bullets),
            long_description=_as_line(fields["long_description"]),
            video_script=_as_lines(fields["video_script"], split=split_sentences),
            seo_title=_as_line(fields.get("seo_title") or ""),
            seo_description=_as_line(fields.get("seo_description") or ""),
            keywords=_keywords(_as_lines(fields.get("keywords") or [], split=_split_keywords)),
            shot_list=tuple(Shot.from_value(shot) for shot in shots),
        )

    @classmethod
    def from_json(cls, text: str, *, locale: Locale | str = DEFAULT_LOCALE) -> ProductCopy:
        """Copy from model output: the first JSON object in it, code fences and chatter allowed."""
        return cls.from_dict(first_json_object(text), locale=locale)


SECTION_SEPARATOR = "\n\n"

# Models name fields their own way; these are the spellings seen from small models.
_KEY_ALIASES = {
    "title": "headline",
    "heading": "headline",
    "short": "short_description",
    "summary": "short_description",
    "tagline": "short_description",
    "description": "long_description",
    "long": "long_description",
    "paragraph": "long_description",
    "features": "bullets",
    "feature_bullets": "bullets",
    "bullet_points": "bullets",
    "key_features": "bullets",
    "script": "video_script",
    "video": "video_script",
    "meta_title": "seo_title",
    "page_title": "seo_title",
    "meta_description": "seo_description",
    "seo_meta_description": "seo_description",
    "tags": "keywords",
    "hashtags": "keywords",
    "seo_keywords": "keywords",
    "shots": "shot_list",
    "shotlist": "shot_list",
    "video_shots": "shot_list",
    "storyboard": "shot_list",
}
_SHOT_KEY_ALIASES = {
    "shot": "description",
    "text": "description",
    "visual": "description",
    "image": "source",
    "layout": "source",
    "uses": "source",
    "asset": "source",
    "duration": "duration_s",
    "seconds": "duration_s",
    "duration_seconds": "duration_s",
    "length": "duration_s",
}
_SOURCE_ALIASES = {
    "photo": "product_photo",
    "product": "product_photo",
    "product_image": "product_photo",
    "main": "marketplace_main",
    "marketplace": "marketplace_main",
    "main_image": "marketplace_main",
    "hero": "hero_banner",
    "banner": "hero_banner",
    "feature": "feature_card",
    "card": "feature_card",
    "story": "story_frame",
}


def _snake(key: str) -> str:
    snake = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key.strip())
    return re.sub(r"[\s\-]+", "_", snake).lower()


def _canonical_key(key: str) -> str:
    snake = _snake(key)
    return _KEY_ALIASES.get(snake, snake)


def _canonical_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {_canonical_key(str(key)): value for key, value in data.items()}


def _shot_source(value: Any) -> str:
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    return _SOURCE_ALIASES.get(key, key)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _seconds(value: Any) -> float:
    """4, 4.5, "4s", "4.5 seconds" → seconds; anything else is a parse error."""
    if isinstance(value, bool):
        raise CopyParseError("a shot's duration must be a number of seconds")
    if isinstance(value, int | float):
        return round(float(value), 3)
    match = _NUMBER.search(str(value))
    if match is None:
        raise CopyParseError(f"a shot's duration must be a number of seconds, got {value!r}")
    return round(float(match.group()), 3)


def _keywords(values: Sequence[str]) -> tuple[str, ...]:
    """Lower-case, without hashtag marks, each once, in their first order."""
    cleaned = (" ".join(value.lstrip("#").split()).lower() for value in values)
    return tuple(dict.fromkeys(value for value in cleaned if value))


def _split_keywords(text: str) -> list[str]:
    return re.split(r"[,;\n、，]|\s#", text)  # noqa: RUF001


def _as_line(value: Any) -> str:
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    if not isinstance(value, str | int | float):
        raise CopyParseError(f"expected text, got {type(value).__name__}")
    return " ".join(str(value).split())


def _as_lines(value: Any, *, split: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items: list[Any] = split(value)
    elif isinstance(value, list):
        items = value
    else:
        raise CopyParseError(f"expected a list of lines, got {type(value).__name__}")
    lines = [_as_line(item) for item in items]
    return tuple(_BULLET_MARK.sub("", line) for line in lines if line)


_BULLET_MARK = re.compile(r"^(?:[-*\u2022\u00b7]|\d+[.)])\s+")


def _split_bullets(text: str) -> list[str]:
    return [line for line in re.split(r"\n|(?:^|\s)[\u2022*]\s", text) if line.strip()]


_CODE_FENCE = re.compile(r"```[A-Za-z0-9_-]*")
_TRAILING_COMMA = re.compile(r",\s*(?=[}\]])")


def first_json_object(text: str) -> dict[str, Any]:
    """The first JSON object in `text`: code fences, chatter and trailing commas tolerated."""
    cleaned = _CODE_FENCE.sub("", text)
    decoder = json.JSONDecoder()
    for candidate in (cleaned, _TRAILING_COMMA.sub("", cleaned)):
        position = candidate.find("{")
        while position != -1:
            try:
                value, _ = decoder.raw_decode(candidate, position)
            except json.JSONDecodeError:
                position = candidate.find("{", position + 1)
                continue
            if isinstance(value, dict):
                return value
            position = candidate.find("{", position + 1)
    raise CopyParseError("no JSON object found in the output")


def spoken_word_count(text: str) -> int:
    """Words as a voice reads them; Chinese counts two characters as one word."""
    han = cjk_count(text)
    return len(re.findall(r"[A-Za-z0-9$€£¥%.,'-]+", text)) + (han + 1) // 2


def _script_problems(lines: Sequence[str], facts: Facts | None, locale: Locale) -> list[str]:
    problems: list[str] = []
    if not SCRIPT_MIN_LINES <= len(lines) <= SCRIPT_MAX_LINES:
        problems.append(
            f"video_script has {len(lines)} lines ({SCRIPT_MIN_LINES}-{SCRIPT_MAX_LINES})"
        )
    for index, line in enumerate(lines, start=1):
        if not line.strip():
            problems.append(f"script line {index} is empty")
        elif spoken_word_count(line) > SCRIPT_LINE_MAX_WORDS or len(line) > SCRIPT_LINE_MAX_CHARS:
            problems.append(f"script line {index} is too long to say in a few seconds")
    if sum(spoken_word_count(line) for line in lines) > SCRIPT_MAX_WORDS:
        problems.append(f"video_script is over {SCRIPT_MAX_WORDS} words (more than 30 s)")
    if facts is not None and lines and not states_price(lines[-1], facts, locale=locale):
        problems.append("the script's last line does not state the price")
    return problems


def _line_problems(name: str, text: str, max_chars: int) -> list[str]:
    text = text.strip()
    if not text:
        return [f"{name} is empty"]
    if len(text) > max_chars:
        return [f"{name} has {len(text)} characters (max {max_chars})"]
    if "\n" in text:
        return [f"{name} spans several lines"]
    return []


def _keyword_problems(keywords: Sequence[str]) -> list[str]:
    problems: list[str] = []
    if not KEYWORDS_MIN <= len(keywords) <= KEYWORDS_MAX:
        problems.append(f"{len(keywords)} keywords ({KEYWORDS_MIN}-{KEYWORDS_MAX})")
    for index, keyword in enumerate(keywords, start=1):
        if not keyword.strip() or len(keyword) > KEYWORD_MAX_CHARS or "\n" in keyword:
            problems.append(f"keyword {index} is not one short term")
        elif keyword != keyword.lower():
            problems.append(f"keyword {index} is not lower-case")
    if len(set(keywords)) < len(keywords):
        problems.append("keywords repeat each other")
    return problems


def _shot_problems(shots: Sequence[Shot]) -> list[str]:
    problems: list[str] = []
    if not SHOTS_MIN <= len(shots) <= SHOTS_MAX:
        problems.append(f"shot_list has {len(shots)} shots ({SHOTS_MIN}-{SHOTS_MAX})")
    for index, shot in enumerate(shots, start=1):
        description = shot.description.strip()
        if not description or len(description) > SHOT_DESCRIPTION_MAX_CHARS or "\n" in description:
            problems.append(f"shot {index} needs a one-line description")
        if shot.source not in SHOT_SOURCES:
            problems.append(
                f"shot {index} uses {shot.source!r}, not one of {', '.join(SHOT_SOURCES)}"
            )
        if not SHOT_MIN_SECONDS <= shot.duration_s <= SHOT_MAX_SECONDS:
            problems.append(
                f"shot {index} lasts {shot.duration_s:g} s "
                f"({SHOT_MIN_SECONDS:g}-{SHOT_MAX_SECONDS:g})"
            )
    total = sum(shot.duration_s for shot in shots)
    if shots and not VIDEO_MIN_SECONDS <= round(total, 3) <= VIDEO_MAX_SECONDS:
        problems.append(
            f"shot_list lasts {total:g} s ({VIDEO_MIN_SECONDS:g}-{VIDEO_MAX_SECONDS:g})"
        )
    return problems


def states_price(text: str, facts: Facts, *, locale: Locale | str = DEFAULT_LOCALE) -> bool:
    """True when `text` names the product's price in its currency."""
    # A currency without a symbol the extractor knows ("12.99 CHF") reads as a bare number.
    return any(
        quantity.value == facts.price
        and (
            (quantity.kind == "price" and quantity.unit == facts.currency.upper())
            or quantity.kind == "count"
        )
        for quantity in extract_quantities(
            text, currency=facts.currency, locale=normalize_locale(locale)
        )
    )


# --- fact checks -------------------------------------------------------------------------


def check_copy(copy: ProductCopy, request: CopyRequest) -> list[Finding]:
    """Grounding and compliance findings for every section, offsets into `copy.as_text()`.

    Each section is published on its own, so required store words are looked for once in the
    whole copy while everything else is checked per section (in one pass, for speed).
    """
    rules = request.compliance_rules()
    texts = [text for _, text in copy.sections()]
    batch = CHECK_SEPARATOR.join(texts)
    found = check_text(batch, request)
    findings: list[Finding] = []
    batch_start = copy_start = 0
    for text in texts:
        batch_end = batch_start + len(text)
        shift = copy_start - batch_start
        findings.extend(
            replace(f, start=f.start + shift, end=f.end + shift)
            for f in found
            if batch_start <= f.start < batch_end or (f.start == f.end == batch_start)
        )
        batch_start = batch_end + len(CHECK_SEPARATOR)
        copy_start += len(text) + len(SECTION_SEPARATOR)
    if rules.required_words:
        whole = check_compliance(
            copy.as_text(),
            locale=request.locale,
            store_rules=StoreRules(required_words=rules.required_words),
        )
        findings.extend(f for f in whole if f.rule_id == MISSING_REQUIRED_WORD)
    return sorted(findings, key=lambda finding: (finding.start, finding.end, finding.rule_id))


# Joins separately published texts for one checking pass; "§" keeps a number ending one text
# from reading as a range or a dimension with a number starting the next.
CHECK_SEPARATOR = "\n§\n"


def check_text(
    text: str, request: CopyRequest, *, evidence: frozenset[str] | None = None
) -> list[Finding]:
    """Grounding and compliance findings for one free text (a live answer, a caption).

    `evidence` is `evidence_from_facts(request.facts)`, passed in when checking many texts.
    """
    facts = request.facts
    return check_grounding(text, facts, locale=request.locale) + check_compliance(
        text,
        locale=request.locale,
        category=facts.category,
        store_rules=replace(request.compliance_rules(), required_words=()),
        evidence=evidence_from_facts(facts) if evidence is None else evidence,
    )


def errors_in(findings: Sequence[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity == "error"]


# --- results and the writer interface ----------------------------------------------------


@dataclass(frozen=True)
class CopyResult:
    """A writer's copy, how it was made, and what the checker found in the model's own output.

    `fell_back` is True when the model's copy was replaced by the template writer's, and
    `fallback_reason` says why (unparseable JSON, wrong shape, unbacked facts, rule errors).
    """

    copy: ProductCopy
    provenance: Provenance
    findings: list[Finding] = field(default_factory=list)
    fell_back: bool = False
    fallback_reason: str = ""
    raw_output: str = ""  # the model's text as generated, for review and debugging


@dataclass(frozen=True)
class Completion:
    """Free text from a model (a live answer), with how it was made."""

    text: str
    provenance: Provenance


class TextWriter(Protocol):
    """Writes product copy for a request; `name` is the setting value that selects it."""

    name: str

    def write(self, request: CopyRequest) -> CopyResult: ...
