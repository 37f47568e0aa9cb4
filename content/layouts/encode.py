"""Encode finished images: PNG with text chunks (for the AIGC metadata) and JPEG."""

from __future__ import annotations

import io

from PIL import Image
from PIL.PngImagePlugin import PngInfo


def _flatten(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA", "P"):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return img.convert("RGB")


def encode_png(img: Image.Image, *, text_chunks: dict[str, str] | None = None) -> bytes:
    """PNG bytes carrying `text_chunks` (e.g. {"AIGC": json}).

    Latin-1 values go in tEXt chunks; anything else (Chinese text) in UTF-8 iTXt chunks.
    Keys must be 1-79 Latin-1 characters, as the PNG spec requires.
    """
    info = PngInfo()
    for key, value in sorted((text_chunks or {}).items()):
        if not 1 <= len(key) <= 79:
            raise ValueError(f"PNG text key must be 1-79 characters: {key!r}")
        try:
            key.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"PNG text key must be Latin-1: {key!r}") from None
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            info.add_itxt(key, value)
        else:
            info.add_text(key, value)
    out = io.BytesIO()
    # No timestamps or other varying chunks: identical input gives identical bytes.
    img.save(out, format="PNG", pnginfo=info, optimize=False, compress_level=6)
    return out.getvalue()


def encode_jpeg(img: Image.Image, quality: int = 90) -> bytes:
    """Baseline JPEG of the image, transparency flattened onto white."""
    if not 1 <= quality <= 95:
        raise ValueError("JPEG quality must be between 1 and 95")
    out = io.BytesIO()
    _flatten(img).save(out, format="JPEG", quality=quality, optimize=False)
    return out.getvalue()
