"""Canonical fields and content hash of a product: equal content hashes equal across formats."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

from catalog.formats.fields import CENT
from catalog.formats.records import ProductRecord, VariantRecord

# Built once: json.dumps() with options builds a new encoder on every call.
_ENCODE_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":")
).encode


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def _variant_sku(variant: VariantRecord) -> str:
    return variant.sku


def canonical_fields(record: ProductRecord) -> dict[str, Any]:
    """The fields that drive content generation, in an order-independent form.

    Stock, images, publication state and the source row are left out on purpose: they
    change often without changing what should be written about the product. Tags are
    sorted; variants are sorted by SKU.
    """
    fields = _unordered_fields(record)
    fields["attributes"] = dict(sorted(record.attributes.items()))
    for variant in fields["variants"]:
        variant["options"] = dict(sorted(variant["options"].items()))
    return fields


def _unordered_fields(record: ProductRecord) -> dict[str, Any]:
    # canonical_fields without sorting dict keys: the hash's encoder sorts keys itself.
    return {
        "title": record.title,
        "description_text": record.description_text,
        "brand": record.brand,
        "category": record.category,
        "price": _money(record.price),
        "currency": record.currency,
        "compare_at_price": _money(record.compare_at_price),
        "attributes": record.attributes,
        "tags": sorted(set(record.tags)),
        "variants": [
            {
                "sku": variant.sku,
                "title": variant.title,
                "options": variant.options,
                "price": _money(variant.price),
                "compare_at_price": _money(variant.compare_at_price),
            }
            for variant in (
                sorted(record.variants, key=_variant_sku)
                if len(record.variants) > 1
                else record.variants
            )
        ],
    }


def content_hash(record: ProductRecord) -> str:
    """SHA-256 hex digest of the canonical fields as compact, key-sorted JSON."""
    try:
        payload = _canonical_json(record)
    except TypeError:  # a value that is not text: the generic encoder decides what it is
        payload = _ENCODE_CANONICAL(_unordered_fields(record))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# The JSON of canonical_fields written out directly, byte for byte what the encoder above
# gives (keys in sorted order, same string escaping): about three times faster, which
# matters when an import hashes every product of a large catalog. Values that are not
# strings make encode_basestring raise TypeError, and content_hash falls back.
_json_str = encode_basestring


def _canonical_json(record: ProductRecord) -> str:
    variants = record.variants
    if len(variants) > 1:
        variants = sorted(variants, key=_variant_sku)
    return "".join(
        [
            '{"attributes":',
            _json_pairs(record.attributes),
            ',"brand":',
            _json_str(record.brand),
            ',"category":',
            _json_str(record.category),
            ',"compare_at_price":',
            _json_money(record.compare_at_price),
            ',"currency":',
            _json_str(record.currency),
            ',"description_text":',
            _json_str(record.description_text),
            ',"price":',
            _json_money(record.price),
            ',"tags":[',
            ",".join([_json_str(tag) for tag in sorted(set(record.tags))]),
            '],"title":',
            _json_str(record.title),
            ',"variants":[',
            ",".join([_variant_json(variant) for variant in variants]),
            "]}",
        ]
    )


def _variant_json(variant: VariantRecord) -> str:
    return "".join(
        [
            '{"compare_at_price":',
            _json_money(variant.compare_at_price),
            ',"options":',
            _json_pairs(variant.options),
            ',"price":',
            _json_money(variant.price),
            ',"sku":',
            _json_str(variant.sku),
            ',"title":',
            _json_str(variant.title),
            "}",
        ]
    )


def _json_pairs(pairs: dict[str, str]) -> str:
    items = [_json_str(key) + ":" + _json_str(value) for key, value in sorted(pairs.items())]
    return "{" + ",".join(items) + "}"


def _json_money(value: Decimal | None) -> str:
    return "null" if value is None else _json_str(str(value.quantize(CENT)))
