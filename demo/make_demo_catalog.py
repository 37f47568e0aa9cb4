"""Build demo/demo_catalog.zip: a small catalog in our CSV format with studio-style photos.

The photos are drawn here (simple product silhouettes on a light studio background) so
the demo needs no network and carries no third-party images. Re-run to regenerate.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

STUDIO = (236, 236, 232)
PRODUCTS: list[dict[str, Any]] = [
    {
        "sku": "MUG-STONE-350",
        "title": "Stoneware coffee mug, 350 ml",
        "description": "<p>Hand-glazed <b>stoneware</b> mug that keeps coffee warm.</p>"
        "<ul><li>350 ml</li><li>Dishwasher safe</li></ul>",
        "brand": "Kiln & Co",
        "category": "Home > Kitchen > Mugs",
        "price": "18.00",
        "compare_at_price": "24.00",
        "stock": "42",
        "tags": "kitchen, coffee, gift",
        "attributes": "material=stoneware;capacity=350 ml",
        "shape": "mug",
        "colour": (46, 94, 140),
    },
    {
        "sku": "LAMP-BRASS-01",
        "title": "Brass desk lamp",
        "description": "<p>Adjustable <b>brass</b> desk lamp with a warm LED.</p>",
        "brand": "Lumen",
        "category": "Home > Lighting",
        "price": "79.00",
        "compare_at_price": "",
        "stock": "8",
        "tags": "lighting, desk",
        "attributes": "material=brass;bulb=LED 6 W",
        "shape": "lamp",
        "colour": (181, 140, 52),
    },
    {
        "sku": "TEE-ORGANIC",
        "title": "Organic cotton tee",
        "description": "<p>Soft 100% organic cotton tee, relaxed fit.</p>",
        "brand": "Acme Apparel",
        "category": "Apparel > T-Shirts",
        "price": "25.00",
        "compare_at_price": "32.00",
        "stock": "120",
        "tags": "apparel, cotton, summer",
        "attributes": "material=100% organic cotton;fit=relaxed",
        "shape": "tee",
        "colour": (200, 70, 60),
    },
    {
        "sku": "BOTTLE-STEEL-750",
        "title": "Insulated steel bottle, 750 ml",
        "description": "<p>Double-walled stainless steel keeps drinks cold for 24 hours.</p>",
        "brand": "Trail",
        "category": "Outdoor > Bottles",
        "price": "29.00",
        "compare_at_price": "",
        "stock": "0",
        "tags": "outdoor, bottle",
        "attributes": "material=stainless steel;capacity=750 ml",
        "shape": "bottle",
        "colour": (70, 140, 110),
    },
]


def draw(shape: str, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (1000, 1000), STUDIO)
    d = ImageDraw.Draw(image)
    if shape == "mug":
        d.rounded_rectangle((300, 320, 640, 760), 40, fill=colour)
        d.ellipse((600, 420, 780, 640), outline=colour, width=44)
    elif shape == "lamp":
        d.polygon([(360, 260), (640, 260), (720, 480), (280, 480)], fill=colour)
        d.rectangle((485, 480, 515, 760), fill=(120, 92, 30))
        d.ellipse((360, 740, 640, 820), fill=colour)
    elif shape == "tee":
        d.polygon(
            [(330, 250), (430, 220), (570, 220), (670, 250), (800, 380), (700, 450),
             (660, 410), (660, 800), (340, 800), (340, 410), (300, 450), (200, 380)],
            fill=colour,
        )  # fmt: skip
    else:
        d.rounded_rectangle((400, 300, 600, 820), 60, fill=colour)
        d.rounded_rectangle((440, 200, 560, 310), 20, fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    rows = io.StringIO()
    columns = ["sku", "title", "description", "brand", "category", "price", "currency",
               "compare_at_price", "stock", "tags", "attributes", "image_urls"]  # fmt: skip
    writer = csv.DictWriter(rows, columns, extrasaction="ignore")
    writer.writeheader()
    target = Path(__file__).with_name("demo_catalog.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for product in PRODUCTS:
            path = f"images/{product['sku'].lower()}.png"
            archive.writestr(path, draw(product["shape"], product["colour"]))
            writer.writerow({**product, "currency": "USD", "image_urls": path})
        archive.writestr("catalog.csv", rows.getvalue())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
