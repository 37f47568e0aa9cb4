"""Spec for checking untrusted image bytes and making thumbnails of them."""

from __future__ import annotations

import io
import random
import struct
import warnings
import zlib
from typing import cast

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from catalog.image_safety import UnsafeImage, inspect_image, make_thumbnail, sha256_hex


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def noisy_image(width: int, height: int, seed: int = 0) -> Image.Image:
    """Random pixels compress badly, so the encoded file has a long pixel stream to cut."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    return Image.frombytes("RGB", (width, height), pixels)


def png_header_only(width: int, height: int, *, break_crc: bool = False) -> bytes:
    """A PNG that declares width x height but carries (almost) no pixel data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) ^ (1 if break_crc and kind == b"IHDR" else 0)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


# --- accepted images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "mime", "mode"),
    [
        ("PNG", "image/png", "RGBA"),
        ("JPEG", "image/jpeg", "RGB"),
        ("WEBP", "image/webp", "RGB"),
        ("GIF", "image/gif", "P"),
    ],
)
def test_inspect_reports_what_the_bytes_really_are(image_format, mime, mode):
    data = encode(Image.new(mode, (30, 20), 1 if mode == "P" else "green"), image_format)

    info = inspect_image(data)

    assert (info.format, info.mime) == (image_format, mime)
    assert (info.width, info.height) == (30, 20)
    assert info.mode == mode
    assert info.sha256 == sha256_hex(data)


def test_animated_gif_is_accepted_as_its_first_frame():
    frames = [Image.new("P", (16, 16), colour) for colour in (1, 2, 3)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)

    info = inspect_image(data)

    assert (info.format, info.width, info.height) == ("GIF", 16, 16)


# --- refused bytes --------------------------------------------------------------------------


def test_text_file_named_png_is_not_an_image(tmp_path):
    disguised = tmp_path / "product.png"
    disguised.write_text("<html><body>definitely a photo</body></html>")

    with pytest.raises(UnsafeImage) as refused:
        inspect_image(disguised.read_bytes())

    assert refused.value.code == "not_an_image"


def test_empty_bytes_are_not_an_image():
    with pytest.raises(UnsafeImage) as refused:
        inspect_image(b"")

    assert refused.value.code == "not_an_image"


@pytest.mark.parametrize(
    "data",
    [
        encode(Image.new("RGB", (8, 8)), "BMP"),
        encode(Image.new("RGB", (8, 8)), "TIFF"),
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
    ],
    ids=["bmp", "tiff", "svg"],
)
def test_real_images_in_other_formats_are_unsupported(data):
    with pytest.raises(UnsafeImage) as refused:
        inspect_image(data)

    assert refused.value.code == "unsupported_format"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP"])
def test_truncated_image_is_corrupt(image_format):
    data = encode(noisy_image(200, 200), image_format)

    with pytest.raises(UnsafeImage) as refused:
        inspect_image(data[: len(data) // 2])

    assert refused.value.code == "corrupt"


def test_png_with_a_broken_header_checksum_is_corrupt():
    with pytest.raises(UnsafeImage) as refused:
        inspect_image(png_header_only(10, 10, break_crc=True))

    assert refused.value.code == "corrupt"


def test_bytes_over_the_size_cap_are_refused_before_parsing():
    data = encode(noisy_image(100, 100), "PNG")

    with pytest.raises(UnsafeImage) as refused:
        inspect_image(data, max_bytes=len(data) - 1)

    assert refused.value.code == "too_large"


# --- pixel floods and decompression bombs ---------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (7_000, 7_000), (1, 50_000_000)],
    ids=["far-past-pillow-limit", "past-our-limit-only", "one-pixel-wide"],
)
def test_pixel_flood_header_is_refused_without_decoding(width, height):
    # The file is a few dozen bytes; decoding it would fail as corrupt, so "too_many_pixels"
    # shows the refusal came from the header, before any pixel was decoded.
    data = png_header_only(width, height)

    with pytest.raises(UnsafeImage) as refused:
        inspect_image(data)

    assert len(data) < 100
    assert refused.value.code == "too_many_pixels"


def test_valid_but_oversized_image_is_refused():
    # A real, decodable 2000x2000 PNG that compresses to a few KB: a bomb at a test's scale.
    data = encode(Image.new("RGB", (2000, 2000), "white"), "PNG")

    with pytest.raises(UnsafeImage) as refused:
        inspect_image(data, max_pixels=1_000_000)

    assert len(data) < 50_000
    assert refused.value.code == "too_many_pixels"
    assert inspect_image(data, max_pixels=4_000_000).width == 2000


@pytest.mark.parametrize("pixels", [1_500_000, 2_500_000], ids=["pillow-warns", "pillow-raises"])
def test_pillow_bomb_warning_is_a_refusal_even_when_warnings_are_ignored(monkeypatch, pixels):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    data = png_header_only(pixels, 1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a caller that silences warnings must still be safe
        with pytest.raises(UnsafeImage) as refused:
            inspect_image(data, max_pixels=10_000_000)

    assert refused.value.code == "too_many_pixels"


def test_checks_leave_pillow_and_warning_settings_as_they_were():
    pillow_limit = Image.MAX_IMAGE_PIXELS
    filters = list(warnings.filters)

    with pytest.raises(UnsafeImage):
        inspect_image(png_header_only(100_000, 100_000))
    inspect_image(encode(Image.new("RGB", (5, 5)), "PNG"))

    assert pillow_limit == Image.MAX_IMAGE_PIXELS
    assert warnings.filters == filters


# --- thumbnails -----------------------------------------------------------------------------


def test_thumbnail_fits_the_box_and_keeps_the_aspect_ratio():
    thumbnail = Image.open(io.BytesIO(make_thumbnail(encode(noisy_image(1200, 800), "JPEG"))))

    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (400, 267)


def test_thumbnail_does_not_enlarge_small_images():
    thumbnail = Image.open(io.BytesIO(make_thumbnail(encode(noisy_image(120, 90), "PNG"))))

    assert thumbnail.size == (120, 90)


def test_thumbnail_keeps_transparency_as_png():
    source = Image.new("RGBA", (800, 800), (255, 0, 0, 0))

    thumbnail = Image.open(io.BytesIO(make_thumbnail(encode(source, "PNG"), size=100)))

    assert (thumbnail.format, thumbnail.mode, thumbnail.size) == ("PNG", "RGBA", (100, 100))
    assert cast("tuple[int, ...]", thumbnail.getpixel((50, 50)))[3] == 0


def test_thumbnail_applies_exif_orientation():
    # Stored landscape, left half red and right half blue; EXIF 6 says "rotate 90° clockwise
    # to display", which turns it portrait with red on top.
    source = Image.new("RGB", (300, 100), "blue")
    source.paste("red", (0, 0, 150, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(source, "JPEG", exif=exif, quality=95)

    thumbnail = Image.open(io.BytesIO(make_thumbnail(data)))

    assert thumbnail.size == (100, 300)
    top_red, _, top_blue = cast("tuple[int, int, int]", thumbnail.getpixel((50, 40)))
    bottom_red, _, bottom_blue = cast("tuple[int, int, int]", thumbnail.getpixel((50, 260)))
    assert (top_red > 200, top_blue < 60) == (True, True)
    assert (bottom_red < 60, bottom_blue > 200) == (True, True)


def test_thumbnail_strips_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # camera maker
    exif[0x0112] = 1
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    jpeg = encode(noisy_image(500, 500), "JPEG", exif=exif, icc_profile=srgb)
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "internal SKU pricing notes")
    png = encode(Image.new("RGBA", (500, 500), (0, 0, 0, 10)), "PNG", pnginfo=text)

    for data in (jpeg, png):
        thumbnail = Image.open(io.BytesIO(make_thumbnail(data)))

        assert dict(thumbnail.getexif()) == {}
        assert not {"exif", "icc_profile", "Comment"} & set(thumbnail.info)


def test_thumbnail_of_unsafe_bytes_is_refused_like_inspect():
    with pytest.raises(UnsafeImage) as refused:
        make_thumbnail(png_header_only(100_000, 100_000))

    assert refused.value.code == "too_many_pixels"


# --- dedup ----------------------------------------------------------------------------------


def test_same_bytes_hash_the_same_and_different_bytes_do_not():
    image = noisy_image(50, 50)
    first, again = encode(image, "PNG"), encode(image, "PNG")
    reencoded = encode(image, "JPEG")

    assert sha256_hex(first) == sha256_hex(again) == inspect_image(again).sha256
    assert sha256_hex(first) != sha256_hex(reencoded)
    assert len(sha256_hex(first)) == 64
