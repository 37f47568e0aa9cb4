"""The layouts for a product without a photo: every layout designed from type, in en and
zh-CN, long and short titles, with nothing colliding, leaving the canvas or cut short."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import pytest

from content.layouts import (
    LAYOUTS,
    BrandKit,
    LayoutInput,
    cut_out_product,
    render_layout,
    render_title_tile,
    typographic,
)
from content.layouts.text import ELLIPSIS, FittedText
from content.layouts.typographic import render_typographic
from content.providers.image import Backdrop, BackdropImages

LONG_EN = (
    "Hand-glazed stoneware coffee mug, fired in small batches for slow weekend mornings "
    "and long office days"
)
LONG_ZH = "手工上釉粗陶咖啡杯，小批量烧制，陪你度过每一个悠闲的周末早晨与漫长的工作日"  # noqa: RUF001


def _without_photo(inp: LayoutInput, **changes: object) -> LayoutInput:
    return dataclasses.replace(inp, product_photo=None, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def inputs(english_input: LayoutInput, chinese_input: LayoutInput) -> dict[str, LayoutInput]:
    return {
        "en": _without_photo(english_input),
        "en-long": _without_photo(english_input, headline=LONG_EN),
        "zh-CN": _without_photo(chinese_input),
        "zh-CN-long": _without_photo(chinese_input, headline=LONG_ZH),
        "bare": LayoutInput(headline="Mug", locale="en"),
    }


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("case", ["en", "en-long", "zh-CN", "zh-CN-long", "bare"])
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_typographic_layouts_place_every_element_apart_and_on_the_canvas(
    inputs: dict[str, LayoutInput], brand_kit: BrandKit, name: str, case: str
):
    image, placed = render_typographic(name, inputs[case], brand_kit)

    assert image.size == LAYOUTS[name].size
    assert image.mode == "RGB"
    kinds = [kind for kind, _ in placed]
    assert kinds.count("label") == 1  # exactly one visible AI label
    assert "headline" in kinds
    width, height = image.size
    for kind, (x0, y0, x1, y1) in placed:
        assert 0 <= x0 < x1 <= width, (kind, (x0, x1))
        assert 0 <= y0 < y1 <= height, (kind, (y0, y1))
    for (kind_a, a), (kind_b, b) in itertools.combinations(placed, 2):
        assert not _overlaps(a, b), f"{kind_a} {a} collides with {kind_b} {b}"
    if case != "bare":
        assert {"price", "offer"} <= set(kinds)
    if case != "bare" and name != "marketplace_main":  # the main image is a title tile
        assert kinds.count("claim") == 3  # every claim made it onto the image


@pytest.mark.parametrize("case", ["en-long", "zh-CN-long"])
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_long_titles_wrap_onto_several_lines_without_an_ellipsis(
    inputs: dict[str, LayoutInput], brand_kit: BrandKit, name: str, case: str, monkeypatch
):
    seen: list[tuple[str, ...]] = []

    real_fit = typographic._fit

    def watching_fit(*args: Any, **kwargs: Any) -> FittedText:
        fitted = real_fit(*args, **kwargs)
        seen.append(fitted.lines)
        return fitted

    monkeypatch.setattr(typographic, "_fit", watching_fit)
    render_typographic(name, inputs[case], brand_kit)

    headline = seen[0]
    assert len(headline) >= 2
    for lines in seen:
        assert not any(line.endswith(ELLIPSIS) for line in lines), lines


def test_render_layout_designs_from_type_when_there_is_no_photo(
    inputs: dict[str, LayoutInput], brand_kit: BrandKit
):
    for name, spec in LAYOUTS.items():
        image = render_layout(name, inputs["zh-CN"], brand_kit)
        assert image.size == spec.size
        # Not a blank canvas: the type and the brand colours are on it.
        assert len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50


def test_an_empty_photo_is_still_refused():
    with pytest.raises(ValueError, match="must not be empty"):
        LayoutInput(product_photo=b"", headline="x")


def test_the_title_tile_stands_in_for_the_photo_with_clear_corners(
    inputs: dict[str, LayoutInput], brand_kit: BrandKit
):
    tile = render_title_tile(inputs["zh-CN-long"], brand_kit, side=600)

    assert tile.size == (600, 600)
    alpha = tile.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0  # rounded corners: the video's cut-out keeps them
    assert alpha.getpixel((300, 300)) == 255
    assert cut_out_product(tile).size == (600, 600)


def test_a_backdrop_backend_composes_a_product_without_a_photo_from_type(
    inputs: dict[str, LayoutInput], brand_kit: BrandKit
):
    class NeverPaints(BackdropImages):
        name = "never"
        model_name = "none"

        def paint_backdrop(self, layout: str, **kwargs: Any) -> Backdrop:
            raise AssertionError("an empty set was painted for a product without a photo")

    rendered = NeverPaints().render("hero_banner", inputs["en"], brand_kit, subject="mug")

    assert rendered.image.size == LAYOUTS["hero_banner"].size
    assert rendered.provenance.provider == "compose"
