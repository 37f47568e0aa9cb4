"""The video's one frame function: static layers drawn once, composited per frame with Pillow.

Everything that does not move is pre-rendered when `VideoFrames` is built: one oversized
background per product image (cut-out on a brand gradient, or the photo full-bleed), one
caption band per sentence, the product card, the end card and both AI labels. A frame is
then a Ken Burns crop of a background (two during a crossfade) plus masked pastes of the
overlays, which keeps rendering to a few milliseconds at 720x1280.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from content.layouts.canvas import (
    contact_shadow,
    fill_rounded_rect,
    fit_within,
    linear_gradient,
    paste_centred,
    radial_glow,
)
from content.layouts.colors import INK, RGB, WHITE, mix, readable_on, with_alpha
from content.layouts.components import build_offer_burst, build_price_tag, draw_cta_band
from content.layouts.cutout import cut_out_product
from content.layouts.fonts import StyledFont, load_font
from content.layouts.labels import AiLabelPlan, draw_ai_label, plan_ai_label
from content.layouts.text import draw_text_block, fit_text
from content.providers.base import ProviderError
from content.providers.video.spec import Timeline, VideoSpec

# The background is drawn this much larger than the frame, so the slow zoom (up to this
# factor) never enlarges pixels.
MAX_ZOOM = 1.12
# One thread for OpenCV's resize: ffmpeg is encoding on the other core meanwhile.
cv2.setNumThreads(1)
# The opening label's glyph height as a share of the frame width (the floor is 5%).
OPENING_LABEL_TEXT_SHARE = 0.075
_FADE_S = 0.3
_CAPTION_FADE_S = 0.12
_CARD_SLIDE_S = 0.35
# Where things sit, as shares of the frame height.
_PRODUCT_CENTRE_Y = 0.38
_CAPTION_BOTTOM_Y = 0.72
_CARD_TOP_Y = 0.765
_CARD_BOTTOM_Y = 0.915
_OPENING_LABEL_TOP_Y = 0.085

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Overlay:
    """A pre-rendered layer: its colours, its coverage mask and where it goes on the frame."""

    rgb: Image.Image
    alpha: Image.Image
    left: int
    top: int

    @classmethod
    def from_rgba(cls, layer: Image.Image, left: int, top: int) -> Overlay:
        return cls(layer.convert("RGB"), layer.getchannel("A"), left, top)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (self.left, self.top, self.left + self.rgb.width, self.top + self.rgb.height)

    def paste(self, frame: Image.Image, opacity: float = 1.0, dy: int = 0) -> None:
        if opacity <= 0.004:
            return
        mask = self.alpha
        if opacity < 0.996:
            mask = mask.point([round(v * opacity) for v in range(256)])
        frame.paste(self.rgb, (self.left, self.top + dy), mask)


@dataclass(frozen=True)
class Background:
    """One product image's scene, drawn MAX_ZOOM times the frame size, and its zoom anchor."""

    layer: Image.Image
    anchor: tuple[float, float]
    zoom_in: bool

    @cached_property
    def pixels(self) -> npt.NDArray[np.uint8]:
        return np.asarray(self.layer.convert("RGB"))

    def view(self, size: tuple[int, int], progress: float) -> Image.Image:
        """The frame-sized crop at `progress` (0..1) through the image's slow zoom."""
        progress = min(max(progress, 0.0), 1.0)
        amount = progress if self.zoom_in else 1.0 - progress
        zoom = 1.0 + (MAX_ZOOM - 1.0) * amount
        # Scale about the anchor (the product), so it grows in place and the crop never
        # leaves the layer.
        ax, ay = self.anchor
        left, top = ax * (1 - 1 / zoom), ay * (1 - 1 / zoom)
        right, bottom = left + self.layer.width / zoom, top + self.layer.height / zoom
        # The resample is most of a frame's cost. OpenCV's SIMD bilinear resize of the crop
        # takes 4 ms at 1080x1920 where Pillow's takes 25; snapping the crop to whole pixels
        # moves the picture by under half a pixel, which a zoom of this speed cannot show.
        crop = self.pixels[round(top) : round(bottom), round(left) : round(right)]
        return Image.fromarray(cv2.resize(crop, size, interpolation=cv2.INTER_LINEAR))


def _is_cut_out(product: Image.Image) -> bool:
    """Did the cut-out lift the product off its backdrop (any transparency at all)?"""
    extrema = product.getchannel("A").getextrema()
    return isinstance(extrema, tuple) and extrema[0] != 255


def _cut_out(photo: bytes, index: int) -> Image.Image:
    try:
        return cut_out_product(photo)
    except (OSError, ValueError) as exc:
        raise ProviderError(f"product image {index + 1} is not a readable image: {exc}") from exc


def _bottom_shade(size: tuple[int, int], strength: int = 170) -> Image.Image:
    """An L mask: clear over the upper 45%, then darkening towards the bottom edge."""
    rows = np.clip((np.arange(size[1]) / size[1] - 0.45) / 0.55, 0.0, 1.0) * strength
    column = Image.fromarray(rows.astype(np.uint8).reshape(-1, 1))
    return column.resize(size, Image.Resampling.BILINEAR)


# Images whose shape is within this ratio of the frame's are cropped to fill it.
_CROP_TOLERANCE = 1.2


def fill_frame(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`image` filling `size`: cropped when the shapes are close, else whole over a blur."""
    ratio = (image.width / image.height) / (size[0] / size[1])
    if 1 / _CROP_TOLERANCE <= ratio <= _CROP_TOLERANCE:
        return ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    # The blur is drawn small and scaled up: the same look for a fraction of the work.
    small = ImageOps.fit(image, (size[0] // 8, size[1] // 8), Image.Resampling.BILINEAR)
    fill = small.filter(ImageFilter.GaussianBlur(6)).resize(size, Image.Resampling.BILINEAR)
    fill = Image.blend(fill, Image.new("RGB", size, (0, 0, 0)), 0.35)
    whole = ImageOps.contain(image, (size[0] * 94 // 100, size[1] * 94 // 100))
    fill.paste(whole, ((size[0] - whole.width) // 2, (size[1] - whole.height) * 2 // 5))
    return fill


def build_background(product: Image.Image, spec: VideoSpec, *, index: int) -> Background:
    width, height = round(spec.width * MAX_ZOOM), round(spec.height * MAX_ZOOM)
    # Alternate the zoom direction so consecutive images move differently.
    zoom_in = index % 2 == 0
    if not _is_cut_out(product):
        # A lifestyle photo keeps its own scene: full-bleed, with a shade at the bottom so
        # captions and cards stay legible. One of another shape (a 16:9 banner, a square
        # card) is shown whole over a blurred fill of itself rather than cropped.
        layer = fill_frame(product.convert("RGB"), (width, height))
        layer.paste((0, 0, 0), (0, 0, width, height), _bottom_shade((width, height)))
        # Photos drift towards one side as they zoom; cut-outs stay centred so a
        # crossfade between two products reads as one product changing.
        drift = (0.4, 0.6)[index % 2]
        return Background(layer, (width * drift, height * 0.45), zoom_in)
    top_colour = mix(spec.primary, WHITE, 0.08)
    bottom_colour = mix(spec.secondary, (0, 0, 0), 0.35)
    layer = linear_gradient((width, height), top_colour, bottom_colour, angle=90).convert("RGBA")
    centre = (width // 2, round(height * _PRODUCT_CENTRE_Y))
    radius = round(width * 0.36)
    layer.alpha_composite(
        radial_glow(
            (width, height),
            centre,
            round(radius * 1.35),
            with_alpha(mix(spec.secondary, WHITE, 0.6), 140),
        )
    )
    fitted = fit_within(product, round(width * 0.72), round(height * 0.36))
    box = (
        centre[0] - fitted.width // 2,
        centre[1] - fitted.height // 2,
        centre[0] + fitted.width // 2,
        centre[1] + fitted.height // 2,
    )
    contact_shadow(layer, box, strength=120)
    paste_centred(layer, fitted, centre)
    return Background(layer.convert("RGB"), (float(centre[0]), float(centre[1])), zoom_in)


def _font_for_glyph_height(text: str, height: float, spec: VideoSpec) -> StyledFont:
    """The smallest bold font whose ink for `text` is at least `height` px tall."""
    probe = load_font(text, size=100, weight=700, family=spec.font_family, locale=spec.locale)
    _, top, _, bottom = probe.bbox(text)
    size = max(8, math.ceil(height * 100 / max(bottom - top, 1)))
    while True:
        font = load_font(text, size=size, weight=700, family=spec.font_family, locale=spec.locale)
        _, top, _, bottom = font.bbox(text)
        if bottom - top >= height:
            return font
        size += 1


def plan_opening_label(spec: VideoSpec) -> AiLabelPlan:
    """The big AI label of the first seconds: centred near the top, glyphs 7.5% of the width."""
    text = spec.ai_label_text
    font = _font_for_glyph_height(text, spec.width * OPENING_LABEL_TEXT_SHARE, spec)
    x0, y0, x1, y1 = font.bbox(text)
    pad_x, pad_y = round(font.size * 0.55), round(font.size * 0.32)
    pill_w, pill_h = (x1 - x0) + 2 * pad_x, (y1 - y0) + 2 * pad_y
    if pill_w > spec.width * 0.94:
        raise ProviderError(f"the AI label {text!r} is too long to show large; shorten it")
    left, top = (spec.width - pill_w) // 2, round(spec.height * _OPENING_LABEL_TOP_Y)
    origin = (left + pad_x - x0, top + pad_y - y0)
    text_box = (origin[0] + x0, origin[1] + y0, origin[0] + x1, origin[1] + y1)
    return AiLabelPlan(text, font, (left, top, left + pill_w, top + pill_h), origin, text_box)


def _label_overlay(plan: AiLabelPlan, size: tuple[int, int]) -> Overlay:
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw_ai_label(layer, plan)
    return Overlay.from_rgba(layer.crop(plan.pill), plan.pill[0], plan.pill[1])


def build_caption(text: str, spec: VideoSpec) -> Overlay | None:
    """A sentence as a band of up to three centred lines, bottom-aligned above the card."""
    width, height = spec.size
    fitted = fit_text(
        text,
        box_width=round(width * 0.8),
        box_height=round(height * 0.13),
        max_size=round(width * 0.058),
        min_size=max(8, round(width * 0.036)),
        max_lines=3,
        weight=750,
        family=spec.font_family,
        locale=spec.locale,
        balance=True,
    )
    if not fitted.lines:
        return None
    pad_x, pad_y = round(fitted.font.size * 0.6), round(fitted.font.size * 0.42)
    band_w, band_h = fitted.width + 2 * pad_x, fitted.height + 2 * pad_y
    band = Image.new("RGBA", (band_w, band_h), (0, 0, 0, 0))
    fill_rounded_rect(
        band,
        (0, 0, band_w, band_h),
        round(fitted.font.size * 0.5),
        with_alpha(mix(spec.primary, (0, 0, 0), 0.55), 205),
    )
    # An accent bar on the left edge ties the captions to the brand.
    bar = max(3, round(width * 0.008))
    fill_rounded_rect(band, (0, pad_y, bar, band_h - pad_y), bar // 2, with_alpha(spec.accent, 255))
    draw_text_block(
        ImageDraw.Draw(band),
        fitted,
        left=pad_x,
        top=pad_y,
        fill=WHITE,
        align="center",
        box_width=fitted.width,
    )
    left = (width - band_w) // 2
    top = round(height * _CAPTION_BOTTOM_Y) - band_h
    return Overlay.from_rgba(band, left, top)


def _offer_burst(spec: VideoSpec, diameter: int) -> Image.Image | None:
    if not spec.offer_badge_text:
        return None
    return build_offer_burst(
        spec.offer_badge_text,
        diameter=diameter,
        fill=spec.accent,
        text_colour=readable_on(spec.accent, WHITE),
        family=spec.font_family,
        locale=spec.locale,
    )


def _price_tag(spec: VideoSpec, height: int, fill: RGB) -> Image.Image | None:
    if not spec.price_text:
        return None
    return build_price_tag(
        price=spec.price_text,
        compare_at=spec.compare_at_text,
        height=height,
        fill=fill,
        text_colour=readable_on(fill, spec.primary),
        family=spec.font_family,
        locale=spec.locale,
    )


def build_product_card(spec: VideoSpec) -> Overlay | None:
    """White card in the lower third: the title, the price tag and the offer sticker."""
    if not (spec.title or spec.price_text or spec.offer_badge_text):
        return None
    width, height = spec.size
    margin = round(width * 0.06)
    card_top, card_bottom = round(height * _CARD_TOP_Y), round(height * _CARD_BOTTOM_Y)
    burst_d = round(width * 0.22)
    burst = _offer_burst(spec, burst_d)
    # The layer reaches above the card so the sticker can overlap its top edge.
    overhang = burst.height // 2 if burst else 0
    layer = Image.new("RGBA", (width - 2 * margin, card_bottom - card_top + overhang), (0, 0, 0, 0))
    card_w, card_h = layer.width, card_bottom - card_top
    fill_rounded_rect(
        layer, (0, overhang, card_w, overhang + card_h), round(width * 0.035), (255, 255, 255, 245)
    )
    pad = round(width * 0.045)
    tag = _price_tag(spec, round(card_h * 0.36), spec.primary)
    text_room = card_h - 2 * pad - (tag.height + round(card_h * 0.08) if tag else 0)
    if spec.title and text_room > 0:
        fitted = fit_text(
            spec.title,
            box_width=card_w - 2 * pad - (round(burst_d * 0.7) if burst else 0),
            box_height=text_room,
            max_size=round(width * 0.05),
            min_size=max(8, round(width * 0.03)),
            max_lines=2,
            weight=700,
            family=spec.font_family,
            locale=spec.locale,
        )
        draw_text_block(ImageDraw.Draw(layer), fitted, left=pad, top=overhang + pad, fill=INK)
    if tag:
        layer.alpha_composite(
            fit_within(tag, card_w - 2 * pad, tag.height),
            (pad, overhang + card_h - pad - tag.height),
        )
    if burst:
        layer.alpha_composite(burst, (card_w - burst.width + round(burst_d * 0.12), 0))
    return Overlay.from_rgba(layer, margin, card_top - overhang)


def _end_card_product(product: Image.Image, radius: int) -> Image.Image:
    """The product on a white disc (cut-outs) or in a rounded frame (lifestyle photos)."""
    side = 2 * radius
    if _is_cut_out(product):
        disc = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        fill_rounded_rect(disc, (0, 0, side, side), radius, (255, 255, 255, 255))
        fitted = fit_within(product, round(side * 0.66), round(side * 0.66))
        paste_centred(disc, fitted, (radius, radius))
        return disc
    photo = ImageOps.fit(product.convert("RGB"), (side, side), Image.Resampling.LANCZOS).convert(
        "RGBA"
    )
    mask = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    fill_rounded_rect(mask, (0, 0, side, side), round(side * 0.12), (255, 255, 255, 255))
    photo.putalpha(mask.getchannel("A"))
    return photo


def build_end_card(product: Image.Image, spec: VideoSpec) -> Overlay:
    """Full-frame closing card: title, product, price, offer, a line of text and the CTA."""
    width, height = spec.size
    scrim = mix(spec.primary, (0, 0, 0), 0.3)
    layer = Image.new("RGBA", (width, height), with_alpha(scrim, 232))
    ink = readable_on(scrim)
    draw = ImageDraw.Draw(layer)
    margin = round(width * 0.08)
    if spec.title:
        title = fit_text(
            spec.title,
            box_width=width - 2 * margin,
            box_height=round(height * 0.11),
            max_size=round(width * 0.068),
            min_size=max(8, round(width * 0.04)),
            max_lines=2,
            weight=800,
            family=spec.font_family,
            locale=spec.locale,
            balance=True,
        )
        title_top = round(height * 0.2) - title.height // 2
        draw_text_block(
            draw,
            title,
            left=margin,
            top=title_top,
            fill=ink,
            align="center",
            box_width=width - 2 * margin,
        )
    radius = round(min(width * 0.3, height * 0.15))
    centre = (width // 2, round(height * 0.44))
    layer.alpha_composite(
        radial_glow((width, height), centre, round(radius * 1.5), with_alpha(spec.accent, 110))
    )
    paste_centred(layer, _end_card_product(product, radius), centre)
    burst = _offer_burst(spec, round(width * 0.26))
    if burst:
        layer.alpha_composite(
            burst,
            (
                min(width - burst.width, centre[0] + round(radius * 0.45)),
                centre[1] - radius - burst.height // 4,
            ),
        )
    next_top = centre[1] + radius + round(height * 0.035)
    tag = _price_tag(spec, round(width * 0.12), WHITE)
    if tag:
        tag = (
            fit_within(tag, width - 2 * margin, tag.height)
            if tag.width > width - 2 * margin
            else tag
        )
        layer.alpha_composite(tag, ((width - tag.width) // 2, next_top))
        next_top += tag.height + round(height * 0.025)
    if spec.end_card_text:
        line = fit_text(
            spec.end_card_text,
            box_width=width - 2 * margin,
            box_height=round(height * 0.06),
            max_size=round(width * 0.045),
            min_size=max(8, round(width * 0.03)),
            max_lines=2,
            weight=600,
            family=spec.font_family,
            locale=spec.locale,
        )
        draw_text_block(
            draw,
            line,
            left=margin,
            top=next_top,
            fill=ink,
            align="center",
            box_width=width - 2 * margin,
        )
    cta_h = round(width * 0.13)
    cta_top = min(
        round(height * 0.86) - cta_h,
        max(next_top, round(height * 0.8) - cta_h) + round(height * 0.05),
    )
    draw_cta_band(
        layer,
        spec.cta,
        box=(margin, cta_top, width - margin, cta_top + cta_h),
        fill=spec.accent,
        text_colour=readable_on(spec.accent, INK),
        family=spec.font_family,
        locale=spec.locale,
    )
    return Overlay.from_rgba(layer, 0, 0)


def _ramp(t: float, start: float, length: float) -> float:
    """0 before `start`, rising linearly to 1 over `length` seconds."""
    if length <= 0:
        return 1.0 if t >= start else 0.0
    return min(max((t - start) / length, 0.0), 1.0)


class VideoFrames:
    """The pre-rendered layers of one video and its frame function `make_frame(t)`."""

    def __init__(self, spec: VideoSpec, timeline: Timeline) -> None:
        self.spec = spec
        self.timeline = timeline
        products = [_cut_out(photo, i) for i, photo in enumerate(spec.product_images)]
        self.backgrounds = [build_background(p, spec, index=i) for i, p in enumerate(products)]
        self.captions = [build_caption(text, spec) for text, _, _ in spec.sentences]
        self.product_card = build_product_card(spec)
        self.end_card = build_end_card(products[0], spec)
        self.opening_label_plan = plan_opening_label(spec)
        self.opening_label = _label_overlay(self.opening_label_plan, spec.size)
        self.corner_label_plan = plan_ai_label(
            spec.size,
            spec.ai_label_text,
            corner="top-right",
            family=spec.font_family,
            locale=spec.locale,
        )
        self.corner_label = _label_overlay(self.corner_label_plan, spec.size)

    def caption_index(self, t: float) -> int | None:
        """The sentence on screen at `t`: from its start until the next one starts, or
        until shortly after its end when a pause follows."""
        current = None
        for i, (_, start, end) in enumerate(self.spec.sentences):
            if start > t:
                break
            next_start = (
                self.spec.sentences[i + 1][1] if i + 1 < len(self.spec.sentences) else math.inf
            )
            if t < min(next_start, end + 0.4):
                current = i
        return current

    def background_at(self, t: float) -> Image.Image:
        size = self.spec.size
        visible = [
            (i, (t - start) / (end - start))
            for i, (start, end) in enumerate(self.timeline.image_spans)
            if start <= t < end or (i == len(self.backgrounds) - 1 and t >= end)
        ] or [(0, 0.0)]
        first, progress = visible[0]
        frame = self.backgrounds[first].view(size, progress)
        if len(visible) > 1:
            second, second_progress = visible[1]
            overlap_start = self.timeline.image_spans[second][0]
            overlap_end = self.timeline.image_spans[first][1]
            weight = _ramp(t, overlap_start, overlap_end - overlap_start)
            frame = Image.blend(frame, self.backgrounds[second].view(size, second_progress), weight)
        return frame

    def render(self, t: float) -> Image.Image:
        """The frame at `t` seconds as an RGB image."""
        timeline = self.timeline
        frame = self.background_at(t)
        end_card = _ramp(t, timeline.end_card_start_s, _FADE_S)
        index = self.caption_index(t)
        caption = self.captions[index] if index is not None else None
        if caption is not None and end_card < 1:
            start = self.spec.sentences[index or 0][1]
            caption.paste(frame, _ramp(t, start, _CAPTION_FADE_S) * (1 - end_card))
        if self.product_card is not None and end_card < 1:
            slide = _ramp(t, timeline.product_card_start_s, _CARD_SLIDE_S)
            # Ease out: fast start, soft landing.
            eased = 1 - (1 - slide) ** 3
            offset = round((1 - eased) * self.spec.height * 0.04)
            self.product_card.paste(frame, eased * (1 - end_card), dy=offset)
        if end_card > 0:
            self.end_card.paste(frame, end_card)
        if t < timeline.opening_label_end_s:
            fade = 1 - _ramp(t, timeline.opening_label_end_s - _FADE_S, _FADE_S)
            self.opening_label.paste(frame, fade)
        self.corner_label.paste(frame)
        return frame

    def make_frame(self, t: float) -> Frame:
        """The frame at `t` as the HxWx3 uint8 array moviepy and ffmpeg expect."""
        return np.asarray(self.render(t), dtype=np.uint8)
