"""Raw, unvalidated products that each format reader hands to the record builder."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class DraftImage:
    row_number: int
    ref: str
    position: int | None = None
    alt: str = ""


@dataclass(slots=True)
class DraftVariant:
    row_number: int
    sku: str = ""
    title: str = ""
    options: dict[str, str] = field(default_factory=dict)
    price: str = ""
    compare_at_price: str = ""
    stock: str = ""
    currency: str = ""  # only set by formats that price each variant with its own currency
    column_prefix: str = ""  # e.g. "variants[2]." for JSON, so errors name the right place


@dataclass(slots=True)
class DraftProduct:
    """Strings as found in the source; the builder validates and converts them.

    `columns` maps a canonical field name (sku, title, price, ...) to the column label the
    seller sees in their file, so that errors point at their own column names.
    """

    row_number: int
    source_format: str
    columns: dict[str, str]
    sku: str = ""
    title: str = ""
    description: str = ""
    brand: str = ""
    category: str = ""
    price: str = ""
    currency: str = ""
    compare_at_price: str = ""
    stock: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    images: list[DraftImage] = field(default_factory=list)
    variants: list[DraftVariant] = field(default_factory=list)
    published: bool | None = None
    # problems a reader found while assembling the product (bad attribute syntax, ...)
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)
    # the hash of the product's raw rows, from readers that make one (catalog.formats.sources)
    source_digest: str = ""

    def problem(self, row_number: int, column: str, value: str, message: str) -> None:
        self.problems.append((row_number, column, value, message))
