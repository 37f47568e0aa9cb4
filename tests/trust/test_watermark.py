"""The invisible watermark: an asset id in a rendered layout's pixels, through re-encoding."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from content.layouts import BrandKit, LayoutInput, encode_png, render_layout
from tests.content.layouts.conftest import studio_photo_bytes
from trust import watermark
from trust.labels import aigc_metadata, label_png, read_png_aigc

ASSET_ID = 4_021_337
KIT = BrandKit(
    primary_color="#1F3A5F",
    secondary_color="#3C6E91",
    accent_color="#F2A541",
    background_color="#F5F1EA",
)


@pytest.fixture(scope="module")
def layouts() -> dict[str, Image.Image]:
    """The feature card (the layout the mark survives least well on) and the white main image."""
    inp = LayoutInput(
        product_photo=studio_photo_bytes(),
        headline="Stay cold for 24 hours, anywhere you go",
        subheadline="Double-wall stainless steel bottle, 750 ml",
        features=("750 ml capacity", "Keeps drinks cold 24 h", "Leak-proof screw cap"),
        price_text="$19.99",
        brand_name="Northwind",
        ai_label="AI-generated",
    )
    return {name: render_layout(name, inp, KIT) for name in ("feature_card", "marketplace_main")}


@pytest.fixture(scope="module")
def marked(layouts: dict[str, Image.Image]) -> dict[str, Image.Image]:
    return {name: watermark.embed_asset_id(image, ASSET_ID) for name, image in layouts.items()}


def _reencoded(image: Image.Image, fmt: str, **options: object) -> Image.Image:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return Image.open(io.BytesIO(out.getvalue()))


@pytest.mark.parametrize("layout", ["feature_card", "marketplace_main"])
def test_the_id_survives_a_png_round_trip(marked: dict[str, Image.Image], layout: str) -> None:
    assert watermark.read_asset_id(_reencoded(marked[layout], "PNG")) == ASSET_ID


@pytest.mark.parametrize("layout", ["feature_card", "marketplace_main"])
def test_the_id_survives_jpeg_quality_75(marked: dict[str, Image.Image], layout: str) -> None:
    jpeg = _reencoded(marked[layout], "JPEG", quality=75)

    assert watermark.read_asset_id(jpeg) == ASSET_ID


def test_a_resized_copy_is_read_when_the_original_size_is_known(
    marked: dict[str, Image.Image],
) -> None:
    image = marked["feature_card"]
    smaller = image.resize((972, 972), Image.Resampling.LANCZOS)  # 90%

    # The block grid no longer lines up at the new size...
    assert watermark.read_asset_id(smaller) is None
    # ...so the reader scales back to sizes of the same shape it is told about.
    sizes = [(1920, 1080), (1080, 1080)]
    assert watermark.read_asset_id(smaller, original_sizes=sizes) == ASSET_ID


def test_images_without_the_mark_read_as_none(layouts: dict[str, Image.Image]) -> None:
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (600, 800, 3), dtype=np.uint8))
    grey = Image.new("RGB", (512, 512), (128, 128, 128))
    white = Image.new("RGB", (512, 512), (255, 255, 255))

    for image in (*layouts.values(), noise, grey, white):
        assert watermark.read_asset_id(image, original_sizes=[(1080, 1080)]) is None


def test_another_id_is_not_confused_with_this_one(layouts: dict[str, Image.Image]) -> None:
    other = watermark.embed_asset_id(layouts["feature_card"], 7)

    assert watermark.read_asset_id(other) == 7


def test_the_mark_is_faint_and_keeps_a_pure_white_background(
    layouts: dict[str, Image.Image], marked: dict[str, Image.Image]
) -> None:
    for name, image in layouts.items():
        before = np.asarray(image.convert("RGB"), dtype=np.int16)
        after = np.asarray(marked[name].convert("RGB"), dtype=np.int16)
        mse = float(np.mean((after - before) ** 2))
        assert 10 * np.log10(255**2 / mse) > 40  # PSNR in dB
        assert np.abs(after - before).max() <= 16
    before = np.asarray(layouts["marketplace_main"].convert("RGB"))
    after = np.asarray(marked["marketplace_main"].convert("RGB"))
    white = (before == 255).all(axis=2)
    assert (after[white] == 255).all(axis=1).mean() > 0.97  # only around the product's edge


def test_transparency_is_kept() -> None:
    image = Image.new("RGBA", (400, 300), (90, 140, 200, 255))
    image.paste((0, 0, 0, 0), (0, 0, 100, 300))

    marked = watermark.embed_asset_id(image, ASSET_ID)

    assert marked.mode == "RGBA"
    assert marked.getchannel("A").tobytes() == image.getchannel("A").tobytes()
    assert watermark.read_asset_id(marked) == ASSET_ID


def test_small_images_and_impossible_ids_are_refused() -> None:
    small = Image.new("RGB", (255, 600), (90, 140, 200))

    with pytest.raises(watermark.WatermarkError, match="256"):
        watermark.embed_asset_id(small, ASSET_ID)
    assert watermark.read_asset_id(small) is None
    with pytest.raises(watermark.WatermarkError):
        watermark.payload_for(0)
    with pytest.raises(watermark.WatermarkError):
        watermark.payload_for(2**32)


def test_the_payload_check_rejects_altered_bits() -> None:
    payload = watermark.payload_for(ASSET_ID)

    assert watermark.asset_id_from_payload(payload) == ASSET_ID
    for bit in range(64):
        flipped = int.from_bytes(payload, "big") ^ (1 << bit)
        assert watermark.asset_id_from_payload(flipped.to_bytes(8, "big")) is None


def test_png_helper_keeps_the_aigc_label_and_says_what_it_did(
    layouts: dict[str, Image.Image],
) -> None:
    aigc = aigc_metadata(producer="Shop AI", produce_id="MUG-1:feature_card:en")
    png = label_png(encode_png(layouts["feature_card"], text_chunks={}), aigc)

    marked, record = watermark.watermark_png(png, asset_id=ASSET_ID)

    assert read_png_aigc(marked) == aigc
    with Image.open(io.BytesIO(marked)) as image:
        assert watermark.read_asset_id(image) == ASSET_ID
    assert record["embedded"] is True
    assert record["method"] == "dwtDctSvd"
    assert record["payload"] == watermark.payload_for(ASSET_ID).hex()

    small = encode_png(Image.new("RGB", (200, 200), (9, 9, 9)), text_chunks={})
    unchanged, skipped = watermark.watermark_png(small, asset_id=ASSET_ID)
    assert unchanged == small
    assert skipped["embedded"] is False
    assert "256" in skipped["reason"]


def test_the_arithmetic_is_the_invisible_watermark_packages() -> None:
    """Our all-blocks-at-once code against the package's per-block dwtDctSvd."""
    # Imported here: the package imports torch (for its other method), a second's start-up.
    import pywt
    from imwatermark import dwtDctSvd as package

    rng = np.random.default_rng(3)
    luma = rng.uniform(20, 230, (264, 280))
    bits = np.unpackbits(np.frombuffer(watermark.payload_for(ASSET_ID), dtype=np.uint8))
    embedder = package.EmbedDwtDctSvd(list(bits), wmLen=64, scales=[0, 36, 0], block=4)

    band, _ = pywt.dwt2(luma, "haar")
    theirs = band.copy()
    embedder.encode_frame(theirs, watermark.SCALE)
    blocks, (rows, cols) = watermark._blocks(luma)
    ours = watermark.embed_bits(blocks, bits)

    def as_blocks(frame: np.ndarray) -> np.ndarray:
        frame = frame[: rows * 4, : cols * 4]
        return frame.reshape(rows, 4, cols, 4).swapaxes(1, 2).reshape(-1, 4, 4)

    np.testing.assert_allclose(as_blocks(band), blocks, atol=1e-9)
    np.testing.assert_allclose(as_blocks(theirs), ours, atol=1e-6)
    scores = embedder.decode_frame(theirs, watermark.SCALE, [[] for _ in range(64)])
    votes = watermark.block_votes(ours)
    for bit in range(64):
        assert [bool(s) for s in scores[bit]] == list(votes[bit::64])
