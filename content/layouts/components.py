"""Reusable marketing pieces: brand mark, price tag, offer burst, feature icons and CTA band."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from content.layouts.canvas import (
    Box,
    fill_ellipse,
    fill_polygon,
    fill_rounded_rect,
    fit_within,
    star_points,
    stroke_polyline,
)
from content.layouts.colors import RGB, with_alpha
from content.layouts.fonts import load_font
from content.layouts.text import draw_text_block, fit_text
from locales import get_locale


def _draw_line_of_text(
    img: Image.Image,
    text: str,
    *,
    left: float,
    baseline: float,
    size: int,
    weight: int,
    colour: RGB,
    family: str,
    locale: str,
) -> float:
    """Draw one line at a baseline; returns its advance width."""
    font = load_font(text, size=size, weight=weight, family=family, locale=locale)
    ImageDraw.Draw(img).text(
        (round(left + font.stroke), round(baseline)),
        text,
        font=font.font,
        fill=with_alpha(colour, 255),
        anchor="ls",
        stroke_width=font.stroke,
        stroke_fill=with_alpha(colour, 255),
    )
    return font.length(text)


def draw_brand_mark(
    img: Image.Image,
    *,
    logo: bytes | None,
    brand_name: str,
    box: Box,
    colour: RGB,
    family: str,
    locale: str,
    align: str = "left",
) -> Box | None:
    """The store's logo when it has one, else its name set in bold; nothing if neither."""
    x0, y0, x1, y1 = box
    if logo:
        mark = fit_within(Image.open(io.BytesIO(logo)).convert("RGBA"), x1 - x0, y1 - y0)
        left = x0 if align == "left" else x0 + (x1 - x0 - mark.width) // 2
        img.alpha_composite(mark, (left, y0)) if img.mode == "RGBA" else img.paste(
            mark, (left, y0), mark
        )
        return (left, y0, left + mark.width, y0 + mark.height)
    if not brand_name.strip():
        return None
    # Languages written with spaces set the wordmark in capitals; in Chinese (and other
    # languages without spaces) a Latin brand stays as the store writes it.
    wordmark = brand_name.upper() if get_locale(locale).spaces_between_words else brand_name
    fitted = fit_text(
        wordmark,
        box_width=x1 - x0,
        box_height=y1 - y0,
        max_size=y1 - y0,
        min_size=max(10, (y1 - y0) // 3),
        max_lines=1,
        weight=750,
        family=family,
        locale=locale,
    )
    return draw_text_block(
        ImageDraw.Draw(img), fitted, left=x0, top=y0, fill=colour, align=align, box_width=x1 - x0
    )


def build_price_tag(
    *,
    price: str,
    compare_at: str | None,
    height: int,
    fill: RGB,
    text_colour: RGB,
    family: str,
    locale: str,
) -> Image.Image:
    """A pill sticker: the price in bold, then the compare-at price struck through."""
    price_size = round(height * 0.56)
    was_size = round(height * 0.34)
    pad = round(height * 0.42)
    gap = round(height * 0.22)
    price_font = load_font(price, size=price_size, weight=800, family=family, locale=locale)
    width = pad * 2 + round(price_font.length(price))
    if compare_at:
        was_font = load_font(compare_at, size=was_size, weight=500, family=family, locale=locale)
        width += gap + round(was_font.length(compare_at))
    tag = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    fill_rounded_rect(tag, (0, 0, width, height), height // 2, with_alpha(fill, 255))
    baseline = height / 2 + price_font.cap_height / 2
    advance = _draw_line_of_text(
        tag,
        price,
        left=pad,
        baseline=baseline,
        size=price_size,
        weight=800,
        colour=text_colour,
        family=family,
        locale=locale,
    )
    if compare_at:
        left = pad + advance + gap
        was_width = _draw_line_of_text(
            tag,
            compare_at,
            left=left,
            baseline=baseline,
            size=was_size,
            weight=500,
            colour=text_colour,
            family=family,
            locale=locale,
        )
        # The strike sits at mid x-height of the smaller text.
        strike_y = baseline - was_size * 0.36
        stroke_polyline(
            tag,
            [(left - 2, strike_y), (left + was_width + 2, strike_y)],
            max(2, round(was_size * 0.08)),
            with_alpha(text_colour, 235),
        )
    return tag


def build_offer_burst(
    text: str, *, diameter: int, fill: RGB, text_colour: RGB, family: str, locale: str
) -> Image.Image:
    """A starburst sticker carrying the offer ("20% OFF"), tilted like a hand-placed sticker."""
    burst = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    centre = (diameter / 2, diameter / 2)
    fill_polygon(
        burst, star_points(centre, diameter / 2 - 1, diameter * 0.43, 20), with_alpha(fill, 255)
    )
    inner = round(diameter * 0.64)
    fitted = fit_text(
        text,
        box_width=inner,
        box_height=inner,
        max_size=round(diameter * 0.24),
        min_size=max(10, diameter // 12),
        max_lines=2,
        weight=850,
        family=family,
        locale=locale,
        line_spacing=1.0,
        balance=True,
    )
    top = round(centre[1] - fitted.height / 2)
    draw_text_block(
        ImageDraw.Draw(burst),
        fitted,
        left=round(centre[0] - inner / 2),
        top=top,
        fill=with_alpha(text_colour, 255),
        align="center",
        box_width=inner,
    )
    return burst.rotate(12, resample=Image.Resampling.BICUBIC)


ICON_KINDS = ("check", "star", "bolt")


def draw_feature_icon(
    img: Image.Image, kind: str, centre: tuple[int, int], radius: int, fill: RGB, mark: RGB
) -> None:
    """A filled disc with a simple white mark: check, star or lightning bolt."""
    cx, cy = centre
    fill_ellipse(img, (cx - radius, cy - radius, cx + radius, cy + radius), with_alpha(fill, 255))
    r = radius
    if kind == "check":
        stroke_polyline(
            img,
            [
                (cx - r * 0.42, cy + r * 0.02),
                (cx - r * 0.12, cy + r * 0.32),
                (cx + r * 0.45, cy - r * 0.3),
            ],
            max(2, round(r * 0.16)),
            with_alpha(mark, 255),
        )
    elif kind == "star":
        fill_polygon(
            img, star_points((cx, cy + r * 0.04), r * 0.55, r * 0.23, 5), with_alpha(mark, 255)
        )
    else:
        bolt = [
            (cx + r * 0.12, cy - r * 0.6),
            (cx - r * 0.38, cy + r * 0.08),
            (cx - r * 0.02, cy + r * 0.08),
            (cx - r * 0.14, cy + r * 0.6),
            (cx + r * 0.38, cy - r * 0.1),
            (cx + r * 0.02, cy - r * 0.1),
        ]
        fill_polygon(img, bolt, with_alpha(mark, 255))


def draw_cta_band(
    img: Image.Image, text: str, *, box: Box, fill: RGB, text_colour: RGB, family: str, locale: str
) -> None:
    """A rounded call-to-action button with an arrow after the wording."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    fill_rounded_rect(img, box, height // 2, with_alpha(fill, 255))
    fitted = fit_text(
        text,
        box_width=round((x1 - x0) * 0.7),
        box_height=round(height * 0.5),
        max_size=round(height * 0.42),
        min_size=max(10, height // 6),
        max_lines=1,
        weight=800,
        family=family,
        locale=locale,
    )
    arrow = round(fitted.font.cap_height * 0.9)
    gap = round(arrow * 0.6)
    total = fitted.width + gap + arrow
    left = x0 + (x1 - x0 - total) // 2
    top = y0 + (height - fitted.font.cap_height) // 2
    draw_text_block(ImageDraw.Draw(img), fitted, left=left, top=top, fill=text_colour)
    ax = left + fitted.width + gap
    ay = top + fitted.font.cap_height / 2
    w = max(2, round(arrow * 0.16))
    stroke_polyline(img, [(ax, ay), (ax + arrow, ay)], w, with_alpha(text_colour, 255))
    stroke_polyline(
        img,
        [
            (ax + arrow * 0.55, ay - arrow * 0.45),
            (ax + arrow, ay),
            (ax + arrow * 0.55, ay + arrow * 0.45),
        ],
        w,
        with_alpha(text_colour, 255),
    )


def circle_backdrop(
    img: Image.Image, centre: tuple[int, int], radius: int, colour: RGB, alpha: int
) -> None:
    fill_ellipse(
        img,
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        with_alpha(colour, alpha),
    )
