"""Read Shopify's product CSV export: rows grouped by Handle into products and variants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from catalog.formats.csv_rows import ReadStats, read_table
from catalog.formats.drafts import DraftImage, DraftProduct, DraftVariant
from catalog.formats.fields import parse_bool, shortened_key, split_list
from catalog.formats.records import ParseLimits, RowError
from catalog.formats.sources import header_bytes, row_bytes

FORMAT = "shopify_csv"
_DEFAULT_OPTION = ("title", "default title")  # Shopify's placeholder for "no options"


def looks_like_shopify(header: set[str]) -> bool:
    return "handle" in header and bool(
        header & {"variant price", "variant sku", "body (html)", "option1 name"}
    )


def read_shopify(
    text: str, *, limits: ParseLimits, stats: ReadStats, digest_seed: Any = None
) -> Iterator[DraftProduct | RowError]:
    """The product SKU is the handle; variant SKUs key the variants.

    Shopify handles may run to 255 characters, more than a SKU holds; a longer handle
    becomes a stable shortened key (its start plus a hash) and is kept whole in the
    `handle` attribute.

    A product whose only variant is Shopify's "Default Title" gets no variants: its price,
    compare-at price and stock move to the product. Rows of one handle must be consecutive,
    as Shopify writes them; a handle seen again later is reported as a duplicate.

    With `digest_seed` (catalog.formats.sources), each draft carries the digest of its
    rows, the header before them.
    """
    table = read_table(text, limits=limits, stats=stats)
    seed = None
    if digest_seed is not None:
        seed = digest_seed.copy()
        seed.update(header_bytes(table.raw_header))
    hasher = None
    pick = table.picker(_COLUMNS_READ)
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
    max_sku_chars = limits.max_sku_chars
    tag_lists: dict[str, list[str]] = {}  # a Tags cell as split; the same cells repeat
    current: DraftProduct | None = None
    current_handle = ""
    option_keys = ("Option1", "Option2", "Option3")
    for row_number, row in table.rows:
        # One C call reads every column this reader uses (order: _COLUMNS_READ).
        (
            handle, title, body, vendor, product_type, product_category, tags, published,
            status, option1_name, option1_value, option2_name, option2_value, option3_name,
            option3_value, variant_sku, variant_price, variant_compare_at, variant_stock,
            barcode, image_src, image_position, image_alt, variant_image,
        ) = pick(row)  # fmt: skip
        handle = handle.strip()
        if not handle:
            yield RowError(row_number, columns["sku"], "", "Handle is empty; the row is skipped.")
            continue
        if current is None or handle != current_handle:
            if current is not None:
                yield _finish(current, hasher)
            hasher = None if seed is None else seed.copy()
            current = DraftProduct(
                row_number,
                FORMAT,
                columns,
                sku=shortened_key(handle, max_sku_chars),
                title=title,
                description=body,
                brand=vendor,
                category=product_type.strip() or product_category.strip(),
                tags=list(tag_lists.get(tags) or _split_tags(tag_lists, tags)),
                published=_published(published, status),
            )
            if current.sku != handle:
                current.attributes["handle"] = handle
            barcode = barcode.strip()
            if barcode:
                current.attributes["gtin"] = barcode
            current_handle = handle
            option_keys = (
                option1_name.strip() or "Option1",
                option2_name.strip() or "Option2",
                option3_name.strip() or "Option3",
            )
        if hasher is not None:
            hasher.update(row_bytes(row))
        option1_value = option1_value.strip()
        if option1_value or variant_sku.strip() or variant_price.strip():
            options: dict[str, str] = {}
            if option1_value:
                options[option_keys[0]] = option1_value
            if option2_value := option2_value.strip():
                options[option_keys[1]] = option2_value
            if option3_value := option3_value.strip():
                options[option_keys[2]] = option3_value
            current.variants.append(
                DraftVariant(
                    row_number,
                    variant_sku,
                    "",
                    options,
                    variant_price,
                    variant_compare_at,
                    variant_stock,
                )
            )
            variant_image = variant_image.strip()
            if variant_image:
                current.images.append(DraftImage(row_number, variant_image))
        image_src = image_src.strip()
        if image_src:
            image_position = image_position.strip()
            # isdecimal, not isdigit: int() refuses digits such as '²'; the length cap
            # keeps int() off values too long to convert.
            position = (
                int(image_position)
                if image_position.isdecimal() and len(image_position) <= 9
                else None
            )
            current.images.append(DraftImage(row_number, image_src, position, image_alt))
    if current is not None:
        yield _finish(current, hasher)


_COLUMNS_READ = (
    "handle", "title", "body (html)", "vendor", "type", "product category", "tags",
    "published", "status", "option1 name", "option1 value", "option2 name", "option2 value",
    "option3 name", "option3 value", "variant sku", "variant price",
    "variant compare at price", "variant inventory qty", "variant barcode", "image src",
    "image position", "image alt text", "variant image",
)  # fmt: skip


def _split_tags(known: dict[str, list[str]], cell: str) -> list[str]:
    tags = split_list(cell)
    if len(known) >= _KNOWN_TAG_CELLS:
        known.clear()
    known[cell] = tags
    return tags


_KNOWN_TAG_CELLS = 4096


def _published(published: str, status: str) -> bool | None:
    status = status.strip().lower()
    if status and status != "active":
        return False
    return parse_bool(published)


def _finish(draft: DraftProduct, hasher: Any) -> DraftProduct:
    if hasher is not None:
        draft.source_digest = hasher.hexdigest()
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
