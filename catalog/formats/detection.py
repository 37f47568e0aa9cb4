"""Recognise a catalog upload's format from its content (and, for JSON Lines, its name)."""

from __future__ import annotations

import csv
import io
import json
import re

from catalog.formats import google_merchant, native, shopify, woocommerce
from catalog.formats.archive import is_zip
from catalog.formats.csv_rows import normalize_header, sniff_delimiter
from catalog.formats.errors import CatalogFileError
from catalog.formats.records import DEFAULT_LIMITS, ParseLimits
from catalog.formats.text_decoding import decode_catalog_text

ZIP_FORMAT = "zip"
FORMATS = (
    shopify.FORMAT,
    woocommerce.FORMAT,
    google_merchant.XML_FORMAT,
    google_merchant.TSV_FORMAT,
    native.CSV_FORMAT,
    native.JSON_FORMAT,
    native.JSONL_FORMAT,
    ZIP_FORMAT,
)
_ALIASES = {
    "shopify": shopify.FORMAT,
    "woocommerce": woocommerce.FORMAT,
    "woo": woocommerce.FORMAT,
    "csv": native.CSV_FORMAT,
    "native": native.CSV_FORMAT,
    "json": native.JSON_FORMAT,
    "jsonl": native.JSONL_FORMAT,
    "ndjson": native.JSONL_FORMAT,
    "google_merchant": "google",
    "google": "google",  # XML or TSV: decided by content
}
_XML_DTD = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HEAD_CHARS = 65_536


def normalize_format_name(name: str) -> str:
    """An explicit format name or alias; 'google' stays open until the content is seen."""
    key = name.strip().lower().replace("-", "_")
    if key in FORMATS:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    raise CatalogFileError(
        "unknown_format", f"Unknown format '{name[:40]}'. Known formats: {', '.join(FORMATS)}."
    )


def detect_format(
    data: bytes, *, filename: str | None = None, limits: ParseLimits = DEFAULT_LIMITS
) -> str:
    """The format name parse_catalog would use for these bytes (a ZIP answers 'zip')."""
    if len(data) > limits.max_bytes:
        raise CatalogFileError(
            "file_too_large", f"The file is larger than {limits.max_bytes // 2**20} MB."
        )
    if is_zip(data):
        return ZIP_FORMAT
    text, _encoding = decode_catalog_text(data)
    return detect_text_format(text, filename=filename)


def detect_text_format(text: str, *, filename: str | None = None) -> str:
    head = text[:_HEAD_CHARS].lstrip()
    if head.startswith("<"):
        return _detect_xml(head)
    if head.startswith("["):
        return native.JSON_FORMAT
    if head.startswith("{"):
        return _detect_json(head, text, filename)
    return _detect_columns(head)


def resolve_google(text: str) -> str:
    if text[:_HEAD_CHARS].lstrip().startswith("<"):
        return google_merchant.XML_FORMAT
    return google_merchant.TSV_FORMAT


def _detect_xml(head: str) -> str:
    if google_merchant.GOOGLE_NS in head or re.search(r"<(?:rss|feed)[\s>]", head):
        return google_merchant.XML_FORMAT
    if _XML_DTD.search(head):
        raise CatalogFileError("xml_forbidden", "XML with a DTD or entities is not accepted.")
    raise CatalogFileError(
        "unknown_format",
        "This XML is not a Google Merchant Center feed (RSS 2.0 or Atom with the g: namespace).",
    )


def _detect_json(head: str, text: str, filename: str | None) -> str:
    if filename and filename.lower().endswith((".jsonl", ".ndjson")):
        return native.JSONL_FORMAT
    first_line, _, rest = head.partition("\n")
    try:
        json.loads(first_line)
    except (ValueError, RecursionError):
        return native.JSON_FORMAT
    # A complete object on the first line with more content after it is JSON Lines.
    return native.JSONL_FORMAT if (rest.strip() or len(text) > len(head)) else native.JSON_FORMAT


def _detect_columns(head: str) -> str:
    try:
        raw_header = next(
            csv.reader(io.StringIO(head, newline=""), delimiter=sniff_delimiter(head))
        )
    except (StopIteration, csv.Error):
        raw_header = []
    header = {normalize_header(name) for name in raw_header}
    if shopify.looks_like_shopify(header):
        return shopify.FORMAT
    if woocommerce.looks_like_woocommerce(header):
        return woocommerce.FORMAT
    if native.looks_like_native_csv(header):
        return native.CSV_FORMAT
    if google_merchant.looks_like_google_tsv(
        {google_merchant.google_header(name) for name in raw_header}
    ):
        return google_merchant.TSV_FORMAT
    seen = ", ".join(name.strip()[:30] for name in raw_header[:6]) or "none"
    raise CatalogFileError(
        "unknown_format",
        "The columns were not recognised as a Shopify, WooCommerce, Google Merchant Center or "
        f"Shop AI catalog (first columns: {seen}).",
    )
