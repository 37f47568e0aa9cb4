"""What the video composer is asked for (`VideoSpec`), what it returns, and its timeline."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from content.layouts.colors import RGB, hex_to_rgb
from content.layouts.fonts import DEFAULT_FONT_FAMILY, FONT_FAMILIES
from content.layouts.inputs import default_cta
from content.layouts.labels import default_ai_label
from content.providers.base import Provenance
from locales import get_locale

SIZES = ((720, 1280), (1080, 1920))
DEFAULT_SIZE = SIZES[0]
# Smallest canvas accepted: tests render thumbnails; anything smaller is unreadable.
MIN_SIDE = 90
MAX_SIDE = 2160
# Metadata keys become ffmpeg `-metadata key=value` arguments.
_METADATA_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")

Sentence = tuple[str, float, float]


@dataclass(frozen=True)
class VideoSpec:
    """One vertical product short: pictures, voice with caption timings, cards and brand.

    Without `voice_wav` the video is silent and lasts `duration_s`. With a voice it lasts
    the voice plus the end card, clamped to [`min_duration_s`, `max_duration_s`]: a short
    voice is padded by holding the end card, a long one is cut (never sped up).
    """

    product_images: Sequence[bytes]
    sentences: Sequence[Sentence] = ()
    # How long each image stays, relative to the others (a shot list's durations); empty
    # shares the video equally.
    image_weights: Sequence[float] = ()
    voice_wav: bytes | None = None
    duration_s: float = 15.0
    title: str = ""
    price_text: str = ""
    compare_at_text: str | None = None
    offer_badge_text: str | None = None
    # The end card shows the price and offer again, this line, and the call to action.
    end_card_text: str = ""
    cta_text: str = ""
    primary_color: str = "#1F3A5F"
    secondary_color: str = "#3C6E91"
    accent_color: str = "#F2A541"
    locale: str = "en"
    ai_label: str = ""
    size: tuple[int, int] = DEFAULT_SIZE
    fps: int = 24
    background_music_wav: bytes | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    font_family: str = DEFAULT_FONT_FAMILY
    min_duration_s: float = 15.0
    max_duration_s: float = 30.0
    end_card_s: float = 1.5
    opening_label_s: float = 2.0

    def __post_init__(self) -> None:
        images = tuple(self.product_images)
        if not images or not all(images):
            raise ValueError("at least one product image is required, and none may be empty")
        object.__setattr__(self, "product_images", images)
        weights = tuple(float(w) for w in self.image_weights)
        if weights and (len(weights) != len(images) or not all(w > 0 for w in weights)):
            raise ValueError("image_weights needs one positive weight per product image")
        object.__setattr__(self, "image_weights", weights)
        sentences = tuple(
            (str(text), float(start), float(end)) for text, start, end in self.sentences
        )
        for text, start, end in sentences:
            if start < 0 or end <= start:
                raise ValueError(f"sentence {text!r} has bad timings {start}..{end}")
        object.__setattr__(self, "sentences", tuple(sorted(sentences, key=lambda s: s[1])))
        get_locale(self.locale)  # raises UnknownLocale (a ValueError) naming the known ones
        if self.font_family not in FONT_FAMILIES:
            raise ValueError(
                f"unknown font family {self.font_family!r}; choose one of {FONT_FAMILIES}"
            )
        for name in ("primary_color", "secondary_color", "accent_color"):
            hex_to_rgb(getattr(self, name))
        width, height = self.size
        # yuv420p needs even sides.
        if (
            width % 2
            or height % 2
            or not (MIN_SIDE <= min(width, height) <= max(width, height) <= MAX_SIDE)
        ):
            raise ValueError(
                f"size must be even sides between {MIN_SIDE} and {MAX_SIDE} px, got {self.size}"
            )
        if not 1 <= self.fps <= 60:
            raise ValueError(f"fps must be between 1 and 60, got {self.fps}")
        if not 0 < self.min_duration_s <= self.max_duration_s:
            raise ValueError("need 0 < min_duration_s <= max_duration_s")
        if self.voice_wav is None and self.duration_s <= 0:
            raise ValueError("a silent video needs a positive duration_s")
        if self.end_card_s < 0 or self.opening_label_s < 0:
            raise ValueError("end_card_s and opening_label_s cannot be negative")
        for key, value in self.metadata.items():
            if not _METADATA_KEY.match(key) or "\x00" in value:
                raise ValueError(f"metadata key {key!r} must be a plain identifier and values text")
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    @property
    def ai_label_text(self) -> str:
        return self.ai_label.strip() or default_ai_label(self.locale)

    @property
    def cta(self) -> str:
        return self.cta_text.strip() or default_cta(self.locale)

    @property
    def primary(self) -> RGB:
        return hex_to_rgb(self.primary_color)

    @property
    def secondary(self) -> RGB:
        return hex_to_rgb(self.secondary_color)

    @property
    def accent(self) -> RGB:
        return hex_to_rgb(self.accent_color)


@dataclass(frozen=True)
class VideoResult:
    """The encoded MP4 (H.264 + AAC, faststart) and how it was made."""

    mp4: bytes
    duration_s: float
    width: int
    height: int
    fps: int
    provenance: Provenance
    render_seconds: float


@dataclass(frozen=True)
class Timeline:
    """When each part of the video is on screen, in seconds from the start."""

    duration_s: float
    frame_count: int
    end_card_start_s: float
    opening_label_end_s: float
    product_card_start_s: float
    # One (start, end) span per product image; neighbours overlap by the crossfade.
    image_spans: tuple[tuple[float, float], ...]


CROSSFADE_S = 0.5
# The product card slides in shortly after the opening label and stays until the end card.
_PRODUCT_CARD_DELAY_S = 0.3


def video_duration(voice_s: float | None, spec: VideoSpec) -> float:
    """Voice plus end card (or the requested silent length), clamped to the spec's range."""
    wanted = spec.duration_s if voice_s is None else voice_s + spec.end_card_s
    return min(max(wanted, spec.min_duration_s), spec.max_duration_s)


def plan_timeline(voice_s: float | None, spec: VideoSpec) -> Timeline:
    frame_count = max(1, round(video_duration(voice_s, spec) * spec.fps))
    duration = frame_count / spec.fps
    # The end card takes over when the voice ends, so a short voice is padded by the card,
    # but it always gets its full length at the end of a long one.
    card_start = duration - spec.end_card_s
    if voice_s is not None:
        card_start = min(voice_s, card_start)
    card_start = max(0.0, card_start)
    opening_end = min(spec.opening_label_s, duration)
    weights = spec.image_weights or (1.0,) * len(spec.product_images)
    # Images share the whole video by weight; the last one keeps zooming behind the end card.
    bounds = [duration * sum(weights[:i]) / sum(weights) for i in range(len(weights) + 1)]
    spans = tuple(
        (max(0.0, start - CROSSFADE_S / 2), min(duration, end + CROSSFADE_S / 2))
        for start, end in itertools.pairwise(bounds)
    )
    return Timeline(
        duration_s=duration,
        frame_count=frame_count,
        end_card_start_s=card_start,
        opening_label_end_s=opening_end,
        product_card_start_s=min(opening_end + _PRODUCT_CARD_DELAY_S, card_start),
        image_spans=spans,
    )
