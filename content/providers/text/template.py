"""The template writer: deterministic copy in any locale, built only from catalog facts.

Every phrase states a catalog fact or none; each piece is checked with the grounding and
compliance checkers before it is used, so a title or attribute the rules flag ("World's
Best Mug") is rewritten where a safe fix exists and left out where none does. Phrasings are
picked by a hash of the SKU, so a catalog does not read identically and a product always
reads the same.

The words are the locale's: one composer reads the patterns of its "copy" phrasebook
(``locales/en/copy.py``, ``locales/zh_cn/copy.py``), so a new language needs no edit here.
"""

from __future__ import annotations

import functools
import hashlib
import re
import string
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from content.providers.base import Cost, Provenance
from content.providers.text.plan import (
    attribute_kind,
    attribute_label,
    attribute_value,
    low_stock,
)
from content.providers.text.product_copy import (
    BULLET_MAX_CHARS,
    BULLETS_TARGET,
    CHECK_SEPARATOR,
    HEADLINE_MAX_CHARS,
    KEYWORD_MAX_CHARS,
    KEYWORDS_MAX,
    LONG_DESCRIPTION_MAX_CHARS,
    SCRIPT_LINE_MAX_CHARS,
    SCRIPT_LINE_MAX_WORDS,
    SCRIPT_MAX_LINES,
    SCRIPT_MAX_WORDS,
    SEO_DESCRIPTION_MAX_CHARS,
    SEO_TITLE_MAX_CHARS,
    SHORT_DESCRIPTION_MAX_SENTENCES,
    CopyRequest,
    CopyResult,
    ProductCopy,
    check_copy,
    check_text,
    errors_in,
    spoken_word_count,
)
from content.providers.text.shots import plan_shots
from locales import Locale, Phrasebook, has_cjk
from trust.compliance import rewrite_compliant
from trust.findings import Finding
from trust.grounding import Claim, Facts, claims_from_description, evidence_from_facts
from trust.grounding.attributes import is_selling_point

# v3: description claims lead; no category or brand-echo bullets.
TEMPLATE_MODEL = "template-v3"
_MAX_LISTED_VALUES = 6
_SCRIPT_FEATURE_LINES = 3


class _Chooser:
    """Deterministic choices keyed by the product: the same SKU always gets the same words."""

    def __init__(self, key: str) -> None:
        self.key = key

    def index(self, slot: str, count: int) -> int:
        digest = hashlib.sha256(f"{self.key}\x1f{slot}".encode()).digest()
        return int.from_bytes(digest[:4], "big") % count

    def pick(self, slot: str, options: Sequence[str]) -> str:
        return options[self.index(slot, len(options))]

    def rotated(self, slot: str, options: Sequence[str]) -> list[str]:
        """All options, starting at the chosen one: later ones are fallbacks."""
        if not options:
            return []
        start = self.index(slot, len(options))
        return [*options[start:], *options[:start]]


@dataclass(frozen=True)
class _Feature:
    """One fact in the three forms copy needs it: a bullet, a written and a spoken sentence."""

    bullet: str
    sentence: str
    spoken: str


class _Checker:
    """Keeps pieces of copy that pass the checks, fixing safely where the rules offer a fix."""

    def __init__(self, request: CopyRequest) -> None:
        self.request = request
        self.evidence = evidence_from_facts(request.facts)
        self._memo: dict[str, str | None] = {}

    def prime(self, texts: Iterable[str | None]) -> None:
        """Check many candidate pieces in one pass (one fact pool instead of one per piece)."""
        pieces = list(dict.fromkeys(" ".join(t.split()) for t in texts if t and t.strip()))
        pieces = [piece for piece in pieces if piece not in self._memo]
        if not pieces:
            return
        batch = CHECK_SEPARATOR.join(pieces)
        error_spans = [(f.start, f.end) for f in self.errors(batch)]
        offset = 0
        for piece in pieces:
            end = offset + len(piece)
            if not any(start < end and offset < stop for start, stop in error_spans):
                self._memo[piece] = piece
            offset = end + len(CHECK_SEPARATOR)

    def clean(self, text: str) -> str | None:
        text = " ".join(text.split())
        if not text:
            return None
        if text not in self._memo:
            self._memo[text] = self._clean(text)
        return self._memo[text]

    def errors(self, text: str) -> list[Finding]:
        return errors_in(check_text(text, self.request, evidence=self.evidence))

    def _clean(self, text: str) -> str | None:
        errors = self.errors(text)
        if not errors:
            return text
        rewritten, changes = rewrite_compliant(text, errors)
        if changes and not self.errors(rewritten):
            return rewritten
        return None

    def first(self, candidates: Sequence[str], *, max_chars: int | None = None) -> str | None:
        for candidate in candidates:
            cleaned = self.clean(candidate)
            if cleaned is not None and (max_chars is None or len(cleaned) <= max_chars):
                return cleaned
        return None


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shorten(text: str, max_chars: int) -> str:
    """Cut at a word boundary (any character for Chinese) and mark the cut."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut and re.search(r"[A-Za-z]", cut):
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


# --- the composer ------------------------------------------------------------------------
#
# One composer for every language, driven by the locale's "copy" phrasebook
# (``locales/<language>/copy.py``). Patterns are ``str.format`` templates over these fields:
# ``title``, ``short_title``, ``name`` and ``short_name`` (the product as an opener names
# it), ``store``, ``brand``, ``other_brand`` (the brand when the title lacks it),
# ``category``, ``price``, ``was`` (the compare-at price), ``percent`` (the discount) and
# ``left`` (units, when few). A pattern naming a field the product lacks is left out.
#
# The phrasebook's keys: ``short_title_chars``; ``our_store`` (when the store has no name);
# ``name`` and ``name_with_brand`` (over ``title``, ``the_title``, ``other_brand`` and
# ``branded_title``) with an optional ``definite`` (title -> "the title"); ``headlines``,
# ``openers`` (per tone, "friendly" required), ``closings``, ``calls_to_action``,
# ``fact_bullets``, ``store_bullets``, ``seo_titles``, ``seo_openers``; ``stock`` and
# ``urgency``; the fallbacks ``opener_fallback``, ``hook_fallback``, ``bridge``,
# ``cta_fallback``, ``cta_last_resort`` and ``headline_fallback``. Facts are stated by
# feature specs ({"bullet": (...), "sentence": (...), "spoken": (...)}, a sentence or spoken
# pattern may use ``{bullet}``): ``price``, ``discounted_price``, ``attributes`` (per
# attribute kind, "other" required; fields ``value``, ``label``, ``Label``),
# ``counted_options`` and ``options`` (``label``, ``Label``, ``listed``, ``count``,
# ``plural``) with ``attribute_labels`` (translations), ``list_separator`` (None: the
# locale's list style) and ``plural`` (label -> counted noun, or None: not counted),
# ``offer`` (``offer``, ``Offer``) with ``offer_trim``; ``warranty`` is a function giving
# (bullet, sentence, spoken). ``shots`` is read by the shot planner.
#
# ``claims`` (optional) states the description's claims (``Facts.claims``), first of all
# facts: specs like the above keyed by a claim's key ("care:dishwasher_safe") or, failing
# that, its kind ("fit"); an option naming a field the claim lacks is skipped, and a claim
# with no renderable bullet is left out. Fields: ``phrase``/``Phrase`` (the description's
# words, only when written in the copy's language; numbers with units in any),
# ``subject``/``Subject`` ("coffee" in "keeps coffee warm"), ``value``, ``hours`` ("24
# hours"), ``state`` ("warm"), ``name`` (``claim_names[key]``, the locale's word for it), and
# for a cold-and-hot pair (key ``performance:cold_and_hot``) ``cold_value``, ``hot_value``,
# ``cold_hours``, ``hot_hours``. ``hours`` is a function (value -> "24 hours").

_FORMATTER = string.Formatter()


@functools.lru_cache(maxsize=1024)
def _field_names(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name)


def _render(template: str, fields: Mapping[str, object]) -> str | None:
    """The pattern filled in, or None when it names a fact the product lacks."""
    if any(fields.get(name) is None for name in _field_names(template)):
        return None
    return template.format(**fields)


def _render_all(templates: Iterable[str], fields: Mapping[str, object]) -> list[str]:
    return [text for text in (_render(t, fields) for t in templates) if text is not None]


def _same(text: str) -> str:
    return text


def _feature(
    choose: _Chooser, slot: str, spec: Phrasebook, fields: Mapping[str, object]
) -> _Feature:
    """A fact's bullet, sentence and spoken line; the same slot picks matching phrasings."""
    bullet = choose.pick(slot, spec["bullet"]).format(**fields)
    sentence = choose.pick(slot, spec["sentence"]).format(**fields, bullet=bullet)
    spoken = choose.pick(slot, spec["spoken"]).format(**fields, bullet=bullet)
    return _Feature(bullet, sentence, spoken)


def _native_value(kind: str, value: str, locale: Locale, phrases: Phrasebook) -> str:
    """A material the catalog names in another language ("stoneware" in Chinese copy), in the
    locale's own word ("粗陶") when the phrasebook has one; anything else as written."""
    names: Mapping[str, str] = phrases.get("claim_names", {})
    if kind != "material" or not names or has_cjk(value) != locale.spaces_between_words:
        return value
    claims = claims_from_description(value)
    if len(claims) == 1 and claims[0].text.lower() == value.lower():
        return names.get(claims[0].key, value)
    return value


def _product_name(locale: Locale, phrases: Phrasebook, title: str, other_brand: str | None) -> str:
    template = phrases["name_with_brand"] if other_brand else phrases["name"]
    definite = phrases.get("definite", _same)
    return str(template).format(
        title=title,
        the_title=definite(title),
        other_brand=other_brand,
        branded_title=locale.join_words(other_brand or "", title),
    )


def _features(
    facts: Facts, locale: Locale, phrases: Phrasebook, choose: _Chooser
) -> list[_Feature]:
    features: list[_Feature] = []
    labels: Mapping[str, str] = phrases["attribute_labels"]
    attributes: Mapping[str, Phrasebook] = phrases["attributes"]
    for key, raw in facts.attributes.items():
        if not raw.strip() or not is_selling_point(key):
            continue
        label = labels.get(attribute_label(key), attribute_label(key))
        spec = attributes.get(attribute_kind(key), attributes["other"])
        fields: dict[str, object] = {
            "value": _native_value(attribute_kind(key), attribute_value(key, raw), locale, phrases),
            "label": label,
            "Label": _capitalize(label),
        }
        features.append(_feature(choose, f"attribute:{key}", spec, fields))
    separator: str | None = phrases["list_separator"]
    for option, values in facts.variant_options.items():
        values = [value for value in values if value.strip()]
        if not values:
            continue
        label = labels.get(attribute_label(option), attribute_label(option))
        shown = values[:_MAX_LISTED_VALUES]
        plural = phrases["plural"](label)
        counted = plural and len(values) > 1
        fields = {
            "label": label,
            "Label": _capitalize(label),
            "listed": locale.join(shown) if separator is None else separator.join(shown),
            "count": len(values),
            "plural": plural,
        }
        spec = phrases["counted_options"] if counted else phrases["options"]
        features.append(_feature(choose, f"option:{option}", spec, fields))
    if facts.warranty.strip():
        features.append(_Feature(*phrases["warranty"](facts.warranty.strip())))
    for offer in facts.offers:
        if offer.strip():
            trimmed = offer.strip().rstrip(phrases["offer_trim"])
            fields = {"offer": trimmed, "Offer": _capitalize(trimmed)}
            features.append(_feature(choose, "offer", phrases["offer"], fields))
    return features


# Claims lead with what the product does for the buyer, then how it is made and cared for.
_CLAIM_ORDER = (
    "performance",
    "craft",
    "care",
    "fit",
    "certification",
    "material",
    "compatibility",
    "in_the_box",
    "capacity",
    "dimensions",
    "weight",
    "fabric_weight",
)
_NUMBER_CLAIMS = frozenset({"capacity", "dimensions", "weight", "fabric_weight", "quantity"})
# Claims that an attribute or the title usually states already ("material: stoneware").
_ATTRIBUTE_LIKE = frozenset({"material", "capacity", "dimensions", "weight", "fabric_weight"})
_STATES = {
    "performance:keeps_warm": "warm",
    "performance:keeps_hot": "hot",
    "performance:keeps_cold": "cold",
}


def _number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def _claims_to_state(facts: Facts) -> list[Claim]:
    """The claims worth a line: one per key (the one with a number first), in benefit order,
    leaving out what the attributes or the title already say."""
    stated = " ".join([facts.title, *facts.attributes.values()]).lower()
    stated = " ".join(stated.split())
    by_key: dict[str, Claim] = {}
    for claim in facts.claims:
        if claim.kind not in _CLAIM_ORDER:
            continue
        words = " ".join(claim.text.split()).lower()
        if claim.kind in _ATTRIBUTE_LIKE and words in stated:
            continue
        kept = by_key.get(claim.key)
        if kept is None or (kept.value is None and claim.value is not None):
            by_key[claim.key] = claim
    return sorted(by_key.values(), key=lambda claim: _CLAIM_ORDER.index(claim.kind))


def _claim_fields(claim: Claim, locale: Locale, phrases: Phrasebook) -> dict[str, object]:
    native = claim.language == locale.language
    phrase = " ".join(claim.text.split()).rstrip(".,;:!。，；：！")  # noqa: RUF001
    if claim.kind == "quantity" or not (native or claim.kind in _NUMBER_CLAIMS):
        phrase = ""
    if claim.kind in _NUMBER_CLAIMS and has_cjk(phrase) and locale.spaces_between_words:
        phrase = ""  # "500毫升" has no place in English copy; "350 ml" reads in Chinese
    subject = claim.subject if native else ""
    value = _number(claim.value) if claim.unit == "h" else None
    names: Mapping[str, str] = phrases.get("claim_names", {})
    return {
        "phrase": phrase or None,
        "Phrase": _capitalize(phrase) or None,
        "subject": subject or None,
        "Subject": _capitalize(subject) or None,
        "value": value,
        "hours": phrases["hours"](value) if value is not None and "hours" in phrases else None,
        "state": phrases.get("claim_states", {}).get(_STATES.get(claim.key, "")),
        "name": names.get(claim.key),
    }


def _claim_feature(
    choose: _Chooser, slot: str, spec: Phrasebook, fields: Mapping[str, object]
) -> _Feature | None:
    """Like `_feature`, choosing only among the options the claim has every field for."""
    bullets = _render_all(spec.get("bullet", ()), fields)
    if not bullets:
        return None
    bullet = choose.pick(slot, bullets)
    with_bullet = {**fields, "bullet": bullet}
    sentences = _render_all(spec.get("sentence", ()), with_bullet)
    spoken = _render_all(spec.get("spoken", ()), with_bullet)
    if not sentences or not spoken:
        return None
    return _Feature(bullet, choose.pick(slot, sentences), choose.pick(slot, spoken))


def _claim_features(
    facts: Facts, locale: Locale, phrases: Phrasebook, choose: _Chooser
) -> list[_Feature]:
    """Benefit-led lines from the description's claims, in the locale's own phrasing."""
    specs: Mapping[str, Phrasebook] = phrases.get("claims", {})
    if not specs or not facts.claims:
        return []
    claims = _claims_to_state(facts)
    features: list[_Feature] = []
    paired = _thermal_pair(claims, locale, phrases)
    if paired is not None and "performance:cold_and_hot" in specs:
        pair_fields, pair_keys = paired
        feature = _claim_feature(
            choose, "claim:thermal", specs["performance:cold_and_hot"], pair_fields
        )
        if feature is not None:
            features.append(feature)
            claims = [claim for claim in claims if claim.key not in pair_keys]
    for claim in claims:
        claim_spec = specs.get(claim.key) or specs.get(claim.kind)
        if claim_spec is None:
            continue
        feature = _claim_feature(
            choose, f"claim:{claim.key}", claim_spec, _claim_fields(claim, locale, phrases)
        )
        if feature is not None and feature.bullet not in {f.bullet for f in features}:
            features.append(feature)
    return features


def _thermal_pair(
    claims: Sequence[Claim], locale: Locale, phrases: Phrasebook
) -> tuple[dict[str, object], set[str]] | None:
    """ "Cold 24 hours and hot 12 hours" as one fact, when both carry their hours."""
    cold = next((c for c in claims if c.key == "performance:keeps_cold" and c.value), None)
    hot_keys = ("performance:keeps_hot", "performance:keeps_warm")
    hot = next((c for c in claims if c.key in hot_keys and c.value), None)
    if cold is None or hot is None:
        return None
    fields = _claim_fields(cold, locale, phrases)
    cold_value, hot_value = _number(cold.value), _number(hot.value)
    hours = phrases["hours"]
    fields.update(
        cold_value=cold_value,
        hot_value=hot_value,
        cold_hours=hours(cold_value),
        hot_hours=hours(hot_value),
        hot_state=phrases.get("claim_states", {}).get(_STATES[hot.key]),
    )
    return fields, {cold.key, hot.key}


def _compose(request: CopyRequest, check: _Checker, choose: _Chooser) -> ProductCopy:
    facts, locale = request.facts, request.locale
    phrases = locale.phrases("copy")
    separator = " " if locale.spaces_between_words else ""
    title = " ".join(facts.title.split())
    short_title = _shorten(title, phrases["short_title_chars"])
    store = request.brand_name.strip() or facts.brand or phrases["our_store"]
    brand = facts.brand.strip()
    # The brand is named only where it adds something: not when the title has it, and not
    # when the store bears the same name ("from Kiln & Co at Kiln & Co").
    other_brand = (
        brand
        if brand and brand.lower() not in title.lower() and brand.lower() != store.lower()
        else None
    )
    percent = locale.discount_percent(facts.price, facts.compare_at_price)
    fields: dict[str, object] = {
        "title": title,
        "short_title": short_title,
        "name": _product_name(locale, phrases, title, other_brand),
        "short_name": _product_name(locale, phrases, short_title, None),
        "store": store,
        "brand": brand or None,
        "other_brand": other_brand,
        "category": facts.category or None,
        "price": locale.format_money(facts.price, facts.currency),
        "was": (
            None
            if facts.compare_at_price is None
            else locale.format_money(facts.compare_at_price, facts.currency)
        ),
        "percent": percent,
        "left": low_stock(facts),
    }
    short_fields = {**fields, "name": fields["short_name"]}
    openers = phrases["openers"].get(request.tone, phrases["openers"]["friendly"])
    all_features = _claim_features(facts, locale, phrases, choose) + _features(
        facts, locale, phrases, choose
    )
    discounted = percent is not None and facts.compare_at_price is not None
    price_spec = phrases["discounted_price"] if discounted else phrases["price"]
    price_feature = _feature(choose, "price", price_spec, fields)
    headline_candidates = _render_all(phrases["headlines"], fields)
    opener_candidates = _render_all(openers, fields)
    short_openers = _render_all(openers, short_fields)
    closings = _render_all(phrases["closings"], fields)
    calls_to_action = _render_all(phrases["calls_to_action"], fields)
    fact_bullets = _render_all(phrases["fact_bullets"], fields)
    store_bullets = _render_all(phrases["store_bullets"], fields)
    seo_titles = _render_all(phrases["seo_titles"], fields)
    seo_openers = _render_all(phrases["seo_openers"], fields)
    stock_sentence = _render(phrases["stock"], fields)
    urgency = _render(phrases["urgency"], fields)
    check.prime(
        [
            *_feature_texts([*all_features, price_feature]),
            *headline_candidates,
            *opener_candidates,
            *short_openers,
            *closings,
            *calls_to_action,
            *fact_bullets,
            *store_bullets,
            *seo_titles,
            *seo_openers,
            short_title,
            stock_sentence,
            urgency,
        ]
    )
    features = [f for f in all_features if check.clean(f.bullet) is not None]

    headline = check.first(
        choose.rotated("headline", headline_candidates), max_chars=HEADLINE_MAX_CHARS
    ) or check.first([short_title, brand], max_chars=HEADLINE_MAX_CHARS)
    opener = check.first(choose.rotated("opener", opener_candidates)) or check.first(
        [*short_openers, phrases["opener_fallback"]]
    )
    short_description = _short_description(
        check, opener, features, price_feature, separator, locale=locale
    )
    bullets = _pick_bullets(
        check,
        choose,
        [f.bullet for f in features],
        price_feature.bullet,
        fact_bullets=fact_bullets,
        store_bullets=store_bullets,
    )
    long_description = _paragraph(
        [
            check.first(choose.rotated("long-opener", opener_candidates)) or opener,
            *(check.clean(f.sentence) for f in features),
            check.clean(price_feature.sentence),
            stock_sentence and check.clean(stock_sentence),
            check.first(choose.rotated("closing", closings)),
        ],
        separator=separator,
    )
    hook = (
        check.first(choose.rotated("hook", short_openers), max_chars=SCRIPT_LINE_MAX_CHARS)
        or phrases["hook_fallback"]
    )
    spoken = [f.spoken for f in features] + ([price_feature.spoken] if percent is not None else [])
    cta = check.first(
        [*choose.rotated("cta", calls_to_action), phrases["cta_fallback"].format(**fields)]
    )
    video_script = _script(
        check,
        hook,
        spoken,
        urgency,
        cta or phrases["cta_last_resort"].format(**fields),
        bridge=phrases["bridge"],
    )
    seo_description = _paragraph(
        [
            check.first(seo_openers, max_chars=SEO_DESCRIPTION_MAX_CHARS),
            *(check.clean(f.sentence) for f in features[:2]),
            check.clean(price_feature.sentence),
        ],
        separator=separator,
        max_chars=SEO_DESCRIPTION_MAX_CHARS,
    )
    headline = headline or phrases["headline_fallback"]
    return ProductCopy(
        headline=headline,
        short_description=short_description,
        bullets=bullets,
        long_description=long_description,
        video_script=video_script,
        seo_title=check.first(seo_titles, max_chars=SEO_TITLE_MAX_CHARS) or headline,
        seo_description=seo_description or _shorten(short_description, SEO_DESCRIPTION_MAX_CHARS),
        keywords=_keywords(check, facts, store=store, locale=locale),
        shot_list=plan_shots(video_script, locale=locale, has_offer=has_offer(facts, locale)),
    )


# --- shared assembly ---------------------------------------------------------------------


def _feature_texts(features: Sequence[_Feature]) -> list[str]:
    return [text for f in features for text in (f.bullet, f.sentence, f.spoken)]


def _short_description(
    check: _Checker,
    opener: str | None,
    features: Sequence[_Feature],
    price_feature: _Feature,
    separator: str,
    *,
    locale: Locale,
) -> str:
    """The opener and one fact (the first feature, else the price), at most two sentences."""
    for second in [*(f.sentence for f in features[:1]), price_feature.sentence, ""]:
        cleaned = check.clean(second) if second else ""
        if cleaned is None:
            continue
        text = separator.join(part for part in (opener, cleaned) if part)
        if 1 <= len(locale.split_sentences(text)) <= SHORT_DESCRIPTION_MAX_SENTENCES:
            return text
    return opener or ""


def _pick_bullets(
    check: _Checker,
    choose: _Chooser,
    feature_bullets: Sequence[str],
    price_bullet: str,
    *,
    fact_bullets: Sequence[str],
    store_bullets: Sequence[str],
) -> tuple[str, ...]:
    """Five distinct bullets where the facts allow: the price (first or last) and features,
    then brand and category, then lines true of any listed product ("Sold by Acme").

    Nothing else is made up to reach five: a product with only a title and a price gets
    three (the price and the two store lines).
    """
    chosen: list[str] = []

    def add(text: str) -> None:
        cleaned = check.clean(text)
        if (
            cleaned is not None
            and len(cleaned) <= BULLET_MAX_CHARS
            and cleaned.lower() not in {b.lower() for b in chosen}
            and len(chosen) < BULLETS_TARGET
        ):
            chosen.append(cleaned)

    price_first = choose.index("price-bullet", 2) == 0
    if price_first:
        add(price_bullet)
    for bullet in feature_bullets:
        add(_shorten(bullet, BULLET_MAX_CHARS))
    for filler in [*choose.rotated("fillers", fact_bullets or [""]), *store_bullets]:
        if len(chosen) >= BULLETS_TARGET - (0 if price_first else 1):
            break
        if filler:
            add(filler)
    if not price_first:
        if len(chosen) == BULLETS_TARGET:
            chosen.pop()
        add(price_bullet)
    return tuple(chosen)


_KEYWORD_STOPWORDS = frozenset(
    {"a", "an", "and", "the", "with", "for", "of", "in", "on", "to", "by", "from", "at", "or",
     "new", "edition", "set", "pack"}
)  # fmt: skip
# A word worth searching for: three letters or more, or two Chinese characters.
# Words start with a letter and not inside another word ("350ml" gives no "ml").
_KEYWORD_WORD = re.compile(r"(?<!\w)[^\W\d_][\w'-]*")
_CATEGORY_SPLIT = re.compile(r"\s*(?:>|/|\||,|，|、)\s*")  # noqa: RUF001
_TITLE_KEYWORD_MAX_CHARS = 40
_LISTED_COLOURS = 2


def _content_words(title: str) -> list[str]:
    words = [w.lower() for w in _KEYWORD_WORD.findall(title)]
    return [
        w
        for w in words
        if w not in _KEYWORD_STOPWORDS and (len(w) >= 3 or (has_cjk(w) and len(w) >= 2))
    ]


def _keywords(check: _Checker, facts: Facts, *, store: str, locale: Locale) -> tuple[str, ...]:
    """Five to ten distinct lower-case search terms, every one taken from the facts.

    In order: the title, its last two words (the product noun: "coffee mug"), with the brand,
    the brand, the category's levels, the tags, the material, colours with the noun, the
    noun alone, the title's other words, the store, the store with the noun. Words of the
    title the checkers flag ("best", "最佳") are cut out first; other flagged terms are left
    out whole.
    """
    title = " ".join(facts.title.split())
    flagged = check.clean(title) != title
    plain_title = _without_flagged(check, title) if flagged else title
    words = _content_words(plain_title)
    if words and has_cjk(words[0]):
        head = noun = words[0]  # Chinese titles lead with the product noun
    else:
        head = " ".join(words[-2:])
        noun = words[-1] if words else ""
    brand = facts.brand.strip().lower()
    join = locale.join_words
    candidates: list[str] = []
    if not flagged and len(title) <= _TITLE_KEYWORD_MAX_CHARS:
        candidates.append(title.lower())
    candidates.append(head)
    if brand and brand not in title.lower() and head:
        candidates.append(f"{brand} {head}")
    candidates.append(brand)
    candidates.extend(part.lower() for part in _CATEGORY_SPLIT.split(facts.category))
    candidates.extend(str(tag).lower() for tag in facts.tags)
    for key, value in facts.attributes.items():
        if attribute_kind(key) == "material":
            candidates.append(attribute_value(key, value).lower())
    for option, values in facts.variant_options.items():
        if attribute_label(option) in ("color", "colour") and noun:
            candidates.extend(join(v.strip().lower(), noun) for v in values[:_LISTED_COLOURS])
    candidates.append(noun)
    candidates.extend(words)
    candidates.append(store.lower())
    if noun:
        candidates.append(join(store.lower(), noun))  # true of anything the store lists
    terms = [" ".join(c.split()) for c in candidates]
    terms = [t for t in dict.fromkeys(terms) if t and len(t) <= KEYWORD_MAX_CHARS]
    check.prime(terms)
    # A keyword is used as written or not at all: a rewritten term is no longer a fact's words.
    chosen = [t for t in terms if check.clean(t) == t][:KEYWORDS_MAX]
    # Listed one per line, neighbours can read as one phrase ("world's" then "best").
    for _ in range(3):
        spans = _error_spans(check, "\n".join(chosen))
        if not spans:
            break
        chosen = [term for term, span in zip(chosen, _line_spans(chosen), strict=True)
                  if not _overlaps(span, spans)]  # fmt: skip
    return tuple(chosen)


def _error_spans(check: _Checker, text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in check.errors(text)] if text else []


def _line_spans(lines: Sequence[str]) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in lines:
        spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)


def _without_flagged(check: _Checker, text: str) -> str:
    """`text` with what the checkers flag blanked out: "World's Best Mug" → "World's  Mug"."""
    chars = list(text)
    for start, end in _error_spans(check, text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def has_offer(facts: Facts, locale: Locale) -> bool:
    """Whether the video has an offer to show: a discount, a deal or few left."""
    return (
        locale.discount_percent(facts.price, facts.compare_at_price) is not None
        or low_stock(facts) is not None
        or any(offer.strip() for offer in facts.offers)
    )


def _paragraph(
    parts: Sequence[str | None], *, separator: str, max_chars: int = LONG_DESCRIPTION_MAX_CHARS
) -> str:
    """Join sentences in order, leaving out what would push it over the length limit."""
    text = ""
    for part in parts:
        if not part:
            continue
        candidate = f"{text}{separator}{part}" if text else part
        if len(candidate) <= max_chars:
            text = candidate
    return text


def _script(
    check: _Checker,
    hook: str,
    spoken: Sequence[str],
    urgency: str | None,
    cta: str,
    *,
    bridge: str,
) -> tuple[str, ...]:
    """Hook, up to three facts, urgency when stock is low, and the call to action last."""
    closing = [line for line in (urgency and check.clean(urgency), cta) if line]
    room = min(SCRIPT_MAX_LINES - 1 - len(closing), _SCRIPT_FEATURE_LINES)
    facts_said: list[str] = []
    for line in spoken:
        cleaned = check.clean(line)
        if len(facts_said) < room and cleaned and _speakable(cleaned) and cleaned not in facts_said:
            facts_said.append(cleaned)

    def words() -> int:
        return sum(spoken_word_count(line) for line in [hook, *facts_said, *closing])

    # Long facts can push the script past 30 s: drop facts from the end until it fits.
    while facts_said and words() > SCRIPT_MAX_WORDS:
        facts_said.pop()
    if not facts_said and len(closing) < 2:
        facts_said.append(bridge)
    return (hook, *facts_said, *closing)


def _speakable(line: str) -> bool:
    return len(line) <= SCRIPT_LINE_MAX_CHARS and spoken_word_count(line) <= SCRIPT_LINE_MAX_WORDS


class TemplateWriter:
    """Deterministic, grounded copy; the fallback for every model-backed writer."""

    name = "template"

    def compose(self, request: CopyRequest) -> ProductCopy:
        return _compose(request, _Checker(request), _Chooser(request.variation_key))

    def write(self, request: CopyRequest) -> CopyResult:
        started = time.perf_counter()
        cpu_started = time.process_time()
        copy = self.compose(request)
        findings = check_copy(copy, request)
        elapsed = time.perf_counter() - started
        return CopyResult(
            copy=copy,
            provenance=Provenance(
                provider=self.name,
                model=TEMPLATE_MODEL,
                params={"tone": request.tone, "locale": request.locale.code},
                cost=Cost(compute_seconds=time.process_time() - cpu_started),
                latency_s=elapsed,
            ),
            findings=findings,
        )
