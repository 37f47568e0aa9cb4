"""The four compose layouts: canvas sizes, the marketplace rules and the mandatory AI label."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image, ImageChops, ImageDraw

from content.layouts import LAYOUTS, BrandKit, LayoutInput, plan_ai_label, render_layout
from content.layouts.cutout import cut_out_product_cached
from content.layouts.encode import encode_png
from content.layouts.layouts import HERO_SIZE, draw_hero_copy

EXPECTED_SIZES = {
    "marketplace_main": (1200, 1200),
    "hero_banner": (1920, 1080),
    "feature_card": (1080, 1080),
    "story_frame": (1080, 1920),
}
LOCALES = ("en", "zh-CN")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_each_layout_renders_an_rgb_image_of_its_format(rendered, name, locale):
    image = rendered[name, locale]

    assert image.mode == "RGB"
    assert image.size == EXPECTED_SIZES[name]


def test_marketplace_main_is_square_and_at_least_1000_px(rendered):
    width, height = rendered["marketplace_main", "en"].size

    assert width == height >= 1000


@pytest.mark.parametrize("locale", LOCALES)
def test_marketplace_main_border_is_pure_white(rendered, locale):
    image = rendered["marketplace_main", locale]
    w, h = image.size
    strips = [(0, 0, w, 4), (0, h - 4, w, h), (0, 0, 4, h), (w - 4, 0, w, h)]

    for strip in strips:
        assert image.crop(strip).getextrema() == ((255, 255),) * 3, strip
    for corner in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)]:
        assert image.getpixel(corner) == (255, 255, 255)


def _non_white_box_outside_label(image: Image.Image, locale: str) -> tuple[int, int, int, int]:
    text = "AI-generated" if locale == "en" else "AI生成"
    corner = LAYOUTS["marketplace_main"].label_corner
    label = plan_ai_label(image.size, text, corner=corner, locale=locale)
    blank = image.copy()
    ImageDraw.Draw(blank).rectangle(label.pill, fill=(255, 255, 255))
    non_white = ImageChops.invert(blank.convert("L")).point(lambda v: 255 if v > 6 else 0)
    box = non_white.getbbox()
    assert box is not None
    return box


@pytest.mark.parametrize("locale", LOCALES)
def test_marketplace_main_centres_the_product_at_about_85_percent(rendered, locale):
    image = rendered["marketplace_main", locale]
    x0, y0, x1, y1 = _non_white_box_outside_label(image, locale)
    w, h = image.size

    assert abs((x0 + x1) / 2 - w / 2) <= 0.02 * w
    assert abs((y0 + y1) / 2 - h / 2) <= 0.02 * h
    assert 0.82 * h <= max(x1 - x0, y1 - y0) <= 0.86 * h


def test_marketplace_main_draws_nothing_but_the_product_and_the_label(rendered):
    image = rendered["marketplace_main", "en"]
    box = _non_white_box_outside_label(image, "en")
    margin = round(image.width * 0.07)

    # Everything outside the central product square is white: no headline, price or badge.
    assert box[0] >= margin
    assert box[1] >= margin
    assert box[2] <= image.width - margin
    assert box[3] <= image.height - margin


def _measured_label_text_height(image: Image.Image, pill: tuple[int, int, int, int]) -> int:
    """Height of the white glyph pixels drawn inside the label's pill."""
    crop = image.crop(pill).convert("L")
    inside = Image.new("L", crop.size, 0)
    radius = crop.height // 2
    ImageDraw.Draw(inside).rounded_rectangle(
        (3, 3, crop.width - 4, crop.height - 4), radius=radius - 3, fill=255
    )
    white_text = ImageChops.multiply(crop.point(lambda v: 255 if v > 200 else 0), inside)
    box = white_text.getbbox()
    assert box is not None, "no label text found inside the pill"
    return box[3] - box[1]


@pytest.mark.parametrize(("locale", "text"), [("en", "AI-generated"), ("zh-CN", "AI生成")])
@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_ai_label_text_is_at_least_5_percent_of_the_shortest_edge(rendered, name, locale, text):
    image = rendered[name, locale]
    spec = LAYOUTS[name]
    plan = plan_ai_label(image.size, text, corner=spec.label_corner, locale=locale)
    minimum = 0.05 * min(image.size)

    assert plan.text_height >= minimum
    assert _measured_label_text_height(image, plan.pill) >= minimum


def test_an_empty_ai_label_falls_back_to_the_locale_wording(studio_photo, brand_kit):
    inp = LayoutInput(product_photo=studio_photo, headline="x", locale="zh-CN", ai_label="  ")

    assert inp.ai_label_text == "AI生成"


def test_same_input_gives_byte_identical_png(english_input, brand_kit):
    first = encode_png(render_layout("hero_banner", english_input, brand_kit))
    cut_out_product_cached.cache_clear()
    second = encode_png(render_layout("hero_banner", english_input, brand_kit))

    assert first == second


def test_layouts_work_without_price_offer_or_features(studio_photo):
    bare = LayoutInput(product_photo=studio_photo, headline="Simple", locale="en")
    kit = BrandKit(primary_color="#FFFFFF", secondary_color="#EEEEEE", font_family="noto-sans-cjk")

    for name, spec in LAYOUTS.items():
        assert render_layout(name, bare, kit).size == spec.size


def test_a_logo_replaces_the_brand_name(english_input, brand_kit):
    import io
    from dataclasses import replace

    logo = Image.new("RGBA", (400, 100), (220, 0, 120, 255))
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG")
    kit = replace(brand_kit, logo=buffer.getvalue())

    image = render_layout("story_frame", english_input, kit)

    # The logo's magenta appears in the header row.
    header = image.crop((0, 0, image.width // 2, 200))
    colors = header.getcolors(maxcolors=1 << 20)
    assert colors is not None
    assert (220, 0, 120) in {colour for _, colour in colors}


def test_unknown_layout_names_the_known_ones(english_input, brand_kit):
    with pytest.raises(KeyError, match="marketplace_main"):
        render_layout("billboard", english_input, brand_kit)


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(
    "headline",
    [
        "Stoneware coffee mug, 350 ml: 25% Off",
        "Stay cold for 24 hours, anywhere you go",
        "手工上釉粗陶咖啡杯，小批量烧制，陪你度过每一个悠闲的早晨",  # noqa: RUF001
    ],
)
def test_the_hero_offer_burst_never_sits_on_the_copy(english_input, brand_kit, headline):
    locale = "zh-CN" if not headline.isascii() else "en"
    inp = replace(english_input, headline=headline, locale=locale)
    canvas = Image.new("RGBA", HERO_SIZE, (40, 60, 90, 255))
    product_box = (1030, 180, 1790, 940)  # where the hero banner puts a 760 px product
    boxes = draw_hero_copy(canvas, inp, brand_kit, ink=(255, 255, 255), product_box=product_box)

    assert "offer" in boxes
    for name in ("headline", "subheadline", "price"):
        assert not _overlaps(boxes["offer"], boxes[name]), (name, boxes)
