"""Colour parsing and contrast helpers shared by the layouts."""

from __future__ import annotations

import re

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

_HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

WHITE: RGB = (255, 255, 255)
INK: RGB = (24, 24, 27)


def hex_to_rgb(value: str) -> RGB:
    """Parse "#RRGGBB" or "#RGB" (the hash is optional) into an RGB tuple."""
    match = _HEX_COLOUR.match(value.strip())
    if match is None:
        raise ValueError(f"not a hex colour: {value!r} (expected #RRGGBB or #RGB)")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def relative_luminance(colour: RGB) -> float:
    """WCAG relative luminance, 0 for black and 1 for white."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = colour
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: RGB, preferred: RGB | None = None) -> RGB:
    """Pick a text colour that reads on `background`.

    The brand's own text colour wins when it has enough contrast (4.5:1, WCAG AA);
    otherwise near-black or white, whichever contrasts more.
    """
    if preferred is not None and contrast_ratio(preferred, background) >= 4.5:
        return preferred
    if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background):
        return WHITE
    return INK


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """Blend from `a` (amount 0) to `b` (amount 1)."""
    t = min(max(amount, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def with_alpha(colour: RGB, alpha: int) -> RGBA:
    return (colour[0], colour[1], colour[2], alpha)
