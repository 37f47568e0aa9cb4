"""PNG text chunks round-trip (the AIGC metadata), JPEG encodes, and inputs are validated."""

from __future__ import annotations

import io
import json
from typing import cast

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngImageFile

from content.layouts import BrandKit, LayoutInput, encode_jpeg, encode_png


def test_png_text_chunks_round_trip_including_chinese():
    aigc = json.dumps(
        {"Label": "1", "ContentProducer": "shop-ai", "ProduceID": "a1", "备注": "AI生成"},
        ensure_ascii=False,
    )
    img = Image.new("RGB", (8, 8), (1, 2, 3))

    data = encode_png(img, text_chunks={"AIGC": aigc, "Software": "shop-ai"})
    decoded = Image.open(io.BytesIO(data))
    decoded.load()
    assert isinstance(decoded, PngImageFile)

    assert decoded.text["AIGC"] == aigc
    assert json.loads(decoded.text["AIGC"])["备注"] == "AI生成"
    assert decoded.text["Software"] == "shop-ai"
    assert b"iTXtAIGC" in data  # non-Latin-1 text goes in a UTF-8 iTXt chunk
    assert b"tEXtSoftware" in data


def test_png_rejects_invalid_keys():
    with pytest.raises(ValueError, match="1-79"):
        encode_png(Image.new("RGB", (2, 2)), text_chunks={"": "x"})


def test_jpeg_flattens_transparency_onto_white():
    img = Image.new("RGBA", (16, 16), (0, 0, 0, 0))

    decoded = Image.open(io.BytesIO(encode_jpeg(img, quality=90)))

    assert decoded.format == "JPEG"
    assert decoded.size == (16, 16)
    # A single-band ("L") image gives one (min, max) pair.
    extrema = cast("tuple[float, float]", decoded.convert("L").getextrema())
    assert min(extrema) >= 250


def test_brand_kit_rejects_bad_colours_and_unknown_fonts():
    with pytest.raises(ValueError, match="hex colour"):
        BrandKit(primary_color="blue")
    with pytest.raises(ValueError, match="font family"):
        BrandKit(font_family="Comic Sans")
    assert BrandKit(accent_color="#f80").accent == (255, 136, 0)


def test_layout_input_allows_at_most_three_features():
    with pytest.raises(ValueError, match="at most 3"):
        LayoutInput(product_photo=b"x", features=("a", "b", "c", "d"))
    with pytest.raises(ValueError, match="locale"):
        LayoutInput(product_photo=b"x", locale="fr")
