"""Drawing primitives: gradients, anti-aliased shapes, soft shadows and product placement."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFilter

from content.layouts.colors import RGB, RGBA

# Shapes are drawn at this multiple and scaled down, since Pillow's shapes have no anti-aliasing.
SUPERSAMPLE = 4

Box = tuple[int, int, int, int]


def linear_gradient(
    size: tuple[int, int], start: RGB, end: RGB, *, angle: float = 0.0
) -> Image.Image:
    """An RGB image blending `start` into `end` along `angle` degrees (0 = left to right)."""
    width, height = size
    # A smooth blend loses nothing when built at quarter size and scaled up.
    small_w, small_h = max(2, width // 4), max(2, height // 4)
    ramp = Image.linear_gradient("L").rotate(90)  # left (0) to right (255)
    # Rotate a generous square ramp, then crop the middle so the blend covers the canvas.
    side = math.ceil(math.hypot(small_w, small_h))
    ramp = ramp.resize((side, side), Image.Resampling.BILINEAR)
    if angle:
        ramp = ramp.rotate(-angle, resample=Image.Resampling.BILINEAR)
    left, top = (side - small_w) // 2, (side - small_h) // 2
    mask = ramp.crop((left, top, left + small_w, top + small_h))
    mask = mask.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def radial_glow(
    size: tuple[int, int], centre: tuple[int, int], radius: int, colour: RGBA
) -> Image.Image:
    """A transparent RGBA layer with a soft round glow of `colour` around `centre`."""
    scale = 8  # the glow is smooth, so a small mask blown up is indistinguishable and far cheaper
    small = Image.new("L", (max(1, size[0] // scale), max(1, size[1] // scale)), 0)
    cx, cy, r = centre[0] / scale, centre[1] / scale, radius / scale
    ImageDraw.Draw(small).ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour[3])
    small = small.filter(ImageFilter.GaussianBlur(r * 0.35))
    mask = small.resize(size, Image.Resampling.BILINEAR)
    layer = Image.new("RGBA", size, (*colour[:3], 0))
    layer.putalpha(mask)
    return layer


def _shape_mask(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    mask = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    return mask, ImageDraw.Draw(mask)


def _paste_mask(img: Image.Image, mask: Image.Image, origin: tuple[int, int], fill: RGBA) -> None:
    width, height = mask.size[0] // SUPERSAMPLE, mask.size[1] // SUPERSAMPLE
    # Box-averaging the supersampled mask is exactly the coverage anti-aliasing needs.
    small = mask.reduce(SUPERSAMPLE)
    if fill[3] < 255:
        small = small.point(lambda v: v * fill[3] // 255)
    layer = Image.new("RGBA", (width, height), (*fill[:3], 255))
    layer.putalpha(small)
    if img.mode == "RGBA":
        img.alpha_composite(layer, origin)
    else:
        img.paste(layer, origin, layer)


def fill_rounded_rect(img: Image.Image, box: Box, radius: int, fill: RGBA) -> None:
    """Anti-aliased rounded rectangle; `radius` is clamped to half the shorter side."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if width <= 0 or height <= 0:
        return
    radius = min(radius, width // 2, height // 2)
    mask, draw = _shape_mask(width, height)
    s = SUPERSAMPLE
    draw.rounded_rectangle((0, 0, width * s - 1, height * s - 1), radius=radius * s, fill=255)
    _paste_mask(img, mask, (x0, y0), fill)


def fill_ellipse(img: Image.Image, box: Box, fill: RGBA) -> None:
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if width <= 0 or height <= 0:
        return
    mask, draw = _shape_mask(width, height)
    draw.ellipse((0, 0, width * SUPERSAMPLE - 1, height * SUPERSAMPLE - 1), fill=255)
    _paste_mask(img, mask, (x0, y0), fill)


def fill_polygon(img: Image.Image, points: Sequence[tuple[float, float]], fill: RGBA) -> None:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, y0 = math.floor(min(xs)), math.floor(min(ys))
    width, height = math.ceil(max(xs)) - x0 + 1, math.ceil(max(ys)) - y0 + 1
    mask, draw = _shape_mask(width, height)
    s = SUPERSAMPLE
    draw.polygon([((x - x0) * s, (y - y0) * s) for x, y in points], fill=255)
    _paste_mask(img, mask, (x0, y0), fill)


def stroke_polyline(
    img: Image.Image, points: Sequence[tuple[float, float]], width: int, fill: RGBA
) -> None:
    """Anti-aliased thick line through `points` with round joints (icons, strike-throughs)."""
    pad = width
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, y0 = math.floor(min(xs)) - pad, math.floor(min(ys)) - pad
    w, h = math.ceil(max(xs)) - x0 + pad, math.ceil(max(ys)) - y0 + pad
    mask, draw = _shape_mask(w, h)
    s = SUPERSAMPLE
    scaled = [((x - x0) * s, (y - y0) * s) for x, y in points]
    draw.line(scaled, fill=255, width=width * s, joint="curve")
    r = width * s / 2
    for x, y in (scaled[0], scaled[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    _paste_mask(img, mask, (x0, y0), fill)


def star_points(
    centre: tuple[float, float], outer: float, inner: float, spikes: int, rotation: float = -90.0
) -> list[tuple[float, float]]:
    """Vertices of a star or starburst polygon."""
    points = []
    for i in range(spikes * 2):
        r = outer if i % 2 == 0 else inner
        a = math.radians(rotation + i * 180 / spikes)
        points.append((centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)))
    return points


def fit_within(img: Image.Image, max_width: int, max_height: int) -> Image.Image:
    """Scale (up or down) to the largest size that fits the box, keeping the aspect ratio."""
    scale = min(max_width / img.width, max_height / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    if size == img.size:
        return img.copy()
    return img.resize(size, Image.Resampling.LANCZOS)


def paste_centred(canvas: Image.Image, layer: Image.Image, centre: tuple[int, int]) -> Box:
    """Composite an RGBA layer centred on `centre`; returns where it landed."""
    x = round(centre[0] - layer.width / 2)
    y = round(centre[1] - layer.height / 2)
    if canvas.mode == "RGBA":
        canvas.alpha_composite(layer, (x, y))
    else:
        canvas.paste(layer, (x, y), layer)
    return (x, y, x + layer.width, y + layer.height)


def contact_shadow(canvas: Image.Image, product_box: Box, *, strength: int = 90) -> None:
    """A soft elliptical shadow under the product, so it sits on the surface instead of floating."""
    x0, _, x1, y1 = product_box
    width = x1 - x0
    shadow_w, shadow_h = int(width * 0.8), max(8, int(width * 0.08))
    cx, cy = (x0 + x1) // 2, y1 - shadow_h // 4
    scale = 4
    pad = shadow_h
    small = Image.new("L", ((shadow_w + 2 * pad) // scale, (shadow_h + 2 * pad) // scale), 0)
    ImageDraw.Draw(small).ellipse(
        (pad // scale, pad // scale, (pad + shadow_w) // scale, (pad + shadow_h) // scale),
        fill=strength,
    )
    small = small.filter(ImageFilter.GaussianBlur(max(1, shadow_h // scale // 2)))
    mask = small.resize((shadow_w + 2 * pad, shadow_h + 2 * pad), Image.Resampling.BILINEAR)
    layer = Image.new("RGBA", mask.size, (0, 0, 0, 0))
    layer.putalpha(mask)
    paste_centred(canvas, layer, (cx, cy))
