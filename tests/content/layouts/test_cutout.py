"""Product cut-out: a uniform studio backdrop goes transparent, the product stays opaque."""

from __future__ import annotations

import io
from typing import cast

from PIL import Image, ImageDraw

from content.layouts import cut_out_product
from content.layouts.cutout import estimate_background

from .conftest import PRODUCT_RED, STUDIO_GREY, studio_photo_bytes


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def test_background_colour_is_estimated_from_the_border():
    photo = Image.open(io.BytesIO(studio_photo_bytes())).convert("RGB")

    assert estimate_background(photo) == STUDIO_GREY


def test_uniform_backdrop_becomes_transparent_and_the_shape_stays_opaque():
    photo = Image.new("RGB", (400, 300), (225, 225, 228))
    ImageDraw.Draw(photo).ellipse((120, 60, 300, 260), fill=(30, 90, 200))

    cut = cut_out_product(_png(photo))

    assert cut.mode == "RGBA"
    # Cropped to the shape's box (within the feathered edge).
    assert abs(cut.width - 181) <= 4
    assert abs(cut.height - 201) <= 4
    alpha = cut.getchannel("A")
    for corner in [
        (0, 0),
        (cut.width - 1, 0),
        (0, cut.height - 1),
        (cut.width - 1, cut.height - 1),
    ]:
        assert alpha.getpixel(corner) == 0
    assert alpha.getpixel((cut.width // 2, cut.height // 2)) == 255
    centre = cast("tuple[int, ...]", cut.getpixel((cut.width // 2, cut.height // 2)))
    assert centre[:3] == (30, 90, 200)


def test_light_areas_inside_the_product_are_not_cut_away():
    cut = cut_out_product(studio_photo_bytes())
    photo = Image.open(io.BytesIO(studio_photo_bytes())).convert("RGB")
    # The bottle's near-white label band (close to the backdrop colour) sits in the middle.
    band_centre_in_photo = (photo.width // 2, int(photo.height * 0.57))
    left = int(photo.width * 0.3)  # the body's left edge = the cut-out's left edge
    top = int(photo.height * 0.08)  # the cap's top = the cut-out's top edge
    x, y = band_centre_in_photo[0] - left, band_centre_in_photo[1] - top

    pixel = cast("tuple[int, ...]", cut.getpixel((x, y)))
    assert abs(pixel[3] - 255) <= 1
    assert pixel[:3] != PRODUCT_RED


def test_edges_are_feathered_not_jagged():
    photo = Image.new("RGB", (300, 300), (240, 240, 240))
    ImageDraw.Draw(photo).rectangle((100, 100, 199, 199), fill=(0, 0, 0))

    alpha = cut_out_product(_png(photo)).getchannel("A")
    colors = alpha.getcolors()
    assert colors is not None
    values = {cast("int", v) for _, v in colors}

    assert any(0 < v < 255 for v in values)


def test_existing_transparency_is_kept():
    img = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(img).rectangle((50, 40, 149, 159), fill=(10, 200, 10, 255))

    cut = cut_out_product(_png(img))

    assert cut.size == (100, 120)
    assert cut.getchannel("A").getextrema() == (255, 255)


def test_a_busy_lifestyle_photo_is_kept_whole():
    img = Image.new("RGB", (200, 100))
    draw = ImageDraw.Draw(img)
    for x in range(0, 200, 10):
        draw.rectangle((x, 0, x + 9, 99), fill=(x, 255 - x, (x * 7) % 256))

    cut = cut_out_product(_png(img))

    assert cut.size == (200, 100)
    assert cut.getchannel("A").getextrema() == (255, 255)
