"""The template writer: deterministic English and Chinese copy built only from catalog facts.

Every phrase states a catalog fact or none; each piece is checked with the grounding and
compliance checkers before it is used, so a title or attribute the rules flag ("World's
Best Mug") is rewritten where a safe fix exists and left out where none does. Phrasings are
picked by a hash of the SKU, so a catalog does not read identically and a product always
reads the same.
"""

# Chinese copy uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from content.providers.base import Cost, Provenance
from content.providers.text.plan import (
    attribute_kind,
    attribute_label,
    attribute_value,
    discount_percent,
    format_money,
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
    split_sentences,
    spoken_word_count,
)
from content.providers.text.shots import plan_shots
from trust.compliance import rewrite_compliant
from trust.findings import Finding
from trust.grounding import Facts, evidence_from_facts

TEMPLATE_MODEL = "template-v2"
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


# --- English -----------------------------------------------------------------------------


def _en_list(values: Sequence[str]) -> str:
    shown = list(values[:_MAX_LISTED_VALUES])
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def _en_article(noun: str) -> str:
    if re.match(r"(?:a|an|the)\s", noun, re.IGNORECASE):
        return noun
    return f"an {noun}" if noun[:1].lower() in "aeio" else f"a {noun}"


def _en_the(title: str) -> str:
    return title if title.lower().startswith("the ") else f"the {title}"


_EN_COUNTED_OPTIONS = {"color": "colors", "colour": "colours", "size": "sizes", "style": "styles"}


def _en_features(facts: Facts, choose: _Chooser) -> list[_Feature]:
    features: list[_Feature] = []
    for key, raw in facts.attributes.items():
        if not raw.strip():
            continue
        value = attribute_value(key, raw)
        kind = attribute_kind(key)
        slot = f"attribute:{key}"
        if kind == "material":
            bullet = choose.pick(slot, [f"Made of {value}", f"Material: {value}"])
            sentence = choose.pick(slot, [f"It is made of {value}.", f"Crafted from {value}."])
            spoken = f"It's made of {value}."
        elif kind == "capacity":
            bullet = choose.pick(slot, [f"Holds {value}", f"Capacity: {value}"])
            sentence = spoken = f"It holds {value}."
        elif kind == "size":
            bullet = choose.pick(slot, [f"Measures {value}", f"Size: {value}"])
            sentence = spoken = f"It measures {value}."
        elif kind == "weight":
            bullet = choose.pick(slot, [f"Weighs {value}", f"Weight: {value}"])
            sentence = spoken = f"It weighs {value}."
        elif kind == "origin":
            bullet = f"Origin: {value}"
            sentence = spoken = f"It comes from {value}."
        else:
            label = _capitalize(attribute_label(key))
            bullet = f"{label}: {value}"
            sentence = spoken = f"{label}: {value}."
        features.append(_Feature(bullet, sentence, spoken))
    for option, values in facts.variant_options.items():
        values = [value for value in values if value.strip()]
        if not values:
            continue
        label = attribute_label(option)
        listed = _en_list(values)
        counted = _EN_COUNTED_OPTIONS.get(label)
        if counted and len(values) > 1:
            bullet = choose.pick(
                f"option:{option}",
                [f"Choose from {len(values)} {counted}: {listed}", f"Available in {listed}"],
            )
            spoken = f"Pick from {len(values)} {counted}."
        else:
            bullet = f"{_capitalize(label)}: {listed}"
            spoken = f"Choose {label}: {listed}."
        features.append(_Feature(bullet, f"{bullet}.", spoken))
    if facts.warranty.strip():
        warranty = facts.warranty.strip()
        if re.search(r"warrant|guarantee", warranty, re.IGNORECASE):
            bullet = _capitalize(warranty)
            sentence = spoken = f"It comes with {_en_article(warranty)}."
        else:
            bullet = f"{_capitalize(warranty)} warranty"
            sentence = spoken = f"It is backed by a {warranty} warranty."
        features.append(_Feature(bullet, sentence, spoken))
    for offer in facts.offers:
        if offer.strip():
            text = _capitalize(offer.strip().rstrip("."))
            features.append(_Feature(text, f"Plus: {offer.strip().rstrip('.')}.", f"{text}!"))
    return features


def _en_price_feature(facts: Facts) -> _Feature:
    price = format_money(facts.price, facts.currency)
    percent = discount_percent(facts)
    if percent is not None and facts.compare_at_price is not None:
        was = format_money(facts.compare_at_price, facts.currency)
        return _Feature(
            f"Now {price}, was {was}: save {percent}%",
            f"It is now {price}, down from {was}: save {percent}%.",
            f"Save {percent}% today.",
        )
    return _Feature(f"Just {price}", f"All yours for {price}.", f"All yours for {price}.")


_EN_OPENERS = {
    "friendly": ("Meet {the}{by}.", "Say hello to {the}{by}.", "Here's {the}{by}."),
    "premium": ("Introducing {the}{by}.", "Discover {the}{by}.", "Presenting {the}{by}."),
    "energetic": ("Check out {the}{by}!", "Get ready for {the}{by}!", "Here comes {the}{by}!"),
}
_EN_CLOSINGS = (
    "Order it from {store} today.",
    "Find it at {store}.",
    "Add it to your cart at {store}.",
)
_EN_CALLS_TO_ACTION = (
    "Get yours today for {price}.",
    "Tap to shop now for {price}.",
    "Grab it at {store} for {price}.",
    "Order now for just {price}.",
)
# True of every product a store lists; used only when the facts give fewer than five bullets.
# Stock is left out on purpose: it changes without changing the product's content hash, so
# a cached "In stock" bullet could outlive the stock.
_EN_STORE_BULLETS = ("Sold by {store}", "Questions? Ask the {store} team")


def _compose_en(request: CopyRequest, check: _Checker, choose: _Chooser) -> ProductCopy:
    facts = request.facts
    title = " ".join(facts.title.split())
    short_title = _shorten(title, HEADLINE_MAX_CHARS)
    store = request.brand_name.strip() or facts.brand or "our store"
    brand = facts.brand.strip()
    by = f" from {brand}" if brand and brand.lower() not in title.lower() else ""
    price = format_money(facts.price, facts.currency)
    percent = discount_percent(facts)
    left = low_stock(facts)
    openers = _EN_OPENERS.get(request.tone, _EN_OPENERS["friendly"])
    all_features = _en_features(facts, choose)
    price_feature = _en_price_feature(facts)
    headline_candidates = [title]
    if by:
        headline_candidates.append(f"{brand} {title}")
    if percent is not None:
        headline_candidates.append(f"{title}: {percent}% Off")
    opener_candidates = [o.format(the=_en_the(title), by=by) for o in openers]
    short_openers = [o.format(the=_en_the(short_title), by="") for o in openers]
    closings = [c.format(store=store) for c in _EN_CLOSINGS]
    calls_to_action = [c.format(store=store, price=price) for c in _EN_CALLS_TO_ACTION]
    fact_bullets = ([f"From {brand}"] if brand else []) + (
        [f"Category: {facts.category}"] if facts.category else []
    )
    store_bullets = [b.format(store=store) for b in _EN_STORE_BULLETS]
    seo_titles = [f"{title} | {brand}"] if by else []
    seo_titles += [f"{title} | {store}", title, short_title]
    seo_openers = [f"Shop {_en_the(title)}{by} at {store}.", f"Shop {_en_the(short_title)}."]
    stock_sentence = f"Only {left} left in stock." if left is not None else None
    urgency = f"Only {left} left, so be quick." if left is not None else None
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
        [*short_openers, "Take a look."]
    )
    short_description = _short_description(check, opener, features, price_feature, " ")
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
        separator=" ",
    )
    hook = (
        check.first(choose.rotated("hook", short_openers), max_chars=SCRIPT_LINE_MAX_CHARS)
        or "Take a look at this one."
    )
    spoken = [f.spoken for f in features] + ([price_feature.spoken] if percent is not None else [])
    cta = check.first([*choose.rotated("cta", calls_to_action), f"Just {price}."])
    video_script = _script(check, hook, spoken, urgency, cta or f"{price}.")
    seo_description = _paragraph(
        [
            check.first(seo_openers, max_chars=SEO_DESCRIPTION_MAX_CHARS),
            *(check.clean(f.sentence) for f in features[:2]),
            check.clean(price_feature.sentence),
        ],
        separator=" ",
        max_chars=SEO_DESCRIPTION_MAX_CHARS,
    )
    headline = headline or "New in store"
    return ProductCopy(
        headline=headline,
        short_description=short_description,
        bullets=bullets,
        long_description=long_description,
        video_script=video_script,
        seo_title=check.first(seo_titles, max_chars=SEO_TITLE_MAX_CHARS) or headline,
        seo_description=seo_description or _shorten(short_description, SEO_DESCRIPTION_MAX_CHARS),
        keywords=_keywords(check, facts, store=store, locale="en"),
        shot_list=plan_shots(video_script, locale="en", has_offer=has_offer(facts)),
    )


# --- Simplified Chinese ------------------------------------------------------------------

_ZH_LABELS = {
    "color": "颜色",
    "colour": "颜色",
    "size": "尺码",
    "style": "款式",
    "material": "材质",
    "flavor": "口味",
    "flavour": "口味",
    "capacity": "容量",
    "pattern": "图案",
    "scent": "香型",
    "dimensions": "尺寸",
    "weight": "重量",
    "origin": "产地",
}


def _zh_label(key: str) -> str:
    label = attribute_label(key)
    return _ZH_LABELS.get(label, label)


def _zh_join(left: str, right: str) -> str:
    """Brand and title: a space only between two Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii():
        return f"{left} {right}"
    return f"{left}{right}"


def _zh_features(facts: Facts, choose: _Chooser) -> list[_Feature]:
    features: list[_Feature] = []
    for key, raw in facts.attributes.items():
        if not raw.strip():
            continue
        value = attribute_value(key, raw)
        kind = attribute_kind(key)
        slot = f"attribute:{key}"
        if kind == "material":
            bullet = choose.pick(slot, [f"采用{value}", f"材质：{value}"])
        elif kind == "capacity":
            bullet = choose.pick(slot, [f"容量{value}", f"容量：{value}"])
        elif kind == "size":
            bullet = f"尺寸：{value}"
        elif kind == "weight":
            bullet = f"重量：{value}"
        elif kind == "origin":
            bullet = f"产地：{value}"
        else:
            bullet = f"{_zh_label(key)}：{value}"
        features.append(_Feature(bullet, f"{bullet}。", f"{bullet}。"))
    for option, values in facts.variant_options.items():
        values = [value for value in values if value.strip()]
        if not values:
            continue
        label = _zh_label(option)
        listed = "、".join(values[:_MAX_LISTED_VALUES])
        bullet = f"{label}可选：{listed}"
        spoken = f"{len(values)}种{label}可选。" if len(values) > 1 else f"{bullet}。"
        features.append(_Feature(bullet, f"{bullet}。", spoken))
    if facts.warranty.strip():
        warranty = facts.warranty.strip()
        years = re.fullmatch(r"(\d+)[- ]?(?:years?|yrs?)(?:\s+warranty)?", warranty, re.IGNORECASE)
        bullet = f"{years.group(1)}年质保" if years else f"质保：{warranty}"
        features.append(_Feature(bullet, f"享{bullet}。", f"{bullet}，放心买。"))
    for offer in facts.offers:
        if offer.strip():
            text = offer.strip().rstrip("。.")
            features.append(_Feature(text, f"{text}。", f"{text}！"))
    return features


def _zh_price_feature(facts: Facts) -> _Feature:
    price = format_money(facts.price, facts.currency)
    percent = discount_percent(facts)
    if percent is not None and facts.compare_at_price is not None:
        was = format_money(facts.compare_at_price, facts.currency)
        return _Feature(
            f"到手价{price}，原价{was}",
            f"现在直降{percent}%，到手价{price}，原价{was}。",
            f"现在直降{percent}%！",
        )
    return _Feature(f"到手价{price}", f"到手价{price}。", f"到手价{price}。")


_ZH_OPENERS = {
    "friendly": ("给你推荐{name}。", "{name}来啦！", "今天推荐这款{name}。"),
    "premium": ("为你呈现{name}。", "{name}，品质之选。", "认识一下{name}。"),
    "energetic": ("{name}上新啦！", "快来看看{name}！", "{name}，冲！"),
}
_ZH_CLOSINGS = ("快来{store}下单吧！", "欢迎到{store}选购。", "现在就在{store}下单吧。")
_ZH_CALLS_TO_ACTION = (
    "现在下单只要{price}！",
    "点击下方链接，{price}带回家！",
    "{price}就能入手，快来{store}下单吧！",
)
_ZH_STORE_BULLETS = ("{store}发货", "有问题随时问{store}客服")


def _compose_zh(request: CopyRequest, check: _Checker, choose: _Chooser) -> ProductCopy:
    facts = request.facts
    title = " ".join(facts.title.split())
    short_title = _shorten(title, 30)
    store = request.brand_name.strip() or facts.brand or "本店"
    brand = facts.brand.strip()
    name = _zh_join(brand, title) if brand and brand.lower() not in title.lower() else title
    price = format_money(facts.price, facts.currency)
    percent = discount_percent(facts)
    left = low_stock(facts)
    openers = _ZH_OPENERS.get(request.tone, _ZH_OPENERS["friendly"])
    all_features = _zh_features(facts, choose)
    price_feature = _zh_price_feature(facts)
    headline_candidates = [title, name, f"{title}｜到手价{price}"]
    if percent is not None:
        headline_candidates.append(f"{title}｜直降{percent}%")
    opener_candidates = [o.format(name=name) for o in openers]
    short_openers = [o.format(name=short_title) for o in openers]
    closings = [c.format(store=store) for c in _ZH_CLOSINGS]
    calls_to_action = [c.format(store=store, price=price) for c in _ZH_CALLS_TO_ACTION]
    fact_bullets = ([f"品牌：{brand}"] if brand else []) + (
        [f"品类：{facts.category}"] if facts.category else []
    )
    store_bullets = [b.format(store=store) for b in _ZH_STORE_BULLETS]
    seo_titles = [f"{title}｜{brand}"] if name != title else []
    seo_titles += [f"{title}｜{store}", title, short_title]
    seo_openers = [f"在{store}选购{name}。", f"选购{short_title}。"]
    stock_sentence = f"仅剩{left}件。" if left is not None else None
    urgency = f"仅剩{left}件，手慢无！" if left is not None else None
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
        [*short_openers, "新品上架。"]
    )
    short_description = _short_description(check, opener, features, price_feature, "")
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
        separator="",
    )
    hook = (
        check.first(choose.rotated("hook", short_openers), max_chars=SCRIPT_LINE_MAX_CHARS)
        or "看看这款好物。"
    )
    spoken = [f.spoken for f in features] + ([price_feature.spoken] if percent is not None else [])
    cta = check.first([*choose.rotated("cta", calls_to_action), f"只要{price}。"])
    video_script = _script(check, hook, spoken, urgency, cta or f"{price}。")
    seo_description = _paragraph(
        [
            check.first(seo_openers, max_chars=SEO_DESCRIPTION_MAX_CHARS),
            *(check.clean(f.sentence) for f in features[:2]),
            check.clean(price_feature.sentence),
        ],
        separator="",
        max_chars=SEO_DESCRIPTION_MAX_CHARS,
    )
    headline = headline or "新品上架"
    return ProductCopy(
        headline=headline,
        short_description=short_description,
        bullets=bullets,
        long_description=long_description,
        video_script=video_script,
        seo_title=check.first(seo_titles, max_chars=SEO_TITLE_MAX_CHARS) or headline,
        seo_description=seo_description or _shorten(short_description, SEO_DESCRIPTION_MAX_CHARS),
        keywords=_keywords(check, facts, store=store, locale="zh-CN"),
        shot_list=plan_shots(video_script, locale="zh-CN", has_offer=has_offer(facts)),
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
) -> str:
    """The opener and one fact (the first feature, else the price), at most two sentences."""
    for second in [*(f.sentence for f in features[:1]), price_feature.sentence, ""]:
        cleaned = check.clean(second) if second else ""
        if cleaned is None:
            continue
        text = separator.join(part for part in (opener, cleaned) if part)
        if 1 <= len(split_sentences(text)) <= SHORT_DESCRIPTION_MAX_SENTENCES:
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
_CATEGORY_SPLIT = re.compile(r"\s*(?:>|/|\||,|，|、)\s*")
_TITLE_KEYWORD_MAX_CHARS = 40
_LISTED_COLOURS = 2


def _content_words(title: str) -> list[str]:
    words = [w.lower() for w in _KEYWORD_WORD.findall(title)]
    return [
        w
        for w in words
        if w not in _KEYWORD_STOPWORDS and (len(w) >= 3 or (_is_chinese(w) and len(w) >= 2))
    ]


def _keywords(check: _Checker, facts: Facts, *, store: str, locale: str) -> tuple[str, ...]:
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
    if words and _is_chinese(words[0]):
        head = noun = words[0]  # Chinese titles lead with the product noun
    else:
        head = " ".join(words[-2:])
        noun = words[-1] if words else ""
    brand = facts.brand.strip().lower()
    join = _zh_join if locale == "zh-CN" else (lambda a, b: f"{a} {b}")
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


def has_offer(facts: Facts) -> bool:
    """Whether the video has an offer to show: a discount, a deal or few left."""
    return (
        discount_percent(facts) is not None
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
    check: _Checker, hook: str, spoken: Sequence[str], urgency: str | None, cta: str
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
        facts_said.append(_SCRIPT_BRIDGE[_is_chinese(hook)])
    return (hook, *facts_said, *closing)


def _speakable(line: str) -> bool:
    return len(line) <= SCRIPT_LINE_MAX_CHARS and spoken_word_count(line) <= SCRIPT_LINE_MAX_WORDS


_SCRIPT_BRIDGE = {False: "Take a closer look.", True: "一起来看看吧。"}


def _is_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


class TemplateWriter:
    """Deterministic, grounded copy; the fallback for every model-backed writer."""

    name = "template"

    def compose(self, request: CopyRequest) -> ProductCopy:
        check = _Checker(request)
        choose = _Chooser(request.variation_key)
        compose: Callable[[CopyRequest, _Checker, _Chooser], ProductCopy]
        compose = _compose_zh if request.locale == "zh-CN" else _compose_en
        return compose(request, check, choose)

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
                params={"tone": request.tone, "locale": request.locale},
                cost=Cost(compute_seconds=time.process_time() - cpu_started),
                latency_s=elapsed,
            ),
            findings=findings,
        )
