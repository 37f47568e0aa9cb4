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


def import_hash(record: ProductRecord, content_digest: str) -> str:
    """SHA-256 hex digest of everything an import stores for the product.

    The content hash leaves out what changes often without changing what should be
    written about the product (stock, images, publication, the HTML); an import must still
    write those, so its "unchanged" test is this digest, of the content hash plus them.
    Which format the row came in is not part of it: the same product re-exported from
    another platform is unchanged.
    """
    # One flat list joined once: this runs for every product of every import. Counts
    # keep the variant and image runs apart; \x1f is a control character imports strip.
    parts = [
        content_digest,
        record.description_html,
        str(record.stock),
        str(record.published),
        str(len(record.variants)),
    ]
    for variant in record.variants:
        parts += (variant.sku, str(variant.stock))
    for image in record.image_refs:
        parts += (image.url_or_path, str(image.position), image.alt)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# The JSON of canonical_fields written out directly, byte for byte what the encoder above
# gives (keys in sorted order, same string escaping): several times faster, which matters
# when an import hashes every product of a large catalog. Values that are not strings make
# encode_basestring raise TypeError (so does hashing an unhashable one for the caches), and
# content_hash falls back.
_json_str = encode_basestring
# Prices, option sets and tag lists repeat across a catalog; their JSON is made once per
# distinct value. Cleared when full, to bound their memory.
_CACHE_ENTRIES = 4096
_money_json: dict[Decimal | None, str] = {None: "null"}
_pairs_json: dict[tuple[tuple[str, str], ...], str] = {}
_tags_json: dict[tuple[str, ...], str] = {}
_PRODUCT_JSON = (
    '{"attributes":%s,"brand":%s,"category":%s,"compare_at_price":%s,"currency":%s,'
    '"description_text":%s,"price":%s,"tags":%s,"title":%s,"variants":[%s]}'
)
_VARIANT_JSON = '{"compare_at_price":%s,"options":%s,"price":%s,"sku":%s,"title":%s}'


def _canonical_json(record: ProductRecord) -> str:
    variants = record.variants
    if len(variants) > 1:
        variants = sorted(variants, key=_variant_sku)
    # The caches answer most look-ups without a call (None is cached as "null").
    money = _money_json.get
    return _PRODUCT_JSON % (
        _json_pairs(record.attributes),
        _json_str(record.brand),
        _json_str(record.category),
        money(record.compare_at_price) or _json_money(record.compare_at_price),
        _json_str(record.currency),
        _json_str(record.description_text),
        money(record.price) or _json_money(record.price),
        _json_tags(record.tags),
        _json_str(record.title),
        ",".join(
            [
                _VARIANT_JSON
                % (
                    money(variant.compare_at_price) or _json_money(variant.compare_at_price),
                    _pairs_json.get(tuple(variant.options.items())) or _json_pairs(variant.options),
                    money(variant.price) or _json_money(variant.price),
                    _json_str(variant.sku),
                    _json_str(variant.title),
                )
                for variant in variants
            ]
        ),
    )


def _json_pairs(pairs: dict[str, str]) -> str:
    key = tuple(pairs.items())
    text = _pairs_json.get(key)
    if text is None:
        items = [_json_str(name) + ":" + _json_str(value) for name, value in sorted(key)]
        text = "{" + ",".join(items) + "}"
        _remember(_pairs_json, key, text)
    return text


def _json_tags(tags: list[str]) -> str:
    key = tuple(tags)
    text = _tags_json.get(key)
    if text is None:
        text = "[" + ",".join([_json_str(tag) for tag in sorted(set(tags))]) + "]"
        _remember(_tags_json, key, text)
    return text


def _json_money(value: Decimal | None) -> str:
    if value is None:
        return "null"
    text = _money_json.get(value)
    if text is None:
        text = _json_str(str(value.quantize(CENT)))
        if value:  # 0 and -0 are equal but quantize differently; never cache them
            _remember(_money_json, value, text)
    return text


def _remember(cache: dict[Any, str], key: Any, text: str) -> None:
    if len(cache) >= _CACHE_ENTRIES:
        cache.clear()
        if cache is _money_json:
            cache[None] = "null"
    cache[key] = text
