"""How catalog resources are written out: each declared once, as an output table.

Each table makes the resource's serializer (the API schema) and its fast row writer; see
``shop_ai.outputs``. Rows come from ``catalog.selectors`` (``product_rows`` and
``with_children``).
"""

from __future__ import annotations

from typing import Any

from catalog.formats.fields import CENT
from catalog.models import Product, ProductImage, ProductVariant
from shop_ai.outputs import DATETIME, MEDIA_URL, MediaUrlField, Out, OutputTable, decimal

MONEY = decimal(CENT)

VARIANT = OutputTable(
    [
        Out("sku"),
        Out("title"),
        Out("options"),
        Out("price", write=MONEY),
        Out("compare_at_price", write=MONEY),
        Out("stock"),
    ]
)

IMAGE = OutputTable(
    [
        Out("id"),
        Out("source"),
        Out("position"),
        Out("alt"),
        Out("status"),
        Out("error"),
        Out(
            "url",
            MediaUrlField("file"),
            column="file",
            write=MEDIA_URL,
        ),
        Out(
            "thumbnail_url",
            MediaUrlField("thumbnail"),
            column="thumbnail",
            write=MEDIA_URL,
        ),
        Out("width"),
        Out("height"),
        Out("sha256"),
    ]
)

VariantSerializer = VARIANT.serializer("VariantSerializer", ProductVariant)
ImageSerializer = IMAGE.serializer("ImageSerializer", ProductImage)

PRODUCT = OutputTable(
    [
        Out("id"),
        Out("sku"),
        Out("title"),
        Out("description_html"),
        Out("description_text"),
        Out("brand"),
        Out("category"),
        Out("price", write=MONEY),
        Out("currency"),
        Out("compare_at_price", write=MONEY),
        Out("stock"),
        Out("attributes"),
        Out("tags"),
        Out("published"),
        Out("content_hash"),
        # Rows carry their variants written: PostgreSQL writes them as the output is.
        Out(
            "variants",
            VariantSerializer(many=True, read_only=True),
            nested=VARIANT,
            prewritten=True,
        ),
        Out("images", ImageSerializer(many=True, read_only=True), nested=IMAGE),
        Out("created_at", write=DATETIME),
        Out("updated_at", write=DATETIME),
    ]
)

ProductSerializer = PRODUCT.serializer("ProductSerializer", Product)

# The product's own columns, which lists and detail read as rows; children come apart.
PRODUCT_COLUMNS = PRODUCT.columns


def product_outputs(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ProductSerializer's output for product rows with their children attached
    (``catalog.selectors.with_children``)."""
    return PRODUCT.write(rows)
