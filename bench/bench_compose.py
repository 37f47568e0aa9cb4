"""Benchmark the compose layout engine: milliseconds per layout, cut-out and PNG encode, as JSON.

Run: python bench/bench_compose.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.layouts import LAYOUTS, BrandKit, LayoutInput, cut_out_product, encode_png
from content.layouts.cutout import cut_out_product_cached


def studio_photo(size: tuple[int, int] = (1600, 2000)) -> bytes:
    """A product-like shape on a light studio backdrop, about the size of a phone photo."""
    width, height = size
    img = Image.new("RGB", size, (232, 232, 234))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle(
        (width * 0.3, height * 0.25, width * 0.7, height * 0.9),
        radius=width // 12,
        fill=(200, 40, 48),
    )
    draw.rectangle((width * 0.42, height * 0.14, width * 0.58, height * 0.27), fill=(200, 40, 48))
    draw.rounded_rectangle(
        (width * 0.4, height * 0.08, width * 0.6, height * 0.16), radius=20, fill=(30, 30, 36)
    )
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=92)
    return out.getvalue()


def median_ms(work: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    photo = studio_photo()
    kit = BrandKit()
    inputs = {
        "en": LayoutInput(
            product_photo=photo,
            headline="Stay cold for 24 hours, anywhere you go",
            subheadline="Double-wall stainless steel bottle, 750 ml",
            features=("750 ml capacity", "Keeps drinks cold 24 h", "Leak-proof screw cap"),
            price_text="$19.99",
            compare_at_text="$24.99",
            offer_badge_text="20% OFF",
            brand_name="Northwind",
        ),
        "zh-CN": LayoutInput(
            product_photo=photo,
            headline="随身冰爽一整天，出行必备保温杯",  # noqa: RUF001
            subheadline="双层不锈钢真空保温，容量750毫升",  # noqa: RUF001
            features=("750毫升大容量", "保冷长达24小时", "防漏螺旋杯盖"),
            price_text="¥199",
            compare_at_text="¥249",
            offer_badge_text="限时8折",
            brand_name="北风",
            locale="zh-CN",
        ),
    }
    # Warm the font caches so the numbers show steady-state rendering.
    for spec in LAYOUTS.values():
        spec.render(inputs["en"], kit)
        spec.render(inputs["zh-CN"], kit)

    result: dict[str, object] = {
        "benchmark": "compose_layouts",
        "python": platform.python_version(),
        "repeat": args.repeat,
        "photo_px": list(Image.open(io.BytesIO(photo)).size),
        "cut_out_ms": median_ms(lambda: cut_out_product(photo), args.repeat),
    }
    per_layout: dict[str, dict[str, float]] = {}
    for locale, inp in inputs.items():
        for name, spec in LAYOUTS.items():
            # The cut-out is cached per photo across layouts, as in a content pack.
            per_layout.setdefault(name, {})[locale] = median_ms(
                partial(spec.render, inp, kit), args.repeat
            )
    result["layout_ms"] = per_layout
    image = LAYOUTS["hero_banner"].render(inputs["en"], kit)
    result["encode_png_ms_1920x1080"] = median_ms(
        lambda: encode_png(image, text_chunks={"AIGC": "{}"}), args.repeat
    )

    def full_pack() -> None:
        cut_out_product_cached.cache_clear()
        for spec in LAYOUTS.values():
            encode_png(spec.render(inputs["en"], kit), text_chunks={"AIGC": "{}"})

    result["pack_of_4_png_ms_cold_cutout"] = median_ms(full_pack, args.repeat)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
