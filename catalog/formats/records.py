"""Normalized product records, row errors, limits and results returned by catalog parsers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalog.formats.archive import ArchiveImages

# The three record types below are read-only by convention rather than frozen: a frozen
# dataclass sets each field through object.__setattr__, which made building them about a
# tenth of the parse time of a large import (six objects per product). Nothing mutates or
# hashes them.


@dataclass(slots=True)
class ImageRef:
    """An image of a product: an http(s) URL, or a member path inside the uploaded ZIP."""

    url_or_path: str
    position: int
    alt: str = ""

    @property
    def is_url(self) -> bool:
        return self.url_or_path.startswith(("http://", "https://"))


@dataclass(slots=True)
class VariantRecord:
    sku: str
    title: str
    options: dict[str, str]
    price: Decimal
    compare_at_price: Decimal | None
    stock: int | None


@dataclass(slots=True)
class ProductRecord:
    """One valid product, whatever format it came from.

    Prices are quantized to cents. For a product with variants, `price` and
    `compare_at_price` are those of its cheapest variant and `stock` is the sum of the
    variants' known stock (None when no variant states one).
    """

    row_number: int
    sku: str
    title: str
    description_html: str
    description_text: str
    brand: str
    category: str
    price: Decimal
    currency: str
    compare_at_price: Decimal | None
    stock: int | None
    attributes: dict[str, str]
    tags: list[str]
    image_refs: list[ImageRef]
    variants: list[VariantRecord]
    source_format: str
    published: bool | None = None
    source_digest: str = ""  # of the raw rows it was read from, when the reader makes one


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one source row (CSV row, XML item, JSON product or JSON Lines line).

    `row_number` counts like a spreadsheet for CSV/TSV (the header is row 1), items from 1
    for XML feeds, products from 1 for a JSON array and lines from 1 for JSON Lines.
    """

    row_number: int
    column: str
    value: str
    message: str
    sku: str = ""


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds that keep a hostile or broken upload from eating time or memory."""

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 500_000
    max_price: Decimal = Decimal("1000000")
    max_stock: int = 1_000_000_000
    max_sku_chars: int = 64
    max_title_chars: int = 255
    max_name_chars: int = 255  # category, tag, attribute name, option name
    max_field_chars: int = 10_000  # attribute and option values
    # Capped by the columns that store them (Product.brand, ProductImage.source and .alt):
    # a longer value is a row error (an alt text is cut), never a failed database write.
    max_brand_chars: int = 120
    max_image_ref_chars: int = 2048
    max_alt_chars: int = 512
    max_description_bytes: int = 64 * 1024
    max_variants_per_product: int = 1_000
    max_images_per_product: int = 100
    max_errors: int = 10_000
    max_zip_members: int = 10_000
    max_zip_uncompressed_bytes: int = 512 * 1024 * 1024
    max_zip_ratio: int = 100
    max_image_bytes: int = 25 * 1024 * 1024


DEFAULT_LIMITS = ParseLimits()


@dataclass(frozen=True, slots=True)
class ParseCounts:
    rows: int  # source rows / items / lines read, blank ones excluded
    products: int  # valid records returned
    variants: int  # variants across the valid records
    rejected: int  # products (or stray rows) dropped because of errors
    errors: int  # all row errors found, including any beyond ParseLimits.max_errors


@dataclass(slots=True)
class ParseResult:
    records: list[ProductRecord]
    errors: list[RowError]
    format: str
    counts: ParseCounts
    container: str | None = None  # "zip" when the catalog came inside a ZIP
    archive_images: ArchiveImages | None = field(default=None, repr=False)

    @property
    def errors_truncated(self) -> bool:
        return self.counts.errors > len(self.errors)
