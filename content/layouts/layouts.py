"""The compose layouts: each turns a product and a brand kit into one finished marketing image."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from content.layouts.canvas import (
    Box,
    contact_shadow,
    fit_within,
    linear_gradient,
    paste_centred,
    radial_glow,
)
from content.layouts.colors import RGB, WHITE, mix, readable_on, with_alpha
from content.layouts.components import (
    ICON_KINDS,
    build_offer_burst,
    build_price_tag,
    circle_backdrop,
    draw_brand_mark,
    draw_cta_band,
    draw_feature_icon,
)
from content.layouts.cutout import cut_out_product_cached
from content.layouts.inputs import BrandKit, LayoutInput
from content.layouts.labels import stamp_ai_label
from content.layouts.text import FittedText, draw_text_block, fit_text
from content.layouts.typographic import render_typographic

MARKETPLACE_SIZE = (1200, 1200)
HERO_SIZE = (1920, 1080)
FEATURE_CARD_SIZE = (1080, 1080)
STORY_SIZE = (1080, 1920)
# Share of the frame the product's longer side takes on the marketplace main image.
MARKETPLACE_PRODUCT_SHARE = 0.85


def _product(inp: LayoutInput) -> Image.Image:
    if inp.product_photo is None:
        raise ValueError("this layout needs a product photo; render_layout designs without one")
    return cut_out_product_cached(inp.product_photo)


def _finish(canvas: Image.Image) -> Image.Image:
    return canvas.convert("RGB")


def _paste_sticker(canvas: Image.Image, sticker: Image.Image, left: int, top: int) -> Box:
    # Keep stickers fully on the canvas.
    left = min(max(left, 0), canvas.width - sticker.width)
    top = min(max(top, 0), canvas.height - sticker.height)
    canvas.alpha_composite(sticker, (left, top))
    return (left, top, left + sticker.width, top + sticker.height)


def _fit(
    text: str,
    kit: BrandKit,
    inp: LayoutInput,
    *,
    width: int,
    height: int,
    max_size: int,
    min_size: int,
    max_lines: int,
    weight: int,
    balance: bool = True,
) -> FittedText:
    return fit_text(
        text,
        box_width=width,
        box_height=height,
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
        weight=weight,
        family=kit.font_family,
        locale=inp.locale,
        balance=balance,
    )


def render_marketplace_main(inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1200x1200 pure-white main image: the product centred at ~85% of the frame, no other text."""
    canvas = Image.new("RGBA", MARKETPLACE_SIZE, (255, 255, 255, 255))
    side = round(MARKETPLACE_SIZE[0] * MARKETPLACE_PRODUCT_SHARE)
    product = fit_within(_product(inp), side, side)
    paste_centred(canvas, product, (MARKETPLACE_SIZE[0] // 2, MARKETPLACE_SIZE[1] // 2))
    stamp_ai_label(
        canvas, inp.ai_label_text, corner="bottom-right", family=kit.font_family, locale=inp.locale
    )
    return _finish(canvas)


def render_hero_banner(inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1920x1080 banner: brand gradient, copy and price on the left, product on the right."""
    canvas = linear_gradient(HERO_SIZE, kit.primary, kit.secondary, angle=25).convert("RGBA")
    ink = readable_on(mix(kit.primary, kit.secondary, 0.35), kit.text)

    product_centre = (1410, 560)
    canvas.alpha_composite(
        radial_glow(HERO_SIZE, product_centre, 500, with_alpha(mix(kit.secondary, WHITE, 0.5), 120))
    )
    circle_backdrop(canvas, product_centre, 400, WHITE, 34)
    product = fit_within(_product(inp), 760, 760)
    product_box = (
        product_centre[0] - product.width // 2,
        product_centre[1] - product.height // 2,
        product_centre[0] + product.width // 2,
        product_centre[1] + product.height // 2,
    )
    contact_shadow(canvas, product_box, strength=110)
    product_box = paste_centred(canvas, product, product_centre)

    draw_hero_copy(canvas, inp, kit, ink=ink, product_box=product_box)
    return _finish(canvas)


def draw_hero_copy(
    canvas: Image.Image, inp: LayoutInput, kit: BrandKit, *, ink: RGB, product_box: Box
) -> dict[str, Box]:
    """The hero banner's left column (brand, headline, subheadline, price) and its stickers,
    drawn over whatever background: the composed gradient or a generated scene.

    Returns the box of each text block and sticker it placed, so callers and tests can check
    that none overlaps another.
    """
    height = canvas.height
    left, column = 130, 860
    draw_brand_mark(
        canvas,
        logo=kit.logo,
        brand_name=inp.brand_name,
        box=(left, 96, left + 520, 146),
        colour=ink,
        family=kit.font_family,
        locale=inp.locale,
    )
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=column,
        height=380,
        max_size=108,
        min_size=56,
        max_lines=3,
        weight=800,
    )
    sub = _fit(
        inp.subheadline,
        kit,
        inp,
        width=column - 60,
        height=200,
        max_size=46,
        min_size=28,
        max_lines=3,
        weight=400,
    )
    tag = (
        build_price_tag(
            price=inp.price_text,
            compare_at=inp.compare_at_text,
            height=112,
            fill=WHITE,
            text_colour=kit.primary,
            family=kit.font_family,
            locale=inp.locale,
        )
        if inp.price_text
        else None
    )
    gap_sub, gap_tag = (40 if sub.lines else 0), (64 if tag else 0)
    stack = headline.height + gap_sub + sub.height + gap_tag + (tag.height if tag else 0)
    top = max(200, (height - stack) // 2 + 20)
    draw = ImageDraw.Draw(canvas)
    boxes: dict[str, Box] = {}
    draw_text_block(draw, headline, left=left, top=top, fill=ink)
    boxes["headline"] = (left, top, left + headline.width, top + headline.height)
    top += headline.height + gap_sub
    if sub.lines:
        draw_text_block(draw, sub, left=left, top=top, fill=with_alpha(ink, 225))
        boxes["subheadline"] = (left, top, left + sub.width, top + sub.height)
        top += sub.height
    if tag:
        boxes["price"] = _paste_sticker(canvas, tag, left, top + gap_tag)
    if inp.offer_badge_text:
        burst = build_offer_burst(
            inp.offer_badge_text,
            diameter=250,
            fill=kit.accent,
            text_colour=readable_on(kit.accent, kit.text),
            family=kit.font_family,
            locale=inp.locale,
        )
        # On the product's top-left edge, but never over the copy: a wide headline pushes
        # the burst right, onto the product.
        text_right = max(box[2] for box in boxes.values())
        burst_left = max(product_box[0] - 190, text_right + 40)
        boxes["offer"] = _paste_sticker(canvas, burst, burst_left, product_box[1] + 10)
    stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    return boxes


def render_feature_card(inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1080x1080 card: headline, product on the left, up to three call-outs on the right."""
    width, height = FEATURE_CARD_SIZE
    canvas = Image.new("RGBA", FEATURE_CARD_SIZE, with_alpha(kit.background, 255))
    ink = readable_on(kit.background, kit.text)
    margin = 72

    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    header_mid = (label.pill[1] + label.pill[3]) // 2
    draw_brand_mark(
        canvas,
        logo=kit.logo,
        brand_name=inp.brand_name,
        box=(margin, header_mid - 20, label.pill[0] - 40, header_mid + 20),
        colour=kit.primary if readable_on(kit.background, kit.primary) == kit.primary else ink,
        family=kit.font_family,
        locale=inp.locale,
    )
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=width - 2 * margin,
        height=190,
        max_size=78,
        min_size=44,
        max_lines=2,
        weight=800,
    )
    headline_top = label.pill[3] + 44
    draw_text_block(ImageDraw.Draw(canvas), headline, left=margin, top=headline_top, fill=ink)

    body_top = headline_top + headline.height + 40
    body_bottom = height - margin
    product_centre = (300, (body_top + body_bottom) // 2 + 10)
    radius = min(255, (body_bottom - body_top) // 2)
    circle_backdrop(canvas, product_centre, radius, mix(kit.background, kit.accent, 0.25), 255)
    product = fit_within(_product(inp), 2 * radius - 40, 2 * radius - 20)
    paste_centred(canvas, product, product_centre)

    column_left, column_right = 590, width - margin
    icon_radius = 34
    text_left = column_left + 2 * icon_radius + 24
    features = inp.features or ((inp.subheadline,) if inp.subheadline else ())
    tag = (
        build_price_tag(
            price=inp.price_text,
            compare_at=inp.compare_at_text,
            height=86,
            fill=kit.accent,
            text_colour=readable_on(kit.accent, kit.text),
            family=kit.font_family,
            locale=inp.locale,
        )
        if inp.price_text
        else None
    )
    rows_bottom = body_bottom - ((tag.height + 36) if tag else 0)
    row_height = (rows_bottom - body_top) // max(len(features), 1)
    draw = ImageDraw.Draw(canvas)
    for index, feature in enumerate(features):
        row_top = body_top + index * row_height
        fitted = _fit(
            feature,
            kit,
            inp,
            width=column_right - text_left,
            height=row_height - 36,
            max_size=40,
            min_size=24,
            max_lines=3,
            weight=600,
        )
        block_top = row_top + (row_height - fitted.height) // 2
        icon_centre = (
            column_left + icon_radius,
            block_top + min(fitted.height, 2 * icon_radius) // 2,
        )
        draw_feature_icon(
            canvas,
            ICON_KINDS[index % len(ICON_KINDS)],
            icon_centre,
            icon_radius,
            kit.primary,
            readable_on(kit.primary, WHITE),
        )
        draw_text_block(draw, fitted, left=text_left, top=block_top, fill=ink)
    if tag:
        _paste_sticker(canvas, tag, column_left, body_bottom - tag.height)
    if inp.offer_badge_text:
        burst = build_offer_burst(
            inp.offer_badge_text,
            diameter=190,
            fill=kit.accent,
            text_colour=readable_on(kit.accent, kit.text),
            family=kit.font_family,
            locale=inp.locale,
        )
        _paste_sticker(
            canvas, burst, product_centre[0] - radius - 20, product_centre[1] - radius - 20
        )
    return _finish(canvas)


def render_story_frame(inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1080x1920 vertical frame: headline, large product, price and offer, CTA button."""
    width, height = STORY_SIZE
    bottom_tint = mix(kit.background, kit.secondary, 0.4)
    canvas = linear_gradient(STORY_SIZE, kit.background, bottom_tint, angle=90).convert("RGBA")
    ink = readable_on(kit.background, kit.text)
    margin = 80

    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    header_mid = (label.pill[1] + label.pill[3]) // 2
    draw_brand_mark(
        canvas,
        logo=kit.logo,
        brand_name=inp.brand_name,
        box=(margin, header_mid - 24, label.pill[0] - 40, header_mid + 24),
        colour=kit.primary if readable_on(kit.background, kit.primary) == kit.primary else ink,
        family=kit.font_family,
        locale=inp.locale,
    )
    draw = ImageDraw.Draw(canvas)
    top = label.pill[3] + 70
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=width - 2 * margin,
        height=400,
        max_size=116,
        min_size=60,
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
            width=width - 2 * margin,
            height=150,
            max_size=50,
            min_size=30,
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
    product_centre = (width // 2, (product_top + product_bottom) // 2)
    room = product_bottom - product_top
    radius = min(420, room // 2)
    canvas.alpha_composite(
        radial_glow(STORY_SIZE, product_centre, radius + 140, with_alpha(WHITE, 150))
    )
    circle_backdrop(canvas, product_centre, radius, mix(kit.background, kit.accent, 0.3), 255)
    product = fit_within(_product(inp), round(radius * 1.6), round(room * 0.86))
    product_box = (
        product_centre[0] - product.width // 2,
        product_centre[1] - product.height // 2,
        product_centre[0] + product.width // 2,
        product_centre[1] + product.height // 2,
    )
    contact_shadow(canvas, product_box, strength=90)
    product_box = paste_centred(canvas, product, product_centre)
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
        _paste_sticker(
            canvas, burst, product_centre[0] + radius - 250, product_centre[1] - radius - 10
        )
    draw_cta_band(
        canvas,
        inp.cta,
        box=cta_box,
        fill=kit.primary,
        text_colour=readable_on(kit.primary, WHITE),
        family=kit.font_family,
        locale=inp.locale,
    )
    return _finish(canvas)


@dataclass(frozen=True)
class LayoutSpec:
    """A layout's renderer, its canvas size and where its AI label sits."""

    name: str
    render: Callable[[LayoutInput, BrandKit], Image.Image]
    size: tuple[int, int]
    label_corner: str


LAYOUTS: dict[str, LayoutSpec] = {
    spec.name: spec
    for spec in (
        LayoutSpec("marketplace_main", render_marketplace_main, MARKETPLACE_SIZE, "bottom-right"),
        LayoutSpec("hero_banner", render_hero_banner, HERO_SIZE, "top-right"),
        LayoutSpec("feature_card", render_feature_card, FEATURE_CARD_SIZE, "top-right"),
        LayoutSpec("story_frame", render_story_frame, STORY_SIZE, "top-right"),
    )
}


def render_layout(name: str, inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """Render the named layout; raises KeyError naming the known layouts.

    Without a product photo the layout is designed from type instead (same size and label
    corner), so a catalog without photos still gets every image.
    """
    try:
        spec = LAYOUTS[name]
    except KeyError:
        raise KeyError(f"unknown layout {name!r}; known: {sorted(LAYOUTS)}") from None
    if inp.product_photo is None:
        return render_typographic(name, inp, kit)[0]
    return spec.render(inp, kit)
