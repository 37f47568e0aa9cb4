"""The short video's shot list, planned from its spoken script: one shot per line.

Each line gets a shot long enough to say it (about 2.5 words a second), and the whole list
is stretched or squeezed into 15-30 s. The hook opens on the product photo, features walk
through the composed images, an offer (a discount, a deal or low stock) gets the story
frame with its price badge, and the call to action ends on the white marketplace image.
Descriptions say what is shown, never what is claimed, so they state no facts to check;
they are the locale's, under "shots" in its "copy" phrasebook.
"""

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
from locales import Locale, get_locale

WORDS_PER_SECOND = 2.5
# A shot holds a moment after its line, and never flashes by.
_HOLD_SECONDS = 0.5
_FLOOR_SECONDS = 2.0

_FEATURE_SOURCES = ("feature_card", "hero_banner", "product_photo")


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


def plan_shots(script: Sequence[str], *, locale: Locale | str, has_offer: bool) -> tuple[Shot, ...]:
    """One shot per script line, timed to be said, totalling 15-30 s."""
    texts = get_locale(locale).phrases("copy")["shots"]
    # Feature descriptions may say which feature ("{nth}": "First", ...); Chinese ones don't.
    ordinals = texts.get("ordinals", ("",))
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
            nth = ordinals[min(features, len(ordinals) - 1)]
            description = templates[features % len(templates)].format(nth=nth)
            features += 1
        else:
            source, description = texts[role]
        shots.append(Shot(description=description, source=source, duration_s=seconds))
    return tuple(shots)
