"""What a layout is given: the brand kit and the product's content for one image."""

from __future__ import annotations

from dataclasses import dataclass, field

from content.layouts.colors import RGB, hex_to_rgb
from content.layouts.fonts import DEFAULT_FONT_FAMILY, FONT_FAMILIES
from content.layouts.labels import default_ai_label
from locales import get_locale

MAX_FEATURES = 3


def _check_locale(locale: str) -> None:
    get_locale(locale)  # raises UnknownLocale (a ValueError) naming the registered ones


def default_cta(locale: str) -> str:
    """The locale's call to action ("Shop now", "立即抢购"): its "labels" phrasebook's."""
    text: str = get_locale(locale).phrases("labels")["call_to_action"]
    return text


@dataclass(frozen=True)
class BrandKit:
    """A store's visual identity. Colours are hex strings such as "#1F6FEB"."""

    primary_color: str = "#1F3A5F"
    secondary_color: str = "#3C6E91"
    accent_color: str = "#F2A541"
    background_color: str = "#F5F1EA"
    text_color: str = "#1B1B1F"
    logo: bytes | None = None
    font_family: str = DEFAULT_FONT_FAMILY
    locale: str = "en"

    def __post_init__(self) -> None:
        for name in ("primary", "secondary", "accent", "background", "text"):
            hex_to_rgb(getattr(self, f"{name}_color"))
        if self.font_family not in FONT_FAMILIES:
            raise ValueError(
                f"unknown font family {self.font_family!r}; choose one of {FONT_FAMILIES}"
            )
        _check_locale(self.locale)

    @property
    def primary(self) -> RGB:
        return hex_to_rgb(self.primary_color)

    @property
    def secondary(self) -> RGB:
        return hex_to_rgb(self.secondary_color)

    @property
    def accent(self) -> RGB:
        return hex_to_rgb(self.accent_color)

    @property
    def background(self) -> RGB:
        return hex_to_rgb(self.background_color)

    @property
    def text(self) -> RGB:
        return hex_to_rgb(self.text_color)


@dataclass(frozen=True)
class LayoutInput:
    """The content of one marketing image; texts arrive checked and formatted upstream.

    `ai_label` and `cta_text` left empty take the locale's default wording, so an image
    can never go out without its AI label.
    """

    product_photo: bytes | None = None  # None: the layouts are designed from type alone
    headline: str = ""
    subheadline: str = ""
    features: tuple[str, ...] = field(default_factory=tuple)
    price_text: str = ""
    compare_at_text: str | None = None
    offer_badge_text: str | None = None
    brand_name: str = ""
    locale: str = "en"
    ai_label: str = ""
    cta_text: str = ""

    def __post_init__(self) -> None:
        _check_locale(self.locale)
        if self.product_photo is not None and not self.product_photo:
            raise ValueError("a product photo, when given, must not be empty")
        features = tuple(f.strip() for f in self.features if f.strip())
        if len(features) > MAX_FEATURES:
            raise ValueError(f"at most {MAX_FEATURES} feature call-outs, got {len(features)}")
        object.__setattr__(self, "features", features)

    @property
    def ai_label_text(self) -> str:
        return self.ai_label.strip() or default_ai_label(self.locale)

    @property
    def cta(self) -> str:
        return self.cta_text.strip() or default_cta(self.locale)
