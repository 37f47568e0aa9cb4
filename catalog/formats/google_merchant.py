"""Read Google Merchant Center feeds: RSS 2.0 / Atom XML with the g: namespace, and TSV."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from catalog.formats.csv_rows import ReadStats, read_table
from catalog.formats.drafts import DraftImage, DraftProduct, DraftVariant
from catalog.formats.errors import CatalogFileError
from catalog.formats.fields import split_urls
from catalog.formats.records import ParseLimits, RowError

XML_FORMAT = "google_xml"
TSV_FORMAT = "google_tsv"
GOOGLE_NS = "http://base.google.com/ns/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
_G = f"{{{GOOGLE_NS}}}"
_ITEM_TAGS = frozenset({"item", f"{{{ATOM_NS}}}entry", "entry"})
_ROOT_TAGS = frozenset({"rss", f"{{{ATOM_NS}}}feed", "feed"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_MONEY = re.compile(
    r"\s*(?:(?P<amount>[0-9][0-9.]*)\s*(?P<currency>[A-Za-z]{3})?"
    r"|(?P<currency_first>[A-Za-z]{3})\s*(?P<amount_last>[0-9][0-9.]*))\s*"
)

# Attributes that tell the variants of one item group apart.
VARIANT_KEYS = ("color", "size", "material", "pattern", "age_group", "gender", "size_type")
# Read into the record's own fields, not into attributes.
_MAPPED_KEYS = frozenset(
    {
        "id", "title", "description", "image_link", "additional_image_link", "price",
        "sale_price", "brand", "item_group_id", "product_type", "google_product_category",
    }
)  # fmt: skip
# Facts of one item that do not describe a whole item group.
_PER_ITEM_KEYS = frozenset({"gtin", "mpn", "link", "mobile_link", "availability", *VARIANT_KEYS})

Fields = dict[str, list[str]]


def looks_like_google_tsv(header: set[str]) -> bool:
    return {"id", "title", "price"} <= header or ("id" in header and "image_link" in header)


def google_header(name: str) -> str:
    """`g:image_link`, `image link` and `Image_Link` all mean `image_link`."""
    name = " ".join(name.replace("\ufeff", "").split()).lower().removeprefix("g:")
    return name.replace(" ", "_")


def read_google_xml(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    """Stream items with defusedxml; DTDs and entities are refused (`xml_forbidden`).

    The text was decoded already, so the XML declaration (whose encoding may name GBK,
    which expat cannot read) is dropped and the parser reads UTF-8.
    """
    payload = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    groups = _Groups()
    stack: list[Element] = []
    try:
        events = SafeElementTree.iterparse(
            io.BytesIO(payload), events=("start", "end"), forbid_dtd=True
        )
        for event, element in events:
            if event == "start":
                if not stack and element.tag not in _ROOT_TAGS:
                    raise CatalogFileError(
                        "unknown_format",
                        "This XML is not a Google Merchant Center feed (RSS 2.0 <rss> or "
                        "Atom <feed> with the g: namespace).",
                    )
                stack.append(element)
                continue
            stack.pop()
            if element.tag not in _ITEM_TAGS:
                continue
            stats.rows += 1
            if stats.rows > limits.max_rows:
                raise CatalogFileError(
                    "too_many_rows", f"The feed has more than {limits.max_rows} items; split it."
                )
            fields = _item_fields(element)
            # Drop the finished item so memory stays flat however long the feed is.
            if stack:
                stack[-1].remove(element)
            yield from groups.add(stats.rows, fields, "g:")
    except DefusedXmlException as exc:
        raise CatalogFileError(
            "xml_forbidden",
            f"The XML uses a DTD or entities, which are not accepted ({type(exc).__name__}).",
        ) from None
    except ParseError as exc:
        raise CatalogFileError("malformed", f"The XML is not well-formed ({exc}).") from None
    yield from groups.finish()


def read_google_tsv(
    text: str, *, limits: ParseLimits, stats: ReadStats
) -> Iterator[DraftProduct | RowError]:
    table = read_table(text, limits=limits, stats=stats, delimiter="\t", normalize=google_header)
    names = list(table.index)
    getters = [(name, table.getter(name)) for name in names]
    labels = {name: table.label(name) for name in names}
    groups = _Groups(labels)
    for row_number, row in table.rows:
        fields: Fields = {}
        for name, getter in getters:
            value = getter(row).strip()
            if not value:
                continue
            if name == "additional_image_link":
                fields[name] = split_urls(value)
            else:
                fields[name] = [value]
        yield from groups.add(row_number, fields, "")
    yield from groups.finish()


def _item_fields(item: Element) -> Fields:
    fields: Fields = {}
    plain: Fields = {}
    for child in item:
        if len(child):
            continue  # nested structures (shipping, tax, product_detail) are not product facts
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.startswith(_G):
            target, name = fields, tag[len(_G) :]
        else:
            target, name = plain, tag.rsplit("}", 1)[-1]
        value = (
            child.get("href", "") if name == "link" and child.get("href") else (child.text or "")
        )
        if value.strip():
            target.setdefault(name, []).append(value.strip())
    # The g: element wins; plain RSS/Atom elements fill what is missing.
    for name, source in (("title", "title"), ("description", "description"),
                         ("description", "summary"), ("description", "content"),
                         ("link", "link"), ("id", "id")):  # fmt: skip
        if name not in fields and source in plain:
            fields[name] = plain[source]
    return fields


def _split_money(raw: str) -> tuple[str, str]:
    match = _MONEY.fullmatch(raw)
    if not match:
        return raw, ""
    amount = match.group("amount") or match.group("amount_last") or ""
    currency = match.group("currency") or match.group("currency_first") or ""
    return amount, currency


class _Groups:
    """Turns items into drafts; items sharing item_group_id become one product's variants."""

    def __init__(self, labels: dict[str, str] | None = None) -> None:
        self._labels = labels
        self._groups: dict[str, DraftProduct] = {}

    def _label(self, name: str, prefix: str) -> str:
        if self._labels is not None:
            return self._labels.get(name, name)
        return prefix + name

    def _columns(self, prefix: str) -> dict[str, str]:
        def label(name: str) -> str:
            return self._label(name, prefix)

        return {
            "sku": label("id"),
            "title": label("title"),
            "description": label("description"),
            "brand": label("brand"),
            "category": label("product_type"),
            "currency": label("price"),
            "price": label("price"),
            "compare_at_price": label("price"),
            "stock": label("availability"),
            "images": label("image_link"),
            "variant_sku": label("id"),
            "variant_title": label("title"),
            "variant_price": label("price"),
            "variant_compare_at_price": label("price"),
            "variant_currency": label("price"),
            "variant_stock": label("availability"),
            "variant_options": label("color"),
            "attributes": "attributes",
        }

    def add(self, row_number: int, fields: Fields, prefix: str) -> Iterator[DraftProduct]:
        def first(name: str) -> str:
            values = fields.get(name)
            return values[0] if values else ""

        price, currency = _split_money(first("price"))
        sale, sale_currency = _split_money(first("sale_price"))
        compare_at = ""
        if sale:
            price, compare_at = sale, price
            currency = currency or sale_currency
        availability = first("availability").lower().replace(" ", "_")
        stock = "0" if availability == "out_of_stock" else ""
        attributes = {
            name: ", ".join(values) for name, values in fields.items() if name not in _MAPPED_KEYS
        }
        if availability:
            attributes["availability"] = availability
        images = [DraftImage(row_number, url) for url in fields.get("image_link", [])[:1]]
        images += [DraftImage(row_number, url) for url in fields.get("additional_image_link", [])]
        group_id = first("item_group_id")

        if not group_id:
            draft = self._product(row_number, fields, prefix, first, images, attributes)
            draft.sku = first("id")
            draft.price, draft.compare_at_price, draft.currency = price, compare_at, currency
            draft.stock = stock
            if sale and sale_currency and currency and sale_currency.upper() != currency.upper():
                draft.problem(
                    row_number, prefix + "sale_price", first("sale_price"),
                    "Sale price currency differs from the price currency.",
                )  # fmt: skip
            yield draft
            return

        group = self._groups.get(group_id)
        if group is None:
            shared = {k: v for k, v in attributes.items() if k not in _PER_ITEM_KEYS}
            group = self._product(row_number, fields, prefix, first, images, shared)
            group.sku = group_id
            group.currency = currency
            group.columns["sku"] = self._label("item_group_id", prefix)
            self._groups[group_id] = group
        else:
            group.images.extend(images)
        group.variants.append(
            DraftVariant(
                row_number=row_number,
                sku=first("id"),
                title=first("title"),
                options={key: first(key) for key in VARIANT_KEYS if first(key)},
                price=price,
                compare_at_price=compare_at,
                stock=stock,
                currency=currency,
            )
        )

    def _product(
        self,
        row_number: int,
        fields: Fields,
        prefix: str,
        first: Callable[[str], str],
        images: list[DraftImage],
        attributes: dict[str, str],
    ) -> DraftProduct:
        category = first("product_type") or first("google_product_category")
        return DraftProduct(
            row_number=row_number,
            source_format=TSV_FORMAT if self._labels is not None else XML_FORMAT,
            columns=self._columns(prefix),
            title=first("title"),
            description=first("description"),
            brand=first("brand"),
            category=" > ".join(part.strip() for part in category.split(">")),
            attributes=attributes,
            images=list(images),
        )

    def finish(self) -> Iterator[DraftProduct]:
        yield from self._groups.values()
        self._groups.clear()
