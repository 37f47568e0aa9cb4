"""The visible AI-content label: a semi-opaque pill with "AI-generated" / "AI生成" in a corner.

The text's glyph height is at least 5% of the image's shortest edge, the visible
label that GB 45438-2025 asks of generated images.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from content.layouts.canvas import Box, fill_rounded_rect
from content.layouts.fonts import DEFAULT_FONT_FAMILY, StyledFont, load_font
from locales import get_locale

MIN_TEXT_HEIGHT_SHARE = 0.05
# Aim a little above the floor so rounding never lands below it.
_TARGET_TEXT_HEIGHT_SHARE = 0.053
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")

PILL_FILL = (17, 17, 20, 170)
TEXT_FILL = (255, 255, 255, 255)


def default_ai_label(locale: str) -> str:
    """The locale's visible AI label ("AI-generated", "AI生成"): its "labels" phrasebook's."""
    text: str = get_locale(locale).phrases("labels")["ai_label"]
    return text


@dataclass(frozen=True)
class AiLabelPlan:
    """Where the label goes and how big its text is."""

    text: str
    font: StyledFont
    pill: Box
    text_origin: tuple[int, int]  # left baseline
    text_box: Box  # the glyph ink box on the canvas

    @property
    def text_height(self) -> int:
        return self.text_box[3] - self.text_box[1]


def _font_for_height(text: str, min_height: float, family: str, locale: str) -> StyledFont:
    probe = load_font(text, size=100, weight=600, family=family, locale=locale)
    _, top, _, bottom = probe.bbox(text)
    size = max(8, math.ceil(min_height * 100 / max(bottom - top, 1)))
    while True:
        font = load_font(text, size=size, weight=600, family=family, locale=locale)
        _, top, _, bottom = font.bbox(text)
        if bottom - top >= min_height:
            return font
        size += 1


def plan_ai_label(
    canvas_size: tuple[int, int],
    text: str,
    *,
    corner: str = "bottom-right",
    family: str = DEFAULT_FONT_FAMILY,
    locale: str = "en",
) -> AiLabelPlan:
    if corner not in CORNERS:
        raise ValueError(f"unknown corner {corner!r}; choose one of {CORNERS}")
    if not text.strip():
        raise ValueError("the AI label text is mandatory")
    width, height = canvas_size
    shortest = min(width, height)
    font = _font_for_height(text, shortest * _TARGET_TEXT_HEIGHT_SHARE, family, locale)
    x0, y0, x1, y1 = font.bbox(text)
    pad_x, pad_y = round(font.size * 0.45), round(font.size * 0.28)
    pill_w, pill_h = (x1 - x0) + 2 * pad_x, (y1 - y0) + 2 * pad_y
    # Keep off the very edge: marketplace rules want the outer border untouched.
    margin = round(shortest * 0.025)
    left = margin if corner.endswith("left") else width - margin - pill_w
    top = margin if corner.startswith("top") else height - margin - pill_h
    origin = (left + pad_x - x0, top + pad_y - y0)
    text_box = (origin[0] + x0, origin[1] + y0, origin[0] + x1, origin[1] + y1)
    return AiLabelPlan(text, font, (left, top, left + pill_w, top + pill_h), origin, text_box)


def draw_ai_label(img: Image.Image, plan: AiLabelPlan) -> None:
    """Composite the planned label onto `img` (RGB or RGBA) in place."""
    fill_rounded_rect(img, plan.pill, (plan.pill[3] - plan.pill[1]) // 2, PILL_FILL)
    ImageDraw.Draw(img).text(
        plan.text_origin,
        plan.text,
        font=plan.font.font,
        fill=TEXT_FILL if img.mode == "RGBA" else TEXT_FILL[:3],
        anchor="ls",
        stroke_width=plan.font.stroke,
        stroke_fill=TEXT_FILL if img.mode == "RGBA" else TEXT_FILL[:3],
    )


def stamp_ai_label(
    img: Image.Image,
    text: str,
    *,
    corner: str = "bottom-right",
    family: str = DEFAULT_FONT_FAMILY,
    locale: str = "en",
) -> AiLabelPlan:
    """Plan and draw the label; returns the plan so callers can avoid or check it."""
    plan = plan_ai_label(img.size, text, corner=corner, family=family, locale=locale)
    draw_ai_label(img, plan)
    return plan
