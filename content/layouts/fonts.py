"""Bundled fonts: locate them inside their PyPI packages and load them by family, weight and size.

No system fonts are assumed. Latin text uses Noto Sans (variable weight, package
`fontpkg-noto-sans`); any text containing CJK uses Noto Sans CJK (package
`noto-cjk-sans-otc`), which also carries Latin glyphs for mixed strings.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

CJK_FONT_PACKAGE = "noto-cjk-sans-otc"
CJK_FONT_PIN = "noto-cjk-sans-otc==0.0.1"
LATIN_FONT_PACKAGE = "fontpkg-noto-sans"
LATIN_FONT_PIN = "fontpkg-noto-sans==2.15"

# Face order inside NotoSansCJK-Regular.ttc; the face decides regional glyph forms.
_CJK_FACE_BY_LOCALE = {"ja": 0, "ko": 1, "zh-CN": 2, "zh-TW": 3, "zh-HK": 4}
_CJK_DEFAULT_FACE = 2

# "noto-sans": Latin strings in Noto Sans, CJK strings in Noto Sans CJK.
# "noto-sans-cjk": every string in Noto Sans CJK (one consistent look for mixed catalogs).
FONT_FAMILIES = ("noto-sans", "noto-sans-cjk")
DEFAULT_FONT_FAMILY = "noto-sans"


class FontMissingError(RuntimeError):
    """A bundled font package is not installed."""


def _package_file(module: str, package: str, pin: str, relative: str) -> Path:
    try:
        root = Path(importlib.import_module(module).__file__ or "").resolve().parent
    except ImportError as exc:
        raise FontMissingError(
            f"the font package {package!r} is not installed; install it with `pip install {pin}`"
        ) from exc
    path = root / relative
    if not path.is_file():
        raise FontMissingError(
            f"the font package {package!r} has no {relative!r}; reinstall it with "
            f"`pip install --force-reinstall {pin}`"
        )
    return path


def cjk_font_path() -> Path:
    return _package_file(
        "noto_cjk_sans_otc", CJK_FONT_PACKAGE, CJK_FONT_PIN, "NotoSansCJK-Regular.ttc"
    )


def latin_font_path() -> Path:
    return _package_file(
        "fontpkg_noto_sans", LATIN_FONT_PACKAGE, LATIN_FONT_PIN, "files/NotoSans[wdth,wght].ttf"
    )


def is_cjk_char(ch: str) -> bool:
    """Han ideographs, kana, hangul and CJK/full-width punctuation."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, punctuation, kana, CJK unified ideographs
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= code <= 0xFE4F  # vertical forms
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x2FA1F  # extension planes
        or (unicodedata.east_asian_width(ch) == "W" and unicodedata.category(ch).startswith("L"))
    )


def contains_cjk(text: str) -> bool:
    return any(is_cjk_char(ch) for ch in text)


@dataclass(frozen=True)
class StyledFont:
    """A loaded font plus the faux-bold stroke used where the face has no real bold."""

    font: ImageFont.FreeTypeFont
    size: int
    stroke: int
    is_cjk: bool

    def length(self, text: str) -> float:
        return float(self.font.getlength(text)) + 2 * self.stroke

    def bbox(self, text: str) -> tuple[int, int, int, int]:
        """Glyph ink box relative to the left baseline origin."""
        x0, y0, x1, y1 = self.font.getbbox(text, anchor="ls", stroke_width=self.stroke)
        return (int(x0), int(y0), int(x1), int(y1))

    @property
    def cap_height(self) -> int:
        """Height above the baseline of a full-height glyph, for placing the first line."""
        sample = "国" if self.is_cjk else "H"
        return -self.bbox(sample)[1]

    @property
    def descent(self) -> int:
        sample = "国" if self.is_cjk else "g"
        return self.bbox(sample)[3]


@lru_cache(maxsize=256)
def _load_latin(size: int, weight: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(latin_font_path()), size, layout_engine=ImageFont.Layout.BASIC)
    # Axes of NotoSans[wdth,wght].ttf are ordered (wght, wdth).
    font.set_variation_by_axes([min(max(weight, 100), 900), 100])
    return font


@lru_cache(maxsize=256)
def _load_cjk(size: int, face: int) -> ImageFont.FreeTypeFont:
    # BASIC layout keeps output identical whether or not libraqm is present.
    return ImageFont.truetype(
        str(cjk_font_path()), size, index=face, layout_engine=ImageFont.Layout.BASIC
    )


def load_font(
    text: str,
    *,
    size: int,
    weight: int = 400,
    family: str = DEFAULT_FONT_FAMILY,
    locale: str = "en",
) -> StyledFont:
    """The font that renders `text` correctly at `size` px in the brand's family."""
    if family not in FONT_FAMILIES:
        raise ValueError(f"unknown font family {family!r}; choose one of {FONT_FAMILIES}")
    size = max(int(size), 4)
    if family == "noto-sans" and not contains_cjk(text):
        return StyledFont(_load_latin(size, weight), size, 0, is_cjk=False)
    face = _CJK_FACE_BY_LOCALE.get(locale, _CJK_DEFAULT_FACE)
    # The CJK collection ships only Regular, so heavier weights are drawn with a thin stroke.
    stroke = round(size * 0.016 * (weight - 400) / 300) if weight > 400 else 0
    return StyledFont(_load_cjk(size, face), size, stroke, is_cjk=True)
