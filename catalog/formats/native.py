"""Read Shop AI's own catalog formats: CSV (see COLUMNS) and JSON / JSON Lines.

CSV: one row per product, or one row per variant. Consecutive rows sharing `sku` whose
`variant_sku` is set are the variants of that product; product fields are read from the
first of them, and each row's price, compare_at_price and stock are the variant's.

JSON: an array of product objects, or an object `{"products": [...]}`, or one product
object. JSON Lines: one product object per line. Each product follows
PRODUCT_JSON_SCHEMA; keys it does not name are ignored.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from catalog.formats.csv_rows import ReadStats, read_table
from catalog.formats.drafts import DraftImage, DraftProduct, DraftVariant
from catalog.formats.errors import CatalogFileError
from catalog.formats.fields import (
    FieldProblem,
    excerpt,
    parse_bool,
    parse_key_values,
    restore_formula,
    scalar_text,
    split_list,
    split_urls,
)
from catalog.formats.records import ParseLimits, RowError

CSV_FORMAT = "native_csv"
JSON_FORMAT = "native_json"
JSONL_FORMAT = "native_jsonl"

COLUMNS: dict[str, str] = {
    "sku": "Required. Product SKU, at most 64 characters, unique in the file.",
    "title": "Required. Product title, at most 255 characters.",
    "description": "HTML or plain text, at most 64 KB; HTML is sanitized.",
    "brand": "Brand name.",
    "category": "Category path such as 'Home > Kitchen > Pots'.",
    "price": "Required. Like 19.99: positive, at most 2 decimals. On a variant row: its price.",
    "currency": "ISO 4217 code such as USD or CNY; defaults to the import's default currency.",
    "compare_at_price": "Optional price before discount; not below price.",
    "stock": "Optional whole number >= 0.",
    "tags": "Comma-separated tags.",
    "image_urls": "http(s) URLs, or paths inside the uploaded ZIP, separated by '|' or ','.",
    "attributes": 'key=value;key=value, or a JSON object such as {"material": "cotton"}.',
    "published": "Optional true/false.",
    "variant_sku": "Optional. Set on every row of a product that has variants.",
    "variant_title": "Optional variant title; defaults to its option values.",
    "options": "The variant's options, key=value;key=value or a JSON object.",
}

_MONEY_SCHEMA: dict[str, Any] = {
    "type": ["string", "number"],
    "pattern": r"^\d+(\.\d{1,2})?$",
    "exclusiveMinimum": 0,
}
_OPTIONAL_MONEY_SCHEMA: dict[str, Any] = {**_MONEY_SCHEMA, "type": ["string", "number", "null"]}
_STOCK_SCHEMA: dict[str, Any] = {"type": ["integer", "string", "null"], "minimum": 0}
_SCALAR_MAP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": ["string", "number", "boolean"]},
}
_VARIANT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["price"],
    "properties": {
        "sku": {"type": "string", "maxLength": 64},
        "title": {"type": "string", "maxLength": 255},
        "options": _SCALAR_MAP_SCHEMA,
        "price": _MONEY_SCHEMA,
        "compare_at_price": _OPTIONAL_MONEY_SCHEMA,
        "stock": _STOCK_SCHEMA,
    },
}
PRODUCT_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Shop AI catalog product",
    "description": "One product of a JSON or JSON Lines catalog import. Unknown keys are ignored.",
    "type": "object",
    "required": ["sku", "title"],
    "anyOf": [{"required": ["price"]}, {"required": ["variants"]}],
    "properties": {
        "sku": {"type": "string", "minLength": 1, "maxLength": 64},
        "title": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": {"type": "string", "description": "HTML or plain text, at most 64 KB"},
        "brand": {"type": "string", "maxLength": 255},
        "category": {"type": "string", "maxLength": 255},
        "price": _MONEY_SCHEMA,
        "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        "compare_at_price": _OPTIONAL_MONEY_SCHEMA,
        "stock": _STOCK_SCHEMA,
        "tags": {"type": "array", "items": {"type": "string"}},
        "images": {
            "type": "array",
            "items": {
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "required": ["url"],
                        "properties": {
                            "url": {"type": "string"},
                            "alt": {"type": "string"},
                            "position": {"type": "integer", "minimum": 1},
                        },
                    },
                ]
            },
        },
        "attributes": _SCALAR_MAP_SCHEMA,
        "published": {"type": ["boolean", "null"]},
        "variants": {"type": "array", "items": _VARIANT_SCHEMA},
    },
}

_CSV_FIELDS = {name: name for name in COLUMNS} | {
    "images": "image_urls",
    "variant_price": "price",
    "variant_compare_at_price": "compare_at_price",
    "variant_stock": "stock",
    "variant_title": "variant_title",
    "variant_options": "options",
}


def looks_like_native_csv(header: set[str]) -> bool:
    return {"sku", "title", "price"} <= header


def read_native_csv(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    table = read_table(text, limits=limits, stats=stats)
    cell = {name: _restoring(table.getter(name)) for name in COLUMNS}
    columns = {field: table.label(name) for field, name in _CSV_FIELDS.items()}
    current: DraftProduct | None = None
    for row_number, row in table.rows:
        sku = cell["sku"](row).strip()
        variant_sku = cell["variant_sku"](row).strip()
        continues_product = (
            current is not None and bool(sku) and bool(variant_sku) and sku == current.sku
        )
        if not continues_product:
            if current is not None:
                yield current
            current = _csv_product(row_number, row, cell, columns)
            if not variant_sku:
                continue
        assert current is not None
        options = _key_values(current, row_number, columns["options"], cell["options"](row))
        current.variants.append(
            DraftVariant(
                row_number=row_number,
                sku=variant_sku,
                title=cell["variant_title"](row),
                options=options,
                price=cell["price"](row),
                compare_at_price=cell["compare_at_price"](row),
                stock=cell["stock"](row),
            )
        )
    if current is not None:
        yield current


def _restoring(get: Callable[[list[str]], str]) -> Callable[[list[str]], str]:
    return lambda row: restore_formula(get(row))


def _csv_product(
    row_number: int,
    row: list[str],
    cell: dict[str, Callable[[list[str]], str]],
    columns: dict[str, str],
) -> DraftProduct:
    draft = DraftProduct(
        row_number=row_number,
        source_format=CSV_FORMAT,
        columns=columns,
        sku=cell["sku"](row).strip(),
        title=cell["title"](row),
        description=cell["description"](row),
        brand=cell["brand"](row),
        category=cell["category"](row),
        price=cell["price"](row),
        currency=cell["currency"](row),
        compare_at_price=cell["compare_at_price"](row),
        stock=cell["stock"](row),
        tags=split_list(cell["tags"](row)),
        images=[DraftImage(row_number, ref) for ref in split_urls(cell["image_urls"](row))],
        published=parse_bool(cell["published"](row)),
    )
    draft.attributes = _key_values(
        draft, row_number, columns["attributes"], cell["attributes"](row)
    )
    return draft


def _key_values(draft: DraftProduct, row_number: int, column: str, raw: str) -> dict[str, str]:
    try:
        return parse_key_values(raw)
    except FieldProblem as problem:
        draft.problem(row_number, column, raw, f"{column.capitalize()} {problem}.")
        return {}


# -- JSON -----------------------------------------------------------------------------------


def read_native_json(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    document = _load_json(text)
    if isinstance(document, dict):
        products = document.get("products", [document] if "sku" in document else None)
    else:
        products = document
    if not isinstance(products, list):
        raise CatalogFileError(
            "malformed",
            'The JSON must be an array of products or an object {"products": [...]}.',
        )
    for index, item in enumerate(products, start=1):
        stats.rows += 1
        if stats.rows > limits.max_rows:
            raise CatalogFileError("too_many_rows", f"More than {limits.max_rows} products.")
        yield _json_product(index, item, JSON_FORMAT)


def read_native_jsonl(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    for line_number, line in enumerate(io.StringIO(text), start=1):
        if not line.strip():
            continue
        stats.rows += 1
        if stats.rows > limits.max_rows:
            raise CatalogFileError("too_many_rows", f"More than {limits.max_rows} lines.")
        try:
            item = json.loads(line, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            yield RowError(line_number, "", excerpt(line), f"The line is not valid JSON ({exc}).")
            continue
        yield _json_product(line_number, item, JSONL_FORMAT)


def _load_json(text: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except RecursionError:
        raise CatalogFileError("malformed", "The JSON is nested too deeply.") from None
    except ValueError as exc:
        raise CatalogFileError("malformed", f"The file is not valid JSON ({exc}).") from None


class _JsonFields:
    """Reads one JSON object's fields as text, noting type problems on the draft."""

    def __init__(self, draft: DraftProduct, source: dict[str, Any], prefix: str = "") -> None:
        self.draft = draft
        self.source = source
        self.prefix = prefix

    def text(self, key: str) -> str:
        value = self.source.get(key)
        try:
            return scalar_text(value)
        except FieldProblem as problem:
            self.draft.problem(
                self.draft.row_number, self.prefix + key, str(value), f"{key} {problem}."
            )
            return ""

    def mapping(self, key: str) -> dict[str, str]:
        value = self.source.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.draft.problem(
                self.draft.row_number, self.prefix + key, str(value), f"{key} must be an object."
            )
            return {}
        result: dict[str, str] = {}
        for name, item in value.items():
            try:
                result[str(name)] = scalar_text(item)
            except FieldProblem as problem:
                self.draft.problem(
                    self.draft.row_number,
                    f"{self.prefix}{key}.{name}",
                    str(item),
                    f"{name} {problem}.",
                )
        return result

    def items(self, key: str) -> list[Any]:
        value = self.source.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.draft.problem(
                self.draft.row_number, self.prefix + key, str(value), f"{key} must be an array."
            )
            return []
        return value


def _json_product(row_number: int, item: Any, source_format: str) -> DraftProduct | RowError:
    if not isinstance(item, dict):
        return RowError(row_number, "", excerpt(str(item)), "Each product must be a JSON object.")
    draft = DraftProduct(
        row_number=row_number,
        source_format=source_format,
        columns={"images": "images", "variants": "variants"},
    )
    fields = _JsonFields(draft, item)
    draft.sku = fields.text("sku")
    draft.title = fields.text("title")
    draft.description = fields.text("description")
    draft.brand = fields.text("brand")
    draft.category = fields.text("category")
    draft.price = fields.text("price")
    draft.currency = fields.text("currency")
    draft.compare_at_price = fields.text("compare_at_price")
    draft.stock = fields.text("stock")
    draft.attributes = fields.mapping("attributes")
    published = item.get("published")
    draft.published = published if isinstance(published, bool) else None
    for tag in fields.items("tags"):
        if isinstance(tag, str):
            draft.tags.append(tag)
        else:
            draft.problem(row_number, "tags", str(tag), "Tags must be strings.")
    for image in fields.items("images") or fields.items("image_urls"):
        if isinstance(image, str):
            draft.images.append(DraftImage(row_number, image))
        elif isinstance(image, dict) and isinstance(image.get("url"), str):
            position = image.get("position")
            alt = image.get("alt")
            draft.images.append(
                DraftImage(
                    row_number,
                    image["url"],
                    position if isinstance(position, int) and position > 0 else None,
                    alt if isinstance(alt, str) else "",
                )
            )
        else:
            draft.problem(
                row_number, "images", str(image), 'An image must be a URL or {"url": ...}.'
            )
    for index, variant in enumerate(fields.items("variants")):
        prefix = f"variants[{index}]."
        if not isinstance(variant, dict):
            draft.problem(
                row_number, prefix.rstrip("."), str(variant), "A variant must be an object."
            )
            continue
        variant_fields = _JsonFields(draft, variant, prefix)
        draft.variants.append(
            DraftVariant(
                row_number=row_number,
                sku=variant_fields.text("sku"),
                title=variant_fields.text("title"),
                options=variant_fields.mapping("options"),
                price=variant_fields.text("price"),
                compare_at_price=variant_fields.text("compare_at_price"),
                stock=variant_fields.text("stock"),
                column_prefix=prefix,
            )
        )
    return draft
