"""The short video's shot list, planned from its spoken script: one shot per line.

Each line gets a shot long enough to say it (about 2.5 words a second), and the whole list
is stretched or squeezed into 15-30 s. The hook opens on the product photo, features walk
through the composed images, an offer (a discount, a deal or low stock) gets the story
frame with its price badge, and the call to action ends on the white marketplace image.
Descriptions say what is shown, never what is claimed, so they state no facts to check.
"""

# Chinese descriptions use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Sequence

from content.providers.text.product_copy import (
    SHOT_MAX_SECONDS,
    SHOT_MIN_SECONDS,
    VIDEO_MAX_SECONDS,
    VIDEO_MIN_SECONDS,
    Shot,
    spoken_word_count,
)

WORDS_PER_SECOND = 2.5
# A shot holds a moment after its line, and never flashes by.
_HOLD_SECONDS = 0.5
_FLOOR_SECONDS = 2.0

_FEATURE_SOURCES = ("feature_card", "hero_banner", "product_photo")
_DESCRIPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "hook": (
            "product_photo",
            "Hook: slow zoom in on the product photo as the headline appears.",
        ),
        "feature": (
            "{nth} feature: the feature card's call-outs, panning across.",
            "{nth} feature: the hero banner with the headline, slow push in.",
            "{nth} feature: close-up of the product photo.",
        ),
        "offer": ("story_frame", "Offer: the story frame with its price badge."),
        "cta": (
            "marketplace_main",
            "Call to action: the product on white, then the end card with the price.",
        ),
    },
    "zh-CN": {
        "hook": ("product_photo", "开场：产品图缓慢推近，标题出现。"),
        "feature": (
            "卖点：特色卡片的要点逐条展示。",
            "卖点：横幅主图缓慢推进。",
            "卖点：产品特写。",
        ),
        "offer": ("story_frame", "优惠：竖版海报，展示价格角标。"),
        "cta": ("marketplace_main", "行动号召：白底产品图，结尾卡片展示价格。"),
    },
}
_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth")


def shot_roles(count: int, *, has_offer: bool) -> list[str]:
    """ "hook", "feature"…, "offer" (second to last, when there is one), "cta" last."""
    if count <= 0:
        return []
    if count == 1:
        return ["hook"]
    roles = ["hook", *(["feature"] * (count - 2)), "cta"]
    if has_offer and count >= 4:
        roles[-2] = "offer"
    return roles


def fit_durations(
    seconds: Sequence[float],
    *,
    minimum: float = VIDEO_MIN_SECONDS,
    maximum: float = VIDEO_MAX_SECONDS,
) -> list[float]:
    """Scale per-shot seconds so they total between `minimum` and `maximum`, in tenths."""
    if not seconds:
        return []
    total = sum(seconds)
    target = min(max(total, minimum), maximum)
    # Whole tenths, so the shots add up exactly to what they should (no 14.999999 s).
    tenths = [max(round(s * target / total * 10), round(SHOT_MIN_SECONDS * 10)) for s in seconds]
    # Rounding each shot can miss the range by a few tenths; the longest shot absorbs it.
    drift = min(max(sum(tenths), round(minimum * 10)), round(maximum * 10)) - sum(tenths)
    longest = tenths.index(max(tenths))
    tenths[longest] = min(tenths[longest] + drift, round(SHOT_MAX_SECONDS * 10))
    return [t / 10 for t in tenths]


def plan_shots(script: Sequence[str], *, locale: str, has_offer: bool) -> tuple[Shot, ...]:
    """One shot per script line, timed to be said, totalling 15-30 s."""
    texts = _DESCRIPTIONS["zh-CN" if locale == "zh-CN" else "en"]
    roles = shot_roles(len(script), has_offer=has_offer)
    needed = [
        max(_FLOOR_SECONDS, spoken_word_count(line) / WORDS_PER_SECOND + _HOLD_SECONDS)
        for line in script
    ]
    shots: list[Shot] = []
    features = 0
    for role, seconds in zip(roles, fit_durations(needed), strict=True):
        if role == "feature":
            templates = texts["feature"]
            source = _FEATURE_SOURCES[features % len(_FEATURE_SOURCES)]
            nth = _ORDINALS[min(features, len(_ORDINALS) - 1)]
            description = templates[features % len(templates)].format(nth=nth)
            features += 1
        else:
            source, description = texts[role]
        shots.append(Shot(description=description, source=source, duration_s=seconds))
    return tuple(shots)
