"""The layouts for a product without a usable photo: designed from type, the brand kit and claims.

Same canvases and AI label corners as the photo layouts, so the rest of the pipeline (video,
review, marketplace exports) sees no difference. Each renderer records the box of every
element it places, so tests can check geometrically that nothing collides or leaves the canvas.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from content.layouts.canvas import Box, fill_rounded_rect, linear_gradient, radial_glow
from content.layouts.colors import RGB, WHITE, mix, readable_on, with_alpha
from content.layouts.components import (
    ICON_KINDS,
    build_offer_burst,
    build_price_tag,
    draw_brand_mark,
    draw_cta_band,
    draw_feature_icon,
)
from content.layouts.inputs import BrandKit, LayoutInput
from content.layouts.labels import stamp_ai_label
from content.layouts.text import FittedText, draw_text_block, fit_text

# (what, box) for every element a renderer placed: "label", "brand", "headline", "claim", ...
Placed = list[tuple[str, Box]]


def _fit(
    text: str,
    kit: BrandKit,
    inp: LayoutInput,
    *,
    width: int,
    height: int,
    sizes: tuple[int, int],
    max_lines: int,
    weight: int,
) -> FittedText:
    return fit_text(
        text,
        box_width=width,
        box_height=height,
        max_size=sizes[0],
        min_size=sizes[1],
        max_lines=max_lines,
        weight=weight,
        family=kit.font_family,
        locale=inp.locale,
        balance=True,
    )


def _paste(canvas: Image.Image, sticker: Image.Image, left: int, top: int) -> Box:
    left = min(max(left, 0), canvas.width - sticker.width)
    top = min(max(top, 0), canvas.height - sticker.height)
    canvas.alpha_composite(sticker, (left, top))
    return (left, top, left + sticker.width, top + sticker.height)


def _claims(inp: LayoutInput) -> tuple[str, ...]:
    return inp.features or ((inp.subheadline,) if inp.subheadline else ())


def _price_tag(inp: LayoutInput, kit: BrandKit, *, height: int, fill: RGB) -> Image.Image | None:
    if not inp.price_text:
        return None
    return build_price_tag(
        price=inp.price_text,
        compare_at=inp.compare_at_text,
        height=height,
        fill=fill,
        text_colour=readable_on(fill, kit.text),
        family=kit.font_family,
        locale=inp.locale,
    )


def _burst(inp: LayoutInput, kit: BrandKit, *, diameter: int, fill: RGB) -> Image.Image | None:
    if not inp.offer_badge_text:
        return None
    return build_offer_burst(
        inp.offer_badge_text,
        diameter=diameter,
        fill=fill,
        text_colour=readable_on(fill, WHITE),
        family=kit.font_family,
        locale=inp.locale,
    )


def _brand(
    canvas: Image.Image, inp: LayoutInput, kit: BrandKit, box: Box, colour: RGB, placed: Placed
) -> None:
    mark = draw_brand_mark(
        canvas,
        logo=kit.logo,
        brand_name=inp.brand_name,
        box=box,
        colour=colour,
        family=kit.font_family,
        locale=inp.locale,
    )
    if mark:
        placed.append(("brand", mark))


def _claim_rows(
    canvas: Image.Image,
    inp: LayoutInput,
    kit: BrandKit,
    *,
    box: Box,
    card: RGB | None,
    ink: RGB,
    icon_fill: RGB,
    sizes: tuple[int, int],
    placed: Placed,
) -> None:
    """The claims as rows inside ``box``, each with an icon, on a rounded card when ``card``."""
    claims = _claims(inp)
    if not claims:
        return
    x0, y0, x1, y1 = box
    gap = 24
    row_height = (y1 - y0 - gap * (len(claims) - 1)) // len(claims)
    row_height = min(row_height, round(sizes[0] * 4.2))
    icon_radius = max(18, round(sizes[0] * 0.8))
    pad = round(icon_radius * 0.7)
    text_left = x0 + pad + 2 * icon_radius + round(icon_radius * 0.7)
    total = row_height * len(claims) + gap * (len(claims) - 1)
    top = y0 + (y1 - y0 - total) // 2
    draw = ImageDraw.Draw(canvas)
    for index, claim in enumerate(claims):
        row = (x0, top, x1, top + row_height)
        if card is not None:
            fill_rounded_rect(canvas, row, min(36, row_height // 3), with_alpha(card, 235))
        fitted = _fit(
            claim,
            kit,
            inp,
            width=x1 - pad - text_left,
            height=row_height - 2 * pad // 2,
            sizes=sizes,
            max_lines=3,
            weight=650,
        )
        text_top = top + (row_height - fitted.height) // 2
        centre = (x0 + pad + icon_radius, top + row_height // 2)
        draw_feature_icon(
            canvas,
            ICON_KINDS[index % len(ICON_KINDS)],
            centre,
            icon_radius,
            icon_fill,
            readable_on(icon_fill, WHITE),
        )
        placed.append(
            ("claim", draw_text_block(draw, fitted, left=text_left, top=text_top, fill=ink))
        )
        top += row_height + gap


def type_marketplace_main(inp: LayoutInput, kit: BrandKit, placed: Placed) -> Image.Image:
    """1200x1200 white image with a designed tile where the photo would be: brand, title, price."""
    size = (1200, 1200)
    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="bottom-right", family=kit.font_family, locale=inp.locale
    )
    placed.append(("label", label.pill))
    bottom = label.pill[1] - 24
    side = min(1000, bottom - 60)
    left, top = (size[0] - side) // 2, bottom - side
    tile = linear_gradient((side, side), kit.primary, kit.secondary, angle=35).convert("RGBA")
    mask = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    fill_rounded_rect(mask, (0, 0, side, side), 64, (255, 255, 255, 255))
    canvas.paste(tile, (left, top), mask)
    ink = readable_on(mix(kit.primary, kit.secondary, 0.5), WHITE)
    pad = 84
    _brand(
        canvas, inp, kit, (left + pad, top + pad, left + side - pad, top + pad + 52), ink, placed
    )
    tag = _price_tag(inp, kit, height=104, fill=kit.accent)
    tag_top = top + side - pad - (tag.height if tag else 0)
    headline_top = top + pad + 52 + 56
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=side - 2 * pad,
        height=tag_top - 56 - headline_top,
        sizes=(128, 48),
        max_lines=5,
        weight=800,
    )
    room = tag_top - 56 - headline_top
    placed.append(
        (
            "headline",
            draw_text_block(
                ImageDraw.Draw(canvas),
                headline,
                left=left + pad,
                top=headline_top + max(0, (room - headline.height) // 2),
                fill=ink,
            ),
        )
    )
    if tag:
        placed.append(("price", _paste(canvas, tag, left + pad, tag_top)))
    burst = _burst(inp, kit, diameter=190, fill=kit.accent)
    if burst:
        # Bottom-right of the tile, level with the price, inside the tile's rounded corner.
        bleft, btop = left + side - pad // 2 - burst.width, top + side - pad // 2 - burst.height
        placed.append(("offer", _paste(canvas, burst, bleft, btop)))
    return canvas.convert("RGB")


def type_hero_banner(inp: LayoutInput, kit: BrandKit, placed: Placed) -> Image.Image:
    """1920x1080: big title, offer and price on the left; the claims on cards on the right."""
    size = (1920, 1080)
    canvas = linear_gradient(size, kit.primary, kit.secondary, angle=25).convert("RGBA")
    canvas.alpha_composite(
        radial_glow(size, (1500, 560), 620, with_alpha(mix(kit.secondary, WHITE, 0.45), 110))
    )
    ink = readable_on(mix(kit.primary, kit.secondary, 0.35), kit.text)
    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    placed.append(("label", label.pill))
    left, column = 130, 960
    _brand(canvas, inp, kit, (left, 96, left + 560, 146), ink, placed)
    burst = _burst(inp, kit, diameter=230, fill=kit.accent)
    tag = _price_tag(inp, kit, height=112, fill=WHITE)
    bottom = size[1] - 110
    tag_top = bottom - (tag.height if tag else 0)
    headline_top = 220
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=column,
        height=tag_top - 70 - headline_top,
        sizes=(132, 52),
        max_lines=5,
        weight=850,
    )
    draw = ImageDraw.Draw(canvas)
    placed.append(
        ("headline", draw_text_block(draw, headline, left=left, top=headline_top, fill=ink))
    )
    if tag:
        placed.append(("price", _paste(canvas, tag, left, tag_top)))
    claims_left = left + column + 90
    claims_top = label.pill[3] + 60
    if burst:
        bleft = size[0] - 90 - burst.width
        placed.append(("offer", _paste(canvas, burst, bleft, claims_top)))
        claims_top += burst.height + 20
    _claim_rows(
        canvas,
        inp,
        kit,
        box=(claims_left, claims_top, size[0] - 90, bottom),
        card=WHITE,
        ink=readable_on(WHITE, kit.text),
        icon_fill=kit.primary,
        sizes=(38, 24),
        placed=placed,
    )
    return canvas.convert("RGB")


def type_feature_card(inp: LayoutInput, kit: BrandKit, placed: Placed) -> Image.Image:
    """1080x1080 card: the headline, then each claim as a row with its icon, price and offer."""
    width, height = 1080, 1080
    canvas = Image.new("RGBA", (width, height), with_alpha(kit.background, 255))
    ink = readable_on(kit.background, kit.text)
    margin = 72
    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    placed.append(("label", label.pill))
    mid = (label.pill[1] + label.pill[3]) // 2
    brand_colour = kit.primary if readable_on(kit.background, kit.primary) == kit.primary else ink
    _brand(canvas, inp, kit, (margin, mid - 20, label.pill[0] - 40, mid + 20), brand_colour, placed)
    headline_top = label.pill[3] + 44
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=width - 2 * margin,
        height=250,
        sizes=(80, 40),
        max_lines=3,
        weight=850,
    )
    draw = ImageDraw.Draw(canvas)
    placed.append(
        ("headline", draw_text_block(draw, headline, left=margin, top=headline_top, fill=ink))
    )
    tag = _price_tag(inp, kit, height=90, fill=kit.accent)
    burst = _burst(inp, kit, diameter=170, fill=kit.primary)
    footer = max(tag.height if tag else 0, burst.height if burst else 0)
    footer_top = height - margin - footer
    if tag:
        placed.append(
            ("price", _paste(canvas, tag, margin, footer_top + (footer - tag.height) // 2))
        )
    if burst:
        placed.append(("offer", _paste(canvas, burst, width - margin - burst.width, footer_top)))
    _claim_rows(
        canvas,
        inp,
        kit,
        box=(margin, headline_top + headline.height + 48, width - margin, footer_top - 40),
        card=mix(kit.background, kit.accent, 0.18),
        ink=ink,
        icon_fill=kit.primary,
        sizes=(40, 24),
        placed=placed,
    )
    return canvas.convert("RGB")


def type_story_frame(inp: LayoutInput, kit: BrandKit, placed: Placed) -> Image.Image:
    """1080x1920 vertical frame: a poster of the title, the claims, price, offer and CTA."""
    width, height = 1080, 1920
    canvas = linear_gradient((width, height), kit.primary, kit.secondary, angle=90).convert("RGBA")
    ink = readable_on(mix(kit.primary, kit.secondary, 0.3), WHITE)
    margin = 80
    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    placed.append(("label", label.pill))
    mid = (label.pill[1] + label.pill[3]) // 2
    _brand(canvas, inp, kit, (margin, mid - 24, label.pill[0] - 40, mid + 24), ink, placed)
    headline_top = label.pill[3] + 110
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=width - 2 * margin,
        height=620,
        sizes=(136, 60),
        max_lines=5,
        weight=850,
    )
    draw = ImageDraw.Draw(canvas)
    placed.append(
        ("headline", draw_text_block(draw, headline, left=margin, top=headline_top, fill=ink))
    )
    cta_box = (margin, height - 230, width - margin, height - 100)
    tag = _price_tag(inp, kit, height=128, fill=WHITE)
    burst = _burst(inp, kit, diameter=230, fill=kit.accent)
    footer = max(tag.height if tag else 0, burst.height if burst else 0)
    footer_top = cta_box[1] - 60 - footer
    if tag:
        placed.append(
            ("price", _paste(canvas, tag, margin, footer_top + (footer - tag.height) // 2))
        )
    if burst:
        placed.append(("offer", _paste(canvas, burst, width - margin - burst.width, footer_top)))
    _claim_rows(
        canvas,
        inp,
        kit,
        box=(margin, headline_top + headline.height + 90, width - margin, footer_top - 60),
        card=WHITE,
        ink=readable_on(WHITE, kit.text),
        icon_fill=kit.primary,
        sizes=(44, 28),
        placed=placed,
    )
    draw_cta_band(
        canvas,
        inp.cta,
        box=cta_box,
        fill=kit.accent,
        text_colour=readable_on(kit.accent, kit.text),
        family=kit.font_family,
        locale=inp.locale,
    )
    placed.append(("cta", cta_box))
    return canvas.convert("RGB")


def render_title_tile(inp: LayoutInput, kit: BrandKit, *, side: int = 900) -> Image.Image:
    """A transparent-cornered square of the brand and the title, standing in for the product
    photo in the video (no AI label: the video carries its own, once)."""
    tile = linear_gradient((side, side), kit.primary, kit.secondary, angle=35).convert("RGBA")
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 14, fill=255)
    tile.putalpha(mask)
    ink = readable_on(mix(kit.primary, kit.secondary, 0.5), WHITE)
    pad = side // 11
    placed: Placed = []
    brand_height = side // 18
    _brand(tile, inp, kit, (pad, pad, side - pad, pad + brand_height), ink, placed)
    top = pad + brand_height + side // 16
    headline = _fit(
        inp.headline,
        kit,
        inp,
        width=side - 2 * pad,
        height=side - pad - top,
        sizes=(side // 8, side // 22),
        max_lines=5,
        weight=850,
    )
    room = side - pad - top
    draw_text_block(
        ImageDraw.Draw(tile),
        headline,
        left=pad,
        top=top + max(0, (room - headline.height) // 2),
        fill=ink,
    )
    return tile


TYPE_LAYOUTS: dict[str, Callable[[LayoutInput, BrandKit, Placed], Image.Image]] = {
    "marketplace_main": type_marketplace_main,
    "hero_banner": type_hero_banner,
    "feature_card": type_feature_card,
    "story_frame": type_story_frame,
}


def render_typographic(name: str, inp: LayoutInput, kit: BrandKit) -> tuple[Image.Image, Placed]:
    """The named layout designed from type alone, with the boxes of what it placed."""
    placed: Placed = []
    image = TYPE_LAYOUTS[name](inp, kit, placed)
    return image, placed
