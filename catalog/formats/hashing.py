"""Canonical fields and content hash of a product: equal content hashes equal across formats."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from catalog.formats.fields import CENT
from catalog.formats.records import ProductRecord


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def canonical_fields(record: ProductRecord) -> dict[str, Any]:
    """The fields that drive content generation, in an order-independent form.

    Stock, images, publication state and the source row are left out on purpose: they
    change often without changing what should be written about the product. Tags are
    sorted; variants are sorted by SKU.
    """
    return {
        "title": record.title,
        "description_text": record.description_text,
        "brand": record.brand,
        "category": record.category,
        "price": _money(record.price),
        "currency": record.currency,
        "compare_at_price": _money(record.compare_at_price),
        "attributes": dict(sorted(record.attributes.items())),
        "tags": sorted(set(record.tags)),
        "variants": [
            {
                "sku": variant.sku,
                "title": variant.title,
                "options": dict(sorted(variant.options.items())),
                "price": _money(variant.price),
                "compare_at_price": _money(variant.compare_at_price),
            }
            for variant in sorted(record.variants, key=lambda variant: variant.sku)
        ],
    }


def content_hash(record: ProductRecord) -> str:
    """SHA-256 hex digest of the canonical fields as compact, key-sorted JSON."""
    payload = json.dumps(
        canonical_fields(record), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
