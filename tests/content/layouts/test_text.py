"""Text setting: CJK glyphs render, wrapping keeps to width and punctuation, fitting shrinks."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PIL import ImageChops

from content.layouts import FontMissingError, fit_text, wrap_text
from content.layouts.fonts import cjk_font_path, load_font
from content.layouts.text import split_breakable


def _glyph(font, ch):
    return font.font.getmask(ch)


def _same_bitmap(a, b) -> bool:
    if a.size != b.size:
        return False
    from PIL import Image

    ia = Image.frombytes("L", a.size, bytes(a))
    ib = Image.frombytes("L", b.size, bytes(b))
    return ImageChops.difference(ia, ib).getbbox() is None


def test_chinese_glyphs_are_real_glyphs_not_tofu():
    font = load_font("中文", size=64, locale="zh-CN")
    zhong, wen = _glyph(font, "中"), _glyph(font, "文")
    notdef = _glyph(font, "\U000f0000")  # a private-use code point no font covers

    assert font.is_cjk
    assert zhong.getbbox()
    assert wen.getbbox()
    assert not _same_bitmap(zhong, wen)
    assert not _same_bitmap(zhong, notdef)
    assert not _same_bitmap(wen, notdef)


def test_latin_text_uses_the_latin_face_and_cjk_text_the_cjk_face():
    assert not load_font("Hello", size=40).is_cjk
    assert load_font("Hello 世界", size=40).is_cjk
    assert load_font("Hello", size=40, family="noto-sans-cjk").is_cjk


def test_bold_latin_is_heavier_than_regular():
    regular = load_font("Bold", size=80, weight=400)
    bold = load_font("Bold", size=80, weight=800)

    assert bold.length("Bold") > regular.length("Bold")


def test_wrapped_lines_fit_the_width():
    font = load_font("x", size=40)
    text = "Double-wall stainless steel keeps drinks cold for a full day outdoors"

    lines = wrap_text(text, font, 400)

    assert len(lines) > 1
    assert all(font.length(line) <= 400 for line in lines)
    assert " ".join(lines) == text


def test_chinese_wraps_by_character_and_never_starts_a_line_with_a_comma():
    font = load_font("中", size=40, locale="zh-CN")
    text = "随身冰爽一整天，出行必备保温杯，轻巧便携容量大"  # noqa: RUF001

    lines = wrap_text(text, font, 7 * 40)

    assert "".join(lines) == text
    assert all(font.length(line) <= 7 * 40 for line in lines)
    assert not any(line[0] in "，。" for line in lines)  # noqa: RUF001


def test_a_number_and_its_unit_stay_on_one_line():
    assert "750 ml" in "".join(split_breakable("Bottle 750 ml steel"))
    assert "750 ml " in split_breakable("Bottle 750 ml steel")


def test_long_headlines_shrink_to_fit_the_box():
    kwargs: dict[str, Any] = {
        "box_width": 800,
        "box_height": 300,
        "max_size": 100,
        "min_size": 30,
        "max_lines": 3,
    }
    short = fit_text("Cold all day", **kwargs)
    long = fit_text(
        "Stay cold for twenty-four hours on every hike, commute and beach day", **kwargs
    )

    assert short.font.size == 100
    assert long.font.size < short.font.size
    assert len(long.lines) <= 3
    assert long.height <= 300
    assert long.width <= 800


def test_text_too_long_for_the_smallest_size_ends_in_an_ellipsis():
    fitted = fit_text(
        "word " * 200, box_width=300, box_height=100, max_size=40, min_size=20, max_lines=2
    )

    assert len(fitted.lines) <= 2
    assert fitted.lines[-1].endswith("…")
    assert fitted.font.size == 20


def test_balanced_lines_avoid_a_lone_last_word():
    kwargs: dict[str, Any] = {
        "box_width": 900,
        "box_height": 400,
        "max_size": 60,
        "min_size": 60,
        "max_lines": 3,
    }
    text = "Insulated bottle that keeps cold drinks cold through a long summer day out"
    greedy = fit_text(text, **kwargs)
    balanced = fit_text(text, balance=True, **kwargs)

    assert len(balanced.lines) == len(greedy.lines)
    widths = [balanced.font.length(line) for line in balanced.lines]
    greedy_widths = [greedy.font.length(line) for line in greedy.lines]
    assert max(widths) - min(widths) < max(greedy_widths) - min(greedy_widths)


def test_a_missing_font_package_is_named_in_the_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "noto_cjk_sans_otc", None)

    with pytest.raises(FontMissingError, match="noto-cjk-sans-otc"):
        cjk_font_path()
