"""Read WooCommerce's product CSV export: simple, variable and variation rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from catalog.formats.csv_rows import CsvTable, ReadStats, read_table
from catalog.formats.drafts import DraftImage, DraftProduct, DraftVariant
from catalog.formats.fields import parse_bool, split_escaped, split_list, split_urls
from catalog.formats.records import ParseLimits, RowError

FORMAT = "woocommerce_csv"
_ATTRIBUTE_NAME = re.compile(r"attribute (\d+) name")

Row = list[str]


def looks_like_woocommerce(header: set[str]) -> bool:
    return "regular price" in header and "name" in header and bool(header & {"type", "parent"})


@dataclass(slots=True)
class _Variation:
    row_number: int
    parent_ref: str
    variant: DraftVariant


def read_woocommerce(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    """Simple products stream out at once; variable products wait for the end of the file.

    Variations may come anywhere after or before their parent (WooCommerce orders its
    export by ID), so variable parents and variations are held and joined at the end.
    `Parent` is `id:123` or the parent's SKU. Price is the sale price when one is set,
    with the regular price as compare-at price. The first category path is the category.
    """
    table = read_table(text, limits=limits, stats=stats)
    reader = _RowReader(table)
    parents: list[DraftProduct] = []
    parents_by_id: dict[str, DraftProduct] = {}
    parents_by_sku: dict[str, DraftProduct] = {}
    variations: list[_Variation] = []

    for row_number, row in table.rows:
        kinds = {kind.strip().lower() for kind in reader.value(row, "type").split(",")}
        if "variation" in kinds:
            variations.append(reader.variation(row_number, row))
        elif "grouped" in kinds:
            yield RowError(
                row_number,
                table.label("type"),
                reader.value(row, "type"),
                "Grouped products are not imported; import their member products instead.",
                reader.value(row, "sku").strip(),
            )
        else:
            draft = reader.product(row_number, row)
            if "variable" in kinds:
                parents.append(draft)
                product_id = reader.value(row, "id").strip()
                if product_id:
                    parents_by_id.setdefault(product_id, draft)
                if draft.sku.strip():
                    parents_by_sku.setdefault(draft.sku.strip(), draft)
            else:
                yield draft

    for variation in variations:
        ref = variation.parent_ref
        parent = parents_by_id.get(ref[3:].strip()) if ref.startswith("id:") else None
        parent = parent or parents_by_sku.get(ref)
        if parent is None:
            yield RowError(
                variation.row_number,
                table.label("parent"),
                ref,
                "This variation's parent product is not in the file (Parent must be "
                "id:<ID> or the parent's SKU).",
                variation.variant.sku.strip(),
            )
        else:
            parent.variants.append(variation.variant)
    for parent in parents:
        if parent.variants:
            yield parent
        else:
            yield RowError(
                parent.row_number,
                table.label("type"),
                "variable",
                "Variable product has no variations in the file.",
                parent.sku.strip(),
            )


class _RowReader:
    def __init__(self, table: CsvTable) -> None:
        self.table = table
        self.cells: dict[str, Callable[[Row], str]] = {}
        self.attribute_columns: list[tuple[Callable[[Row], str], Callable[[Row], str]]] = []
        numbers = sorted(
            int(match.group(1))
            for name in table.index
            if (match := _ATTRIBUTE_NAME.fullmatch(name))
        )
        for number in numbers:
            self.attribute_columns.append(
                (
                    table.getter(f"attribute {number} name"),
                    table.getter(f"attribute {number} value(s)"),
                )
            )
        label = table.label
        self.columns = {
            "sku": label("sku"),
            "title": label("name"),
            "description": label("description"),
            "brand": label("brands"),
            "category": label("categories"),
            "tags": label("tags"),
            "images": label("images"),
            "price": label("regular price"),
            "compare_at_price": label("regular price"),
            "stock": label("stock"),
            "attributes": "Attribute 1 value(s)",
            "variant_sku": label("sku"),
            "variant_title": label("name"),
            "variant_price": label("regular price"),
            "variant_compare_at_price": label("regular price"),
            "variant_stock": label("stock"),
            "variant_options": "Attribute 1 value(s)",
        }
        self.sale_columns = self.columns | {"price": label("sale price")}

    def value(self, row: Row, name: str) -> str:
        getter = self.cells.get(name)
        if getter is None:
            getter = self.cells[name] = self.table.getter(name)
        return getter(row)

    def _prices(self, row: Row) -> tuple[str, str]:
        regular = self.value(row, "regular price").strip()
        sale = self.value(row, "sale price").strip()
        return (sale, regular) if sale else (regular, "")

    def _stock(self, row: Row) -> str:
        stock = self.value(row, "stock").strip()
        if not stock and parse_bool(self.value(row, "in stock?")) is False:
            return "0"
        return stock

    def _attributes(self, row: Row) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for name_of, values_of in self.attribute_columns:
            name = name_of(row).strip()
            if name:
                pairs[name] = ", ".join(split_escaped(values_of(row)))
        return pairs

    def product(self, row_number: int, row: Row) -> DraftProduct:
        price, compare_at = self._prices(row)
        categories = split_escaped(self.value(row, "categories"))
        category = (
            " > ".join(part.strip() for part in categories[0].split(">")) if categories else ""
        )
        attributes = self._attributes(row)
        brand = self.value(row, "brands").strip()
        if not brand:
            brand = next((value for key, value in attributes.items() if key.lower() == "brand"), "")
        description = self.value(row, "description").strip() or self.value(row, "short description")
        return DraftProduct(
            row_number=row_number,
            source_format=FORMAT,
            columns=self.sale_columns if compare_at else self.columns,
            sku=self.value(row, "sku"),
            title=self.value(row, "name"),
            description=description,
            brand=brand,
            category=category,
            price=price,
            compare_at_price=compare_at,
            stock=self._stock(row),
            attributes=attributes,
            tags=split_list(self.value(row, "tags")),
            images=[
                DraftImage(row_number, url, position)
                for position, url in enumerate(split_urls(self.value(row, "images")), start=1)
            ],
            published=parse_bool(self.value(row, "published")),
        )

    def variation(self, row_number: int, row: Row) -> _Variation:
        price, compare_at = self._prices(row)
        variant = DraftVariant(
            row_number=row_number,
            sku=self.value(row, "sku"),
            title=self.value(row, "name"),
            options=self._attributes(row),
            price=price,
            compare_at_price=compare_at,
            stock=self._stock(row),
        )
        return _Variation(row_number, self.value(row, "parent").strip(), variant)
