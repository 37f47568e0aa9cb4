"""The layout engine as a provider: every layout composed with Pillow, on a flat design or on
a backdrop an AI backend painted.

``ComposeImages`` draws every layout (deterministic, no model, no network). The AI backends
(``diffusers``, ``openai``) only paint an empty set: they subclass ``BackdropImages``, which
asks them for a backdrop for the hero banner and the story frame and composes the real,
cut-out product photo, the copy, the price and the AI label on it here. The marketplace
main image (pure white by marketplace rules) and the feature card stay composed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

from content.layouts import BrandKit, LayoutInput, render_layout
from content.layouts.canvas import Box, contact_shadow, fit_within, paste_centred
from content.layouts.colors import RGB, WHITE, readable_on, with_alpha
from content.layouts.components import (
    build_offer_burst,
    build_price_tag,
    draw_brand_mark,
    draw_cta_band,
)
from content.layouts.cutout import cut_out_product_cached
from content.layouts.labels import stamp_ai_label
from content.layouts.layouts import HERO_SIZE, STORY_SIZE, draw_hero_copy
from content.layouts.text import FittedText, draw_text_block, fit_text
from content.providers.base import Cost, Provenance
from content.providers.image.result import RenderedImage


class ComposeImages:
    """The Pillow layout engine: deterministic, no model, no network."""

    name = "compose"

    def render(
        self, layout: str, inp: LayoutInput, kit: BrandKit, *, subject: str = "", seed_key: str = ""
    ) -> RenderedImage:
        started = time.perf_counter()
        image = render_layout(layout, inp, kit)
        elapsed = time.perf_counter() - started
        return RenderedImage(
            image,
            Provenance(
                provider=self.name,
                model=f"layout:{layout}",
                params={"size": list(image.size)},
                cost=Cost(compute_seconds=elapsed),
                latency_s=elapsed,
            ),
        )


# Only these layouts carry a generated scene; the others are rendered by the compose engine.
SCENE_LAYOUTS = ("hero_banner", "story_frame")


def colour_name(colour: RGB) -> str:
    """A plain word for a brand colour, since prompts understand "navy" better than hex."""
    r, g, b = (c / 255 for c in colour)
    high, low = max(r, g, b), min(r, g, b)
    lightness = (high + low) / 2
    chroma = high - low
    if chroma < 0.12:
        if lightness > 0.85:
            return "white"
        if lightness < 0.18:
            return "black"
        return "light grey" if lightness > 0.55 else "grey"
    if high == r:
        hue = (60 * (g - b) / chroma) % 360
    elif high == g:
        hue = 60 * (b - r) / chroma + 120
    else:
        hue = 60 * (r - g) / chroma + 240
    names = (
        (15, "red"), (40, "orange"), (65, "yellow"), (160, "green"), (195, "teal"),
        (255, "blue"), (290, "purple"), (335, "pink"), (360, "red"),
    )  # fmt: skip
    name = next(n for limit, n in names if hue < limit)
    if name == "orange" and lightness > 0.7:
        return "beige"
    if lightness < 0.3:
        return f"dark {name}" if name != "blue" else "navy"
    return f"pale {name}" if lightness > 0.78 else name


def scene_prompt(*, subject: str, kit: BrandKit, layout: str) -> str:
    """What to paint: an empty, softly lit set that suits the product and the brand colours.

    The product is composited afterwards, so the prompt asks for a surface and space, never
    for the product (a generated product would show things the catalog does not sell).
    """
    framing = (
        "wide shot, empty space on the left"
        if layout == "hero_banner"
        else "vertical composition, empty pedestal in the centre"
    )
    palette = f"{colour_name(kit.primary)} and {colour_name(kit.secondary)} tones"
    what = subject.strip() or "a consumer product"
    return (
        f"empty product photography set for {what}, clean surface in the foreground, "
        f"{framing}, soft studio lighting, shallow depth of field, {palette}, "
        "minimal, high quality, no text"
    )


# --- backdrops: what an AI backend paints, and how the engine composes on it ---------------


@dataclass(frozen=True)
class Backdrop:
    """An empty set a backend painted for one layout, and how it was made.

    ``params`` and ``cost`` are the backend's own (the scene's size, seed, tokens, price);
    the compute seconds of the whole render are added when the layout is composed.
    """

    image: Image.Image
    prompt: str
    params: dict[str, Any] = field(default_factory=dict)
    cost: Cost = field(default_factory=Cost)


class BackdropImages:
    """An image backend whose model only paints backdrops for the scene layouts.

    Subclasses set ``name`` and ``model_name`` and implement ``paint_backdrop``; the layout
    engine does the rest, so no backend ever draws a product, a price or a label itself.
    """

    name = "backdrop"
    compose = ComposeImages()

    @property
    def model_name(self) -> str:
        raise NotImplementedError

    def paint_backdrop(
        self, layout: str, *, canvas: tuple[int, int], prompt: str, seed_key: str
    ) -> Backdrop:
        raise NotImplementedError

    def render(
        self, layout: str, inp: LayoutInput, kit: BrandKit, *, subject: str, seed_key: str = ""
    ) -> RenderedImage:
        """The finished ``layout`` image. ``subject`` (the product's category or title) goes
        into the prompt; ``seed_key`` (product and layout) lets seeded backends repeat a scene."""
        if layout not in SCENE_LAYOUTS or inp.product_photo is None:
            # Without a photo a painted set would stay empty: the typographic design is better.
            return self.compose.render(layout, inp, kit)
        started = time.perf_counter()
        canvas_size = SCENE_RENDERERS[layout][0]
        prompt = scene_prompt(subject=subject, kit=kit, layout=layout)
        backdrop = self.paint_backdrop(layout, canvas=canvas_size, prompt=prompt, seed_key=seed_key)
        image = render_scene_layout(layout, backdrop.image, inp, kit)
        elapsed = time.perf_counter() - started
        params: dict[str, Any] = {"layout": layout, "size": list(image.size), **backdrop.params}
        return RenderedImage(
            image,
            Provenance(
                provider=self.name,
                model=self.model_name,
                prompt=backdrop.prompt,
                params=params,
                cost=backdrop.cost + Cost(compute_seconds=elapsed),
                latency_s=elapsed,
            ),
        )


# --- composition: the scene behind the product and the copy --------------------------------


def cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale ``image`` to fill ``size`` and crop the overflow evenly (CSS ``cover``).

    Upscaled scenes are blurred in proportion, which reads as depth of field and hides the
    upscaling instead of showing soft pixels next to the sharp product.
    """
    scale = max(size[0] / image.width, size[1] / image.height)
    scaled = image.resize(
        (max(size[0], round(image.width * scale)), max(size[1], round(image.height * scale))),
        Image.Resampling.LANCZOS,
    )
    left, top = (scaled.width - size[0]) // 2, (scaled.height - size[1]) // 2
    cropped = scaled.crop((left, top, left + size[0], top + size[1]))
    if scale > 1.5:
        cropped = cropped.filter(ImageFilter.GaussianBlur(min(6.0, scale - 1)))
    return cropped


def scrim(
    size: tuple[int, int],
    colour: RGB,
    *,
    start_alpha: int,
    hold: float,
    fade_to: float,
    vertical: bool,
) -> Image.Image:
    """A layer of ``colour`` at ``start_alpha`` from the left (or top) edge to ``hold`` of the
    width (or height), fading out by ``fade_to``: keeps the copy readable on any scene."""
    length = size[1] if vertical else size[0]
    solid, end = round(length * hold), max(1, round(length * fade_to))
    fade = max(1, end - solid)
    values = [start_alpha] * solid
    values += [round(start_alpha * (1 - i / fade) ** 1.5) for i in range(fade)]
    strip = Image.new("L", (length, 1), 0)
    strip.putdata(values + [0] * (length - len(values)))
    mask = (
        strip.transpose(Image.Transpose.ROTATE_270).resize(size) if vertical else strip.resize(size)
    )
    layer = Image.new("RGBA", size, (*colour, 255))
    layer.putalpha(mask)
    return layer


def _fit(
    text: str,
    kit: BrandKit,
    inp: LayoutInput,
    *,
    box: tuple[int, int],
    sizes: tuple[int, int],
    max_lines: int,
    weight: int,
) -> FittedText:
    return fit_text(
        text,
        box_width=box[0],
        box_height=box[1],
        max_size=sizes[0],
        min_size=sizes[1],
        max_lines=max_lines,
        weight=weight,
        family=kit.font_family,
        locale=inp.locale,
        balance=True,
    )


def _paste_sticker(canvas: Image.Image, sticker: Image.Image, left: int, top: int) -> Box:
    left = min(max(left, 0), canvas.width - sticker.width)
    top = min(max(top, 0), canvas.height - sticker.height)
    canvas.alpha_composite(sticker, (left, top))
    return (left, top, left + sticker.width, top + sticker.height)


def _place_product(
    canvas: Image.Image, inp: LayoutInput, centre: tuple[int, int], box: tuple[int, int]
) -> Box:
    if inp.product_photo is None:  # render() sends photo-less products to the compose engine
        raise ValueError("a scene layout needs the product photo")
    product = fit_within(cut_out_product_cached(inp.product_photo), *box)
    half_w, half_h = product.width // 2, product.height // 2
    # A darker contact shadow than on flat colour: a photographic scene has its own shading.
    contact_shadow(
        canvas,
        (centre[0] - half_w, centre[1] - half_h, centre[0] + half_w, centre[1] + half_h),
        strength=140,
    )
    return paste_centred(canvas, product, centre)


def render_scene_hero(scene: Image.Image, inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1920x1080: the scene, a brand-coloured scrim under the copy on the left, the product
    standing on the right."""
    canvas = cover(scene, HERO_SIZE).convert("RGBA")
    canvas.alpha_composite(
        scrim(HERO_SIZE, kit.primary, start_alpha=225, hold=0.4, fade_to=0.66, vertical=False)
    )
    ink = readable_on(kit.primary, kit.text)
    product_box = _place_product(canvas, inp, (1410, 580), (760, 800))

    draw_hero_copy(canvas, inp, kit, ink=ink, product_box=product_box)
    return canvas.convert("RGB")


def render_scene_story(scene: Image.Image, inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1080x1920: the scene, a scrim of the brand background under the headline, the product
    in the middle, then price, offer and the call-to-action band."""
    width, height = STORY_SIZE
    margin = 80
    canvas = cover(scene, STORY_SIZE).convert("RGBA")
    canvas.alpha_composite(
        scrim(STORY_SIZE, kit.background, start_alpha=230, hold=0.3, fade_to=0.46, vertical=True)
    )
    ink = readable_on(kit.background, kit.text)
    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    header_mid = (label.pill[1] + label.pill[3]) // 2
    draw_brand_mark(
        canvas,
        logo=kit.logo,
        brand_name=inp.brand_name,
        box=(margin, header_mid - 24, label.pill[0] - 40, header_mid + 24),
        colour=ink,
        family=kit.font_family,
        locale=inp.locale,
    )
    draw = ImageDraw.Draw(canvas)
    top = label.pill[3] + 70
    headline = _fit(
        inp.headline,
        kit,
        inp,
        box=(width - 2 * margin, 400),
        sizes=(116, 60),
        max_lines=3,
        weight=800,
    )
    draw_text_block(draw, headline, left=margin, top=top, fill=ink)
    top += headline.height
    if inp.subheadline:
        sub = _fit(
            inp.subheadline,
            kit,
            inp,
            box=(width - 2 * margin, 150),
            sizes=(50, 30),
            max_lines=2,
            weight=400,
        )
        top += 36
        draw_text_block(draw, sub, left=margin, top=top, fill=with_alpha(ink, 210))
        top += sub.height

    cta_box = (margin, height - 230, width - margin, height - 100)
    tag = (
        build_price_tag(
            price=inp.price_text,
            compare_at=inp.compare_at_text,
            height=128,
            fill=kit.accent,
            text_colour=readable_on(kit.accent, kit.text),
            family=kit.font_family,
            locale=inp.locale,
        )
        if inp.price_text
        else None
    )
    tag_top = cta_box[1] - 60 - (tag.height if tag else 0)
    product_top, product_bottom = top + 50, tag_top - 40
    room = product_bottom - product_top
    centre = (width // 2, (product_top + product_bottom) // 2)
    product_box = _place_product(canvas, inp, centre, (round(width * 0.72), round(room * 0.9)))
    if tag:
        _paste_sticker(canvas, tag, (width - tag.width) // 2, tag_top)
    if inp.offer_badge_text:
        burst = build_offer_burst(
            inp.offer_badge_text,
            diameter=260,
            fill=kit.primary,
            text_colour=readable_on(kit.primary, WHITE),
            family=kit.font_family,
            locale=inp.locale,
        )
        _paste_sticker(canvas, burst, product_box[2] - 150, product_box[1] - 60)
    draw_cta_band(
        canvas,
        inp.cta,
        box=cta_box,
        fill=kit.primary,
        text_colour=readable_on(kit.primary, WHITE),
        family=kit.font_family,
        locale=inp.locale,
    )
    return canvas.convert("RGB")


SCENE_RENDERERS: dict[
    str, tuple[tuple[int, int], Callable[[Image.Image, LayoutInput, BrandKit], Image.Image]]
] = {
    "hero_banner": (HERO_SIZE, render_scene_hero),
    "story_frame": (STORY_SIZE, render_scene_story),
}


def render_scene_layout(
    layout: str, scene: Image.Image, inp: LayoutInput, kit: BrandKit
) -> Image.Image:
    """Compose ``layout`` over ``scene`` (any size: it is scaled to cover the canvas)."""
    try:
        _, renderer = SCENE_RENDERERS[layout]
    except KeyError:
        raise KeyError(f"no scene layout {layout!r}; scene layouts: {SCENE_LAYOUTS}") from None
    return renderer(scene, inp, kit)
