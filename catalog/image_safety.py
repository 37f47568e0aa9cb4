"""Check untrusted image bytes (JPEG, PNG, WEBP, GIF only) and make clean thumbnails of them."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
MAX_BYTES = 20 * 1024 * 1024
ALLOWED_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
_ALLOWED_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
# Signatures of image-like formats we refuse, so the error can say "unsupported" rather than
# "not an image". Only the allowed formats are ever handed to Pillow's parsers.
_REFUSED_SIGNATURES = (
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "PSD"),
    (b"%PDF", "PDF"),
    (b"%!PS", "PostScript"),
    (b"\x00\x00\x00\x0cjP  \r\n", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"qoif", "QOI"),
)


@dataclass(frozen=True)
class ImageInfo:
    format: str  # JPEG, PNG, WEBP or GIF, from the bytes themselves
    width: int
    height: int
    mode: str  # Pillow mode, e.g. RGB, RGBA, P, L, CMYK
    sha256: str
    mime: str


class UnsafeImage(ValueError):
    """The bytes are not an image we accept; `code` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def sha256_hex(data: bytes) -> str:
    """Content hash used to spot the same image under different URLs."""
    return hashlib.sha256(data).hexdigest()


def inspect_image(
    data: bytes, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES
) -> ImageInfo:
    """Identify and fully decode `data`; raise UnsafeImage unless it is a sound, allowed image."""
    with _decoded_image(data, max_pixels=max_pixels, max_bytes=max_bytes) as (_image, info):
        return info


def make_thumbnail(
    data: bytes, *, size: int = 400, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES
) -> bytes:
    """A thumbnail fitting in size x size: PNG when the image has transparency, else JPEG.

    EXIF orientation is applied, and no metadata (EXIF, GPS, ICC, text chunks) is carried over.
    """
    return inspect_and_thumbnail(data, size=size, max_pixels=max_pixels, max_bytes=max_bytes)[1]


def inspect_and_thumbnail(
    data: bytes, *, size: int = 400, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES
) -> tuple[ImageInfo, bytes]:
    """`inspect_image` and `make_thumbnail` with one decode: what an import does per image.

    Large photos are the expensive case (40 Mpx is 120 MB of RGB), so a JPEG is decoded at
    the smallest DCT scale that still covers the thumbnail, and an image is shrunk in its
    own mode before it is converted, so no second full-size copy is made.
    """
    with _decoded_image(
        data, max_pixels=max_pixels, max_bytes=max_bytes, draft_size=(size, size)
    ) as (image, info):
        if image.mode not in _RESAMPLED_MODES:
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        upright = ImageOps.exif_transpose(image)
    has_alpha = upright.has_transparency_data
    thumbnail = upright.convert("RGBA" if has_alpha else "RGB")
    thumbnail.info.clear()  # metadata must not follow the pixels out
    output = io.BytesIO()
    if has_alpha:
        thumbnail.save(output, format="PNG", optimize=True)
    else:
        thumbnail.save(output, format="JPEG", quality=85, optimize=True)
    return info, output.getvalue()


# Modes Pillow resamples with a real filter; others (palette, bilevel, CMYK, 16-bit) are
# converted to RGB(A) first.
_RESAMPLED_MODES = {"L", "LA", "RGB", "RGBA"}


@contextmanager
def _decoded_image(
    data: bytes,
    *,
    max_pixels: int,
    max_bytes: int,
    draft_size: tuple[int, int] | None = None,
) -> Iterator[tuple[Image.Image, ImageInfo]]:
    """Open, check and decode `data`; yield the pixels and what the header said of them.

    With `draft_size`, a JPEG may be decoded at a reduced scale (every byte is still read,
    so a truncated file still fails); the info keeps the full size.
    """
    if len(data) > max_bytes:
        raise UnsafeImage("too_large", f"{len(data)} bytes is over the {max_bytes}-byte cap")
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; a warning is a refusal here.
        # catch_warnings restores the filters on exit, so no global state changes.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise UnsafeImage("too_many_pixels", str(error)) from error
        except UnidentifiedImageError as error:
            raise _unidentified(data) from error
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
            raise UnsafeImage("corrupt", f"unreadable image header: {error}") from error
        with image:
            # The header alone tells the size; refuse before any pixel is decoded.
            if image.width * image.height > max_pixels:
                raise UnsafeImage(
                    "too_many_pixels",
                    f"{image.width}x{image.height} is over {max_pixels} pixels",
                )
            image_format = _canonical_format(image)
            info = ImageInfo(
                format=image_format,
                width=image.width,
                height=image.height,
                mode=image.mode,
                sha256=sha256_hex(data),
                mime=ALLOWED_FORMATS[image_format],
            )
            if draft_size is not None and image_format == "JPEG":
                image.draft("RGB", draft_size)
            try:
                image.load()
            except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
                raise UnsafeImage("too_many_pixels", str(error)) from error
            except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
                raise UnsafeImage("corrupt", f"cannot decode image: {error}") from error
            yield image, info


def _canonical_format(image: Image.Image) -> str:
    # Pillow's JPEG opener calls multi-picture JPEGs (some cameras write them) "MPO".
    image_format = "JPEG" if image.format == "MPO" else image.format
    if image_format is None or image_format not in ALLOWED_FORMATS:
        raise UnsafeImage("unsupported_format", f"{image.format} images are not accepted")
    return image_format


def _unidentified(data: bytes) -> UnsafeImage:
    head = data[:1024]
    # Pillow reports a broken header of an allowed format as "cannot identify" too.
    if head.startswith(_ALLOWED_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return UnsafeImage("corrupt", "the image header is damaged")
    for signature, name in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return UnsafeImage("unsupported_format", f"{name} images are not accepted")
    if head[4:8] == b"ftyp":
        return UnsafeImage("unsupported_format", "HEIF/AVIF images are not accepted")
    if b"<svg" in head.lower():
        return UnsafeImage("unsupported_format", "SVG images are not accepted")
    return UnsafeImage("not_an_image", "the bytes are not a JPEG, PNG, WEBP or GIF image")
