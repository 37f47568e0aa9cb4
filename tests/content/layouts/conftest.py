"""Fixtures for the layout engine tests: studio photos drawn in-test and a brand kit."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from content.layouts import BrandKit, LayoutInput

STUDIO_GREY = (232, 232, 234)
PRODUCT_RED = (200, 40, 48)


def studio_photo_bytes(size: tuple[int, int] = (900, 1100)) -> bytes:
    """A red bottle with a white label band and a cap, shot on a light-grey backdrop."""
    width, height = size
    img = Image.new("RGB", size, STUDIO_GREY)
    draw = ImageDraw.Draw(img)
    body = (int(width * 0.3), int(height * 0.25), int(width * 0.7), int(height * 0.9))
    draw.rounded_rectangle(body, radius=int(width * 0.08), fill=PRODUCT_RED)
    neck = (int(width * 0.42), int(height * 0.14), int(width * 0.58), int(height * 0.27))
    draw.rectangle(neck, fill=PRODUCT_RED)
    cap = (int(width * 0.4), int(height * 0.08), int(width * 0.6), int(height * 0.16))
    draw.rounded_rectangle(cap, radius=int(width * 0.02), fill=(30, 30, 36))
    # A near-white label inside the product: it must stay opaque after the cut-out.
    band = (
        body[0] + int(width * 0.03),
        int(height * 0.5),
        body[2] - int(width * 0.03),
        int(height * 0.64),
    )
    draw.rectangle(band, fill=(236, 236, 238))
    highlight = (int(width * 0.36), int(height * 0.3), int(width * 0.4), int(height * 0.46))
    draw.rounded_rectangle(highlight, radius=int(width * 0.02), fill=(226, 92, 98))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def studio_photo() -> bytes:
    return studio_photo_bytes()


@pytest.fixture(scope="session")
def brand_kit() -> BrandKit:
    return BrandKit(
        primary_color="#1F3A5F",
        secondary_color="#3C6E91",
        accent_color="#F2A541",
        background_color="#F5F1EA",
        text_color="#1B1B1F",
    )


@pytest.fixture(scope="session")
def english_input(studio_photo: bytes) -> LayoutInput:
    return LayoutInput(
        product_photo=studio_photo,
        headline="Stay cold for 24 hours, anywhere you go",
        subheadline="Double-wall stainless steel bottle, 750 ml",
        features=("750 ml capacity", "Keeps drinks cold 24 h", "Leak-proof screw cap"),
        price_text="$19.99",
        compare_at_text="$24.99",
        offer_badge_text="20% OFF",
        brand_name="Northwind",
        locale="en",
        ai_label="AI-generated",
    )


@pytest.fixture(scope="session")
def chinese_input(studio_photo: bytes) -> LayoutInput:
    return LayoutInput(
        product_photo=studio_photo,
        headline="随身冰爽一整天，出行必备保温杯",  # noqa: RUF001
        subheadline="双层不锈钢真空保温，容量750毫升",  # noqa: RUF001
        features=("750毫升大容量", "保冷长达24小时", "防漏螺旋杯盖"),
        price_text="¥199",
        compare_at_text="¥249",
        offer_badge_text="限时8折",
        brand_name="北风",
        locale="zh-CN",
        ai_label="AI生成",
    )


@pytest.fixture(scope="session")
def rendered(english_input: LayoutInput, chinese_input: LayoutInput, brand_kit: BrandKit):
    """Every layout rendered once per locale, shared by the tests that only look at pixels."""
    from content.layouts import LAYOUTS

    images = {}
    for locale, inp in (("en", english_input), ("zh-CN", chinese_input)):
        for name, spec in LAYOUTS.items():
            images[name, locale] = spec.render(inp, brand_kit)
    return images
