"""Product copy: the request, the structured output, its validation, parsing and fact checks."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from content.compliance import MISSING_REQUIRED_WORD, StoreRules, check_compliance
from content.findings import Finding
from content.grounding import Facts, check_grounding, evidence_from_facts, extract_quantities
from content.providers.base import Provenance

Locale = Literal["en", "zh-CN"]

HEADLINE_MAX_CHARS = 60
BULLETS_MIN, BULLETS_MAX = 3, 5
BULLET_MAX_CHARS = 120
SHORT_DESCRIPTION_MAX_SENTENCES = 2
SHORT_DESCRIPTION_MAX_CHARS = 300
LONG_DESCRIPTION_MAX_CHARS = 1200
SCRIPT_MIN_LINES, SCRIPT_MAX_LINES = 3, 6
# A spoken line of a 15-30 s vertical video: about 2.5 words (or 5 Chinese characters) a second.
SCRIPT_LINE_MAX_WORDS = 22
SCRIPT_LINE_MAX_CHARS = 120
SCRIPT_MAX_WORDS = 75

SECTION_NAMES = ("headline", "short_description", "bullets", "long_description", "video_script")


def normalize_locale(locale: str) -> Locale:
    """ "en", "en-US" → "en"; "zh", "zh_CN", "zh-Hans" → "zh-CN"; anything else is an error."""
    key = locale.strip().lower().replace("_", "-")
    if key.startswith("zh"):
        return "zh-CN"
    if key.startswith("en"):
        return "en"
    raise ValueError(f"Product copy is written in 'en' or 'zh-CN', not {locale!r}.")


@dataclass(frozen=True)
class CopyRequest:
    """What to write copy for: the catalog facts, the language, the store's voice and rules."""

    facts: Facts
    locale: Locale
    brand_name: str  # the store's name, used in calls to action ("Shop it at Acme")
    tone: str = "friendly"  # "friendly", "premium" or "energetic"; others read as friendly
    # Words the store may use although the locale rules would flag them (a brand like "Best Buy").
    approved_terms: Sequence[str] = ()
    store_rules: StoreRules | None = None
    # Picks among phrasings so that a catalog does not read identically; the title if empty.
    sku: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", normalize_locale(self.locale))

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
class ProductCopy:
    """The copy for one product, in one locale."""

    headline: str
    short_description: str
    bullets: tuple[str, ...]
    long_description: str
    video_script: tuple[str, ...]  # spoken sentences, the last one a call to action with the price

    def sections(self) -> list[tuple[str, str]]:
        """Each publishable text with its name; bullets and script lines one per line."""
        return [
            ("headline", self.headline),
            ("short_description", self.short_description),
            ("bullets", "\n".join(self.bullets)),
            ("long_description", self.long_description),
            ("video_script", "\n".join(self.video_script)),
        ]

    def as_text(self) -> str:
        """All sections, separated by blank lines; finding offsets index into this text."""
        return SECTION_SEPARATOR.join(text for _, text in self.sections())

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "short_description": self.short_description,
            "bullets": list(self.bullets),
            "long_description": self.long_description,
            "video_script": list(self.video_script),
        }

    def validate(self, facts: Facts | None = None, *, locale: str = "en") -> list[str]:
        """What is wrong with the shape of this copy; empty when it is publishable.

        With `facts`, the script's last line must also state the product's price.
        """
        problems: list[str] = []
        headline = self.headline.strip()
        if not headline:
            problems.append("headline is empty")
        elif len(headline) > HEADLINE_MAX_CHARS:
            problems.append(f"headline has {len(headline)} characters (max {HEADLINE_MAX_CHARS})")
        elif "\n" in headline:
            problems.append("headline spans several lines")

        short_sentences = split_sentences(self.short_description)
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

        problems.extend(_script_problems(self.video_script, facts, locale))
        return problems

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProductCopy:
        """Copy from a decoded JSON object; key spellings and list/string shapes are forgiven."""
        fields = {_canonical_key(key): value for key, value in data.items()}
        missing = [name for name in SECTION_NAMES if name not in fields]
        if missing:
            raise CopyParseError(f"JSON object lacks {', '.join(missing)}")
        return cls(
            headline=_as_line(fields["headline"]),
            short_description=_as_line(fields["short_description"]),
            bullets=_as_lines(fields["bullets"], split=_split_bullets),
            long_description=_as_line(fields["long_description"]),
            video_script=_as_lines(fields["video_script"], split=split_sentences),
        )

    @classmethod
    def from_json(cls, text: str) -> ProductCopy:
        """Copy from model output: the first JSON object in it, code fences and chatter allowed."""
        return cls.from_dict(first_json_object(text))


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
}


def _canonical_key(key: str) -> str:
    snake = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key.strip())
    snake = re.sub(r"[\s\-]+", "_", snake).lower()
    return _KEY_ALIASES.get(snake, snake)


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


def json_object_closed(text: str) -> bool:
    """True once `text` holds a complete top-level JSON object (so generation can stop)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                return True
    return False


# A sentence ends at . ! ? followed by a space or the end ("12.99" stays whole), or at
# Chinese full stops, which need no space after them.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|(?<=[。！？])\s*")  # noqa: RUF001


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def spoken_word_count(text: str) -> int:
    """Words as a voice reads them; Chinese counts two characters as one word."""
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    return len(re.findall(r"[A-Za-z0-9$€£¥%.,'-]+", text)) + (han + 1) // 2


def _script_problems(lines: Sequence[str], facts: Facts | None, locale: str) -> list[str]:
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


def states_price(text: str, facts: Facts, *, locale: str = "en") -> bool:
    """True when `text` names the product's price in its currency."""
    # A currency without a symbol the extractor knows ("12.99 CHF") reads as a bare number.
    return any(
        quantity.value == facts.price
        and (
            (quantity.kind == "price" and quantity.unit == facts.currency.upper())
            or quantity.kind == "count"
        )
        for quantity in extract_quantities(text, currency=facts.currency, locale=locale)
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
