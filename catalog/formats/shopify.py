"""Read Shopify's product CSV export: rows grouped by Handle into products and variants."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from catalog.formats.csv_rows import ReadStats, read_table
from catalog.formats.drafts import DraftImage, DraftProduct, DraftVariant
from catalog.formats.fields import parse_bool, shortened_key, split_list
from catalog.formats.records import ParseLimits, RowError

FORMAT = "shopify_csv"
_DEFAULT_OPTION = ("title", "default title")  # Shopify's placeholder for "no options"


def looks_like_shopify(header: set[str]) -> bool:
    return "handle" in header and bool(
        header & {"variant price", "variant sku", "body (html)", "option1 name"}
    )


def read_shopify(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    """The product SKU is the handle; variant SKUs key the variants.

    Shopify handles may run to 255 characters, more than a SKU holds; a longer handle
    becomes a stable shortened key (its start plus a hash) and is kept whole in the
    `handle` attribute.

    A product whose only variant is Shopify's "Default Title" gets no variants: its price,
    compare-at price and stock move to the product. Rows of one handle must be consecutive,
    as Shopify writes them; a handle seen again later is reported as a duplicate.
    """
    table = read_table(text, limits=limits, stats=stats)
    cell = {name: table.getter(name) for name in _COLUMNS_READ}
    columns = {
        "sku": table.label("handle"),
        "title": table.label("title"),
        "description": table.label("body (html)"),
        "brand": table.label("vendor"),
        "category": table.label("type") if table.has("type") else table.label("product category"),
        "tags": table.label("tags"),
        "images": table.label("image src"),
        "price": table.label("variant price"),
        "compare_at_price": table.label("variant compare at price"),
        "stock": table.label("variant inventory qty"),
        "variant_sku": table.label("variant sku"),
        "variant_price": table.label("variant price"),
        "variant_compare_at_price": table.label("variant compare at price"),
        "variant_stock": table.label("variant inventory qty"),
        "variant_options": "Option1 Value",
    }
    current: DraftProduct | None = None
    current_handle = ""
    option_names: list[str] = []
    for row_number, row in table.rows:
        handle = cell["handle"](row).strip()
        if not handle:
            yield RowError(row_number, columns["sku"], "", "Handle is empty; the row is skipped.")
            continue
        if current is None or handle != current_handle:
            if current is not None:
                yield _finish(current)
            current = _start_product(row_number, handle, row, cell, columns, limits)
            current_handle = handle
            option_names = [cell[f"option{i} name"](row).strip() for i in (1, 2, 3)]
        if any(cell[name](row).strip() for name in _VARIANT_MARKERS):
            options = {
                name or f"Option{i}": value
                for i, name in enumerate(option_names, start=1)
                if (value := cell[f"option{i} value"](row).strip())
            }
            current.variants.append(
                DraftVariant(
                    row_number=row_number,
                    sku=cell["variant sku"](row),
                    options=options,
                    price=cell["variant price"](row),
                    compare_at_price=cell["variant compare at price"](row),
                    stock=cell["variant inventory qty"](row),
                )
            )
            variant_image = cell["variant image"](row).strip()
            if variant_image:
                current.images.append(DraftImage(row_number, variant_image))
        image_src = cell["image src"](row).strip()
        if image_src:
            position_text = cell["image position"](row).strip()
            position = int(position_text) if position_text.isdigit() else None
            current.images.append(
                DraftImage(row_number, image_src, position, cell["image alt text"](row))
            )
    if current is not None:
        yield _finish(current)


_VARIANT_MARKERS = ("option1 value", "variant sku", "variant price")
_COLUMNS_READ = (
    "handle", "title", "body (html)", "vendor", "type", "product category", "tags",
    "published", "status", "option1 name", "option1 value", "option2 name", "option2 value",
    "option3 name", "option3 value", "variant sku", "variant price",
    "variant compare at price", "variant inventory qty", "variant barcode", "image src",
    "image position", "image alt text", "variant image",
)  # fmt: skip


def _start_product(
    row_number: int,
    handle: str,
    row: list[str],
    cell: dict[str, Callable[[list[str]], str]],
    columns: dict[str, str],
    limits: ParseLimits,
) -> DraftProduct:
    def value(name: str) -> str:
        return cell[name](row)

    published = parse_bool(value("published"))
    status = value("status").strip().lower()
    if status and status != "active":
        published = False
    category = value("type").strip() or value("product category").strip()
    draft = DraftProduct(
        row_number=row_number,
        source_format=FORMAT,
        columns=columns,
        sku=shortened_key(handle, limits.max_sku_chars),
        title=value("title"),
        description=value("body (html)"),
        brand=value("vendor"),
        category=category,
        tags=split_list(value("tags")),
        published=published,
    )
    if draft.sku != handle:
        draft.attributes["handle"] = handle
    barcode = value("variant barcode").strip()
    if barcode:
        draft.attributes["gtin"] = barcode
    return draft


def _finish(draft: DraftProduct) -> DraftProduct:
    if len(draft.variants) == 1:
        only = draft.variants[0]
        real_options = {
            name: value
            for name, value in only.options.items()
            if (name.lower(), value.lower()) != _DEFAULT_OPTION
        }
        if not real_options:
            draft.price = only.price
            draft.compare_at_price = only.compare_at_price
            draft.stock = only.stock
            draft.variants = []
    if draft.variants:
        draft.attributes.pop("gtin", None)  # the barcode belongs to one variant, not all
    return draft
