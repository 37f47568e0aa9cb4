"""Product cut-out: lift a product off a uniform studio background into an RGBA image."""

from __future__ import annotations

import io
from collections import deque
from functools import lru_cache
from typing import cast

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

# Large photos are reduced first: marketing canvases never need more than this.
MAX_WORKING_SIDE = 2000
# Connectivity is traced on a small copy; the full-size threshold keeps the edge sharp.
_FLOOD_SIDE = 256
# A background counts as uniform when this share of border pixels is close to its colour.
_UNIFORM_BORDER_SHARE = 0.6


def open_photo(photo: bytes | Image.Image) -> Image.Image:
    """Decode, apply the EXIF orientation and normalise to RGB or RGBA."""
    img = Image.open(io.BytesIO(photo)) if isinstance(photo, bytes) else photo
    img = ImageOps.exif_transpose(img)
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    img = img.convert("RGBA" if has_alpha else "RGB")
    if max(img.size) > MAX_WORKING_SIDE:
        img.thumbnail((MAX_WORKING_SIDE, MAX_WORKING_SIDE), Image.Resampling.LANCZOS)
    return img


def _border_pixels(img: Image.Image, thickness: int) -> Image.Image:
    """The frame of the image laid out as one strip, for statistics."""
    w, h = img.size
    t = max(1, min(thickness, w // 4, h // 4))
    strips = [
        img.crop((0, 0, w, t)),
        img.crop((0, h - t, w, h)),
        img.crop((0, t, t, h - t)).rotate(90, expand=True),
        img.crop((w - t, t, w, h - t)).rotate(90, expand=True),
    ]
    strip = Image.new(img.mode, (sum(s.width for s in strips), t))
    x = 0
    for s in strips:
        strip.paste(s, (x, 0))
        x += s.width
    return strip


def estimate_background(rgb: Image.Image) -> tuple[int, int, int]:
    """Median colour of the image border: the studio backdrop when there is one."""
    thickness = max(2, min(rgb.size) // 50)
    median = ImageStat.Stat(_border_pixels(rgb, thickness)).median
    return (int(median[0]), int(median[1]), int(median[2]))


def _distance_from(rgb: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """Per-pixel largest channel difference from `colour` (an L image, 0 = same colour)."""
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour))
    r, g, b = diff.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def _connected_to_border(candidate: Image.Image) -> Image.Image:
    """Flood fill from every border pixel through `candidate` (255) pixels; returns an L mask."""
    w, h = candidate.size
    data = candidate.tobytes()
    seen = bytearray(w * h)
    queue: deque[int] = deque()
    border = [*range(w), *range((h - 1) * w, h * w)]
    border += [y * w for y in range(h)] + [y * w + w - 1 for y in range(h)]
    for i in border:
        if data[i] and not seen[i]:
            seen[i] = 255
            queue.append(i)
    while queue:
        i = queue.popleft()
        x = i % w
        for j in (i - w, i + w, i - 1 if x > 0 else -1, i + 1 if x < w - 1 else -1):
            if 0 <= j < w * h and data[j] and not seen[j]:
                seen[j] = 255
                queue.append(j)
    return Image.frombytes("L", (w, h), bytes(seen))


def _crop_to_content(img: Image.Image) -> Image.Image:
    # Ignore near-invisible fringe when finding the product's box.
    bbox = img.getchannel("A").point(lambda v: 255 if v > 8 else 0).getbbox()
    return img.crop(bbox) if bbox else img


def remove_uniform_background(rgb: Image.Image, *, tolerance: int = 28) -> Image.Image:
    """Make the border-connected region close to the border colour transparent.

    Pixels within `tolerance` of the backdrop colour become background when they connect
    to the frame, so light parts inside the product stay opaque. Between `tolerance` and
    twice it the alpha ramps up, which keeps anti-aliased edges and soft shadows smooth,
    and a small blur feathers the final edge.
    """
    background = estimate_background(rgb)
    distance = _distance_from(rgb, background)
    near = distance.point(lambda v: 255 if v <= tolerance else 0)
    scale = min(1.0, _FLOOD_SIDE / max(rgb.size))
    small_size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
    # A small pixel is a flood candidate only when all of its block is near the backdrop.
    small_near = near.filter(ImageFilter.MinFilter(3)) if scale < 1 else near
    small_near = small_near.resize(small_size, Image.Resampling.BOX).point(
        lambda v: 255 if v >= 250 else 0
    )
    reachable = _connected_to_border(small_near)
    # Grow the traced region back to full size and a little beyond, then let the
    # full-resolution threshold decide the exact edge.
    reachable = reachable.filter(ImageFilter.MaxFilter(3)).resize(
        rgb.size, Image.Resampling.BILINEAR
    )
    reachable = reachable.point(lambda v: 255 if v > 0 else 0)
    ramp = distance.point(
        lambda v: 0 if v <= tolerance else min(255, (v - tolerance) * 255 // max(tolerance, 1))
    )
    # Outside the reachable region everything is product (alpha 255).
    alpha = ImageChops.lighter(ramp, ImageChops.invert(reachable))
    alpha = alpha.filter(ImageFilter.GaussianBlur(max(0.6, min(rgb.size) / 800)))
    out = rgb.convert("RGBA")
    out.putalpha(alpha)
    return out


def _border_is_uniform(rgb: Image.Image, tolerance: int) -> bool:
    background = estimate_background(rgb)
    border = _border_pixels(_distance_from(rgb, background), max(2, min(rgb.size) // 50))
    close = border.point(lambda v: 255 if v <= tolerance else 0)
    return ImageStat.Stat(close).mean[0] / 255 >= _UNIFORM_BORDER_SHARE


def cut_out_product(photo: bytes | Image.Image, *, tolerance: int = 28) -> Image.Image:
    """An RGBA image of just the product, cropped to its bounding box.

    - A photo whose alpha channel already has transparency keeps that alpha.
    - A photo on a uniform studio backdrop loses the backdrop.
    - Anything else (a lifestyle photo) is kept whole, as an opaque rectangle.
    """
    img = open_photo(photo)
    if img.mode == "RGBA" and cast("tuple[int, int]", img.getchannel("A").getextrema())[0] < 255:
        return _crop_to_content(img)
    rgb = img.convert("RGB")
    if not _border_is_uniform(rgb, tolerance):
        return rgb.convert("RGBA")
    return _crop_to_content(remove_uniform_background(rgb, tolerance=tolerance))


@lru_cache(maxsize=8)
def cut_out_product_cached(photo: bytes) -> Image.Image:
    """Cut-out shared by the layouts of one product; callers must not modify the result."""
    return cut_out_product(photo)
