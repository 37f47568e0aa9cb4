"""Write products as Shop AI CSV with spreadsheet formula injection neutralized.

The server never evaluates cell contents. Imported values are kept as the seller wrote
them; only the CSV we hand out is neutralized, because a spreadsheet opening it would
run a cell starting with = + - @ (or a tab / carriage return before one) as a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from catalog.formats.fields import FORMULA_STARTS
from catalog.formats.native import COLUMNS
from catalog.formats.records import ProductRecord


def neutralize_formula(value: str) -> str:
    """Prefix a quote to a cell a spreadsheet would treat as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_csv_export(records: Iterable[ProductRecord]) -> str:
    """One row per product, or one per variant; readable back by the native CSV reader."""
    return "".join(iter_csv_export(records))


def iter_csv_export(records: Iterable[ProductRecord]) -> Iterator[str]:
    """``write_csv_export`` line by line (header first), for streaming responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line

    writer.writerow(COLUMNS)
    yield flush()
    for record in records:
        for row in _rows(record):
            writer.writerow([neutralize_formula(row.get(column, "")) for column in COLUMNS])
        yield flush()


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _json_object(pairs: dict[str, str]) -> str:
    return json.dumps(pairs, ensure_ascii=False, sort_keys=True) if pairs else ""


def _rows(record: ProductRecord) -> list[dict[str, str]]:
    product = {
        "sku": record.sku,
        "title": record.title,
        "description": record.description_html,
        "brand": record.brand,
        "category": record.category,
        "price": _money(record.price),
        "currency": record.currency,
        "compare_at_price": _money(record.compare_at_price),
        "stock": "" if record.stock is None else str(record.stock),
        "tags": ", ".join(record.tags),
        "image_urls": "|".join(image.url_or_path for image in record.image_refs),
        "attributes": _json_object(record.attributes),
        "published": "" if record.published is None else str(record.published).lower(),
    }
    if not record.variants:
        return [product]
    return [
        product
        | {
            "variant_sku": variant.sku,
            "variant_title": variant.title,
            "options": _json_object(variant.options),
            "price": _money(variant.price),
            "compare_at_price": _money(variant.compare_at_price),
            "stock": "" if variant.stock is None else str(variant.stock),
        }
        for variant in record.variants
    ]
