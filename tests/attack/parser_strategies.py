"""Hypothesis strategies for hostile catalog uploads, and the property every parse must keep.

Shared by tests/attack/test_parser_fuzz.py (a bounded run in CI) and bench/fuzz_parsers.py
(a long run on demand), so both attack the parsers with the same inputs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import warnings
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args

from hypothesis import strategies as st

from catalog.formats import (
    COLUMNS,
    DEFAULT_LIMITS,
    CatalogFileError,
    FileErrorCode,
    ParseLimits,
    ParseResult,
    parse_catalog,
)
from catalog.formats.native import PRODUCT_JSON_SCHEMA

G_NS = "http://base.google.com/ns/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"

# Limits small enough that the row, error and ZIP caps are reached by fuzzed inputs too.
SMALL_LIMITS = ParseLimits(
    max_bytes=256 * 1024,
    max_rows=40,
    max_errors=25,
    max_zip_members=12,
    max_zip_uncompressed_bytes=512 * 1024,
    max_variants_per_product=6,
    max_images_per_product=5,
    max_description_bytes=2048,
)

SHOPIFY_HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Product Category", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name",
    "Option3 Value", "Variant SKU", "Variant Price", "Variant Compare At Price",
    "Variant Inventory Qty", "Variant Barcode", "Image Src", "Image Position",
    "Image Alt Text", "Variant Image", "Status",
]  # fmt: skip
WOOCOMMERCE_HEADER = [
    "ID", "Type", "SKU", "Name", "Published", "Short description", "Description",
    "In stock?", "Stock", "Sale price", "Regular price", "Categories", "Tags", "Images",
    "Parent", "Brands", "Attribute 1 name", "Attribute 1 value(s)", "Attribute 1 visible",
    "Attribute 2 name", "Attribute 2 value(s)",
]  # fmt: skip
NATIVE_HEADER = list(COLUMNS)
GOOGLE_TSV_HEADER = [
    "id", "title", "description", "link", "image_link", "additional_image_link", "price",
    "sale_price", "availability", "brand", "item_group_id", "color", "size", "gtin",
    "product_type", "google_product_category",
]  # fmt: skip
HEADERS = {
    "shopify": SHOPIFY_HEADER,
    "woocommerce": WOOCOMMERCE_HEADER,
    "native": NATIVE_HEADER,
    "google_tsv": GOOGLE_TSV_HEADER,
}
GOOGLE_TAGS = [
    "id", "title", "description", "link", "image_link", "additional_image_link", "price",
    "sale_price", "availability", "brand", "item_group_id", "color", "size", "material",
    "gtin", "mpn", "product_type", "google_product_category", "shipping",
]  # fmt: skip
FORMAT_NAMES = [
    None, "shopify", "woocommerce", "woo", "google", "google_merchant", "google_xml",
    "google_tsv", "csv", "native", "native_csv", "json", "native_json", "jsonl", "ndjson",
    "zip", "Shopify-CSV", "xlsx", "", " ", "auto",
]  # fmt: skip
FILENAMES = [None, "catalog.csv", "feed.xml", "products.json", "products.jsonl", "x.ndjson"]

# Values that real exports use and that sit on the edges of the field parsers: numbers in
# odd spellings, formula starts, paths that try to leave the ZIP, JSON and key=value text,
# control and direction characters, and a few values that tie rows together (SKUs, ids).
INTERESTING_CELLS = [
    "", " ", "SKU-1", "SKU-2", "sku-1", "1", "2", "id:1", "id:2", "simple", "variable",
    "variation", "grouped", "simple, virtual", "Default Title", "Title", "Size", "S", "M",
    "0", "-1", "1.5", "19.99", "1,234.56", "1.234,56", "1e3", "1e309", "NaN", "Infinity",
    "-0", "00012", "99999999999999999999999", "0.001", "12.345", "USD", "usd", "XXX",
    "19.99 USD", "USD 19.99", "EUR", "€5", "¥100", "in stock", "out of stock", "out_of_stock",
    "true", "FALSE", "yes", "0", "active", "draft", "=HYPERLINK(\"http://x\",\"y\")", "+cmd",
    "@SUM(1+1)", "-1+1", "\t=1", "'=1", "http://cdn.example.com/a.png",
    "https://cdn.example.com/a.png, https://cdn.example.com/b.png", "http://127.0.0.1/x.png",
    "file:///etc/passwd", "javascript:alert(1)", "//evil.example/x.png", "images/a.png",
    "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "a/../../b.png", "a.png|b.png",
    '{"material": "cotton"}', '{"a": {"b": 1}}', "[1, 2]", "{", "a=b;c=d", "=;=;", "a=",
    "<p>Hi <b>there</b></p>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "Home > Kitchen > Pots", ">>>", "a, b, c", "a\\, b", "\\", '"', '""', "\r", "\n", "\r\n",
    "\x00", "\x1b[31m", "\u202eevil", "\ufeff", "\u200b", "中文标题", "é", "🙂", "\udcff",
    "x" * 70, "y" * 300,
]  # fmt: skip

cells = st.one_of(
    st.sampled_from(INTERESTING_CELLS),
    st.text(max_size=20),
    st.from_regex(r"[A-Z]{2,4}-[0-9]{1,3}", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


@dataclass(frozen=True)
class Upload:
    """One fuzzed upload and how parse_catalog is asked to read it."""

    data: bytes
    filename: str | None = None
    format: str | None = None
    limits: ParseLimits = DEFAULT_LIMITS

    def __repr__(self) -> str:  # hypothesis prints this for a falsifying example
        head = self.data[:400]
        more = f" ...+{len(self.data) - 400} bytes" if len(self.data) > 400 else ""
        return (
            f"Upload(data={head!r}{more}, filename={self.filename!r}, format={self.format!r}, "
            f"small_limits={self.limits is SMALL_LIMITS})"
        )


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        # Lone surrogates and characters GBK lacks: keep them as replacement bytes.
        return text.encode(encoding, errors="replace")


encodings = st.sampled_from(
    ["utf-8", "utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "latin-1"]
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes, untouched most of the time, else cut, with bytes flipped or spliced in."""
    kind = draw(st.sampled_from(["same"] * 5 + ["truncate", "flip", "insert"]))
    if not data or kind == "same":
        return data
    position = draw(st.integers(min_value=0, max_value=len(data) - 1))
    if kind == "truncate":
        return data[:position]
    if kind == "flip":
        return (
            data[:position]
            + bytes([data[position] ^ draw(st.integers(1, 255))])
            + data[position + 1 :]
        )
    return data[:position] + draw(st.binary(min_size=1, max_size=8)) + data[position:]


def _column_values(column: str) -> st.SearchStrategy[str]:
    """Cells that fit the column, so that fuzzed rows also reach validation and records."""
    name = column.lower().removeprefix("g:")
    fitting: list[str]
    if name in {"handle", "sku", "variant sku", "variant_sku", "id", "item_group_id"}:
        fitting = ["SKU-1", "SKU-2", "SKU-3", "sku-1", "1", "2", "3"]
    elif "sale" in name or "compare" in name:
        fitting = ["", "", "24.00"]
    elif "price" in name:
        fitting = ["19.99 USD", "5 EUR"] if name == "price" and column.startswith("g:") else []
        fitting += ["19.99", "5", "0.50"]
    elif name in {"currency"}:
        fitting = ["USD", "EUR", "CNY", "usd"]
    elif "stock" in name or "qty" in name:
        fitting = ["0", "5", "12", "1"]
    elif "image" in name:
        fitting = ["https://cdn.example.com/a.png", "https://cdn.example.com/b.png", "images/a.png"]
    elif name == "type":
        fitting = ["simple", "variable", "variation", "simple, virtual", "Mugs"]
    elif name == "parent":
        fitting = ["id:1", "id:2", "SKU-1", ""]
    elif "option" in name and "name" in name:
        fitting = ["Size", "Color", "Title"]
    elif "value" in name or name in {"size", "color"}:
        fitting = ["S", "M", "Red", "Default Title"]
    elif name in {"attributes", "options"}:
        fitting = ["material=cotton", '{"size": "M"}', "a=1;b=2"]
    elif name in {"published", "status", "in stock?"}:
        fitting = ["true", "false", "1", "active", "draft"]
    elif name == "availability":
        fitting = ["in_stock", "out_of_stock", "in stock"]
    else:
        return st.sampled_from(["Mug", "Stone mug", "<p>Hi</p>", "中文标题", "Tee"])
    return st.sampled_from(fitting)


@st.composite
def delimited_text(draw: st.DrawFn, header: list[str], delimiter: str = ",") -> str:
    """A valid header (shuffled, cut or with a stray column sometimes) and random cells.

    Most cells fit their column and the rest are hostile, so rows reach deep into the
    readers and validation instead of all failing at the first field.
    """
    columns = list(header)
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    if draw(st.integers(0, 4)) == 0:
        columns = columns[: draw(st.integers(1, len(columns)))]
    if draw(st.integers(0, 4)) == 0:
        columns.append(draw(st.sampled_from(["", "Handle", "sku", "x", "g:price", "\ufeffsku"])))
    hostile_share = draw(st.sampled_from([0, 0, 0.05, 0.3, 1]))

    def cell(column: str) -> str:
        if draw(st.floats(0, 1)) < hostile_share:
            return draw(cells)
        return draw(_column_values(column))

    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 8))):
        row = [cell(column) for column in columns]
        if draw(st.integers(0, 5)) == 0:
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(cells, max_size=2))
        rows.append(row)
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if draw(st.integers(0, 5)) == 0:
        # Raw joins: quotes and separators in cells break the quoting on purpose.
        lines = [delimiter.join(columns), *(delimiter.join(row) for row in rows)]
        return line_end.join(lines) + draw(st.sampled_from(["", line_end]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def csv_uploads(draw: st.DrawFn) -> Upload:
    name = draw(st.sampled_from(sorted(HEADERS)))
    delimiter = "\t" if name == "google_tsv" else draw(st.sampled_from([",", ",", ";", "\t"]))
    text = draw(delimited_text(HEADERS[name], delimiter))
    data = draw(mutated(_encode(text, draw(encodings))))
    return _with_options(draw, data)


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


xml_values = st.one_of(
    cells.map(_xml_text),
    st.sampled_from(
        [
            "&amp;",
            "&lt;b&gt;",
            "&unknown;",
            "&#0;",
            "&#x1F600;",
            "&#1114112;",
            "<![CDATA[<b>x</b>]]>",
            "<![CDATA[",
            "<!-- c -->",
            "<b>nested</b>",
            "]]>",
            "&",
            '<g:price currency="USD">5</g:price>',
            "<?pi x?>",
        ]
    ),
)


@st.composite
def xml_items(draw: st.DrawFn) -> str:
    """An item whose fields mostly fit their tags; the rest are hostile text or markup."""
    hostile_share = draw(st.sampled_from([0, 0, 0.1, 0.3, 1]))
    fields = []
    tags = [*GOOGLE_TAGS, "title", "link", "description", "summary"]
    chosen = draw(st.lists(st.sampled_from(tags), max_size=10))
    if draw(st.integers(0, 3)):
        chosen = ["id", "title", "price", *chosen]  # what a feed item needs to become a record
    for tag in chosen:
        prefix = draw(st.sampled_from(["g:", "g:", "g:", "", "atom:"]))
        if draw(st.floats(0, 1)) < hostile_share:
            value = draw(xml_values)
        else:
            value = _xml_text(draw(_column_values(tag)))
        fields.append(f"<{prefix}{tag}>{value}</{prefix}{tag}>")
    item = draw(st.sampled_from(["item", "item", "entry", "g:item"]))
    return f"<{item}>{''.join(fields)}</{item}>"


@st.composite
def xml_uploads(draw: st.DrawFn) -> Upload:
    """RSS or Atom feeds with g: elements; sometimes a DTD, an entity or a wrong root."""
    items = "".join(draw(st.lists(xml_items(), max_size=6)))
    namespaces = draw(
        st.sampled_from(
            [
                f'xmlns:g="{G_NS}"',
                f'xmlns:g="{G_NS}" xmlns:atom="{ATOM_NS}"',
                f'xmlns="{ATOM_NS}" xmlns:g="{G_NS}"',
                "",  # the g: prefix then has no namespace: not well-formed
                'xmlns:g="http://example.com/not-google"',
            ]
        )
    )
    root = draw(st.sampled_from(["rss", "feed", "channel", "html"]))
    inner = f"<channel>{items}</channel>" if root == "rss" else items
    document = f'<{root} version="2.0" {namespaces}>{inner}</{root}>'
    prolog = draw(
        st.sampled_from(
            [
                "",
                '<?xml version="1.0" encoding="UTF-8"?>\n',
                '<?xml version="1.0" encoding="GBK"?>\n',
                '<?xml version="1.1"?>',
                '<!DOCTYPE rss [<!ENTITY e "x">]>',
                '<!DOCTYPE rss SYSTEM "http://127.0.0.1/x.dtd">',
                '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                "<!-- exported -->",
            ]
        )
    )
    data = draw(mutated(_encode(prolog + document, draw(encodings))))
    return _with_options(draw, data)


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    cells,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
PRODUCT_KEYS = [*PRODUCT_JSON_SCHEMA["properties"], "image_urls", "products", "unknown"]
VARIANT_KEYS = ["sku", "title", "options", "price", "compare_at_price", "stock"]


def _json_fitting(key: str) -> st.SearchStrategy[Any]:
    if key in {"price", "compare_at_price"}:
        return st.sampled_from(["19.99", 5, "0.50", 12.5, None])
    if key == "stock":
        return st.sampled_from([0, 3, "7", None])
    if key in {"images", "image_urls"}:
        return st.lists(
            st.sampled_from(
                ["https://cdn.example.com/a.png", "images/a.png", {"url": "a.png", "alt": "A"}]
            ),
            max_size=3,
        )
    if key in {"attributes", "options"}:
        return st.dictionaries(st.sampled_from(["size", "color"]), st.sampled_from(["M", "Red"]))
    if key == "tags":
        return st.lists(st.sampled_from(["mug", "gift"]), max_size=3)
    if key == "published":
        return st.booleans()
    return _column_values(key)


@st.composite
def json_products(draw: st.DrawFn) -> Any:
    """A product object: its keys mostly hold fitting values, the rest any JSON value."""
    hostile_share = draw(st.sampled_from([0, 0, 0.1, 0.3, 1]))

    def value(key: str) -> Any:
        if draw(st.floats(0, 1)) < hostile_share:
            return draw(json_values)
        return draw(_json_fitting(key))

    keys = draw(st.lists(st.sampled_from(PRODUCT_KEYS), max_size=len(PRODUCT_KEYS), unique=True))
    if draw(st.integers(0, 3)):
        keys = ["sku", "title", "price", *keys]
    product: dict[str, Any] = {key: value(key) for key in keys if key != "variants"}
    if "variants" in keys or draw(st.integers(0, 3)) == 0:
        product["variants"] = [
            {key: value(key) for key in draw(st.lists(st.sampled_from(VARIANT_KEYS), unique=True))}
            for _ in range(draw(st.integers(0, 4)))
        ]
    return product


@st.composite
def json_uploads(draw: st.DrawFn) -> Upload:
    products = st.one_of(json_products(), json_values)
    shape = draw(st.sampled_from(["array", "object", "single", "jsonl", "any"]))
    if shape == "array":
        text = json.dumps(draw(st.lists(products, max_size=6)))
    elif shape == "object":
        text = json.dumps({"products": draw(st.one_of(st.lists(products, max_size=6), products))})
    elif shape == "single":
        text = json.dumps(draw(json_products()))
    elif shape == "jsonl":
        lines = draw(
            st.lists(st.one_of(products.map(json.dumps), st.text(max_size=20)), max_size=8)
        )
        text = "\n".join(lines)
    else:
        text = json.dumps(draw(json_values))
    data = draw(mutated(_encode(text, draw(encodings))))
    return _with_options(draw, data)


ZIP_MEMBER_NAMES = [
    "catalog.csv", "feed.xml", "products.json", "products.jsonl", "sub/catalog.csv",
    "images/a.png", "images/A.PNG", "a.png", "b.jpg", "__MACOSX/._catalog.csv", ".hidden.csv",
    "../../etc/passwd", "/etc/passwd", "..\\..\\evil.csv", "C:/evil.csv", "images/../../x.png",
    "dir/", "inner.zip", "[Content_Types].xml", "xl/workbook.xml", "",
]  # fmt: skip
CATALOG_MEMBER_NAMES = ["catalog.csv", "sub/catalog.csv", "products.json", "feed.xml", "x.jsonl"]
IMAGE_MEMBER_NAMES = ["images/a.png", "a.png", "A.PNG", "sub/images/a.png", "images/b.png"]
PNG_1X1 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@st.composite
def zip_uploads(draw: st.DrawFn) -> Upload:
    """ZIPs of catalog and image members, with hostile names, bombs-in-small and bad bytes."""
    catalog_name = draw(st.sampled_from(CATALOG_MEMBER_NAMES))
    catalog_data = draw(
        st.sampled_from([csv_uploads, json_uploads, xml_uploads]).flatmap(lambda make: make())
    ).data
    extra_data = st.one_of(
        st.just(PNG_1X1),
        st.binary(max_size=64),
        st.integers(min_value=0, max_value=3 * 2**20).map(lambda n: b"\0" * n),
        csv_uploads().map(lambda upload: upload.data),
    )
    # Image members the catalog cells point at; a hostile name only now and then, so
    # that most archives get past the whole-archive checks and reach the catalog.
    extra_names = st.one_of(
        st.sampled_from(IMAGE_MEMBER_NAMES),
        st.sampled_from(IMAGE_MEMBER_NAMES),
        st.sampled_from(IMAGE_MEMBER_NAMES),
        st.sampled_from(ZIP_MEMBER_NAMES),
    )
    members = [(catalog_name, catalog_data)] if draw(st.integers(0, 5)) else []
    members += draw(st.lists(st.tuples(extra_names, extra_data), max_size=4))
    members = draw(st.permutations(members))
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression) as archive:
        # Two members of one name are part of the attack; zipfile only warns about them.
        warnings.simplefilter("ignore", UserWarning)
        for name, content in members:
            if name:
                archive.writestr(name, content)
    data = draw(mutated(buffer.getvalue()))
    return _with_options(draw, data)


@st.composite
def raw_uploads(draw: st.DrawFn) -> Upload:
    """Arbitrary bytes, and arbitrary text in the encodings sellers' tools write."""
    data = draw(
        st.one_of(
            st.binary(max_size=512),
            st.builds(_encode, st.text(max_size=200), encodings),
            st.sampled_from([b"PK\x03\x04", b"PK\x05\x06" + b"\0" * 18, b"\xef\xbb\xbf", b"["]),
            st.binary(max_size=64).map(lambda tail: b"PK\x03\x04" + tail),
        )
    )
    return _with_options(draw, data)


def _with_options(draw: st.DrawFn, data: bytes) -> Upload:
    return Upload(
        data=data,
        filename=draw(st.sampled_from(FILENAMES)),
        # Mostly detected, as the API does for format=auto; sometimes forced, rightly or not.
        format=draw(st.sampled_from(FORMAT_NAMES)) if draw(st.integers(0, 2)) == 0 else None,
        limits=draw(st.sampled_from([DEFAULT_LIMITS, SMALL_LIMITS])),
    )


uploads = st.one_of(raw_uploads(), csv_uploads(), xml_uploads(), json_uploads(), zip_uploads())
STRATEGIES = {
    "raw": raw_uploads(),
    "csv": csv_uploads(),
    "xml": xml_uploads(),
    "json": json_uploads(),
    "zip": zip_uploads(),
}


def check_parse(upload: Upload) -> ParseResult | CatalogFileError:
    """The property: a result that keeps the record invariants, or a CatalogFileError.

    Any other exception escapes to the caller; an AssertionError means a broken invariant.
    """
    try:
        result = parse_catalog(
            upload.data, filename=upload.filename, format=upload.format, limits=upload.limits
        )
    except CatalogFileError as error:
        check_refusal(error)
        return error
    check_result(result, upload.limits)
    return result


def check_refusal(error: CatalogFileError) -> None:
    """A refusal carries a code the API knows and a message for the seller."""
    assert error.code in get_args(FileErrorCode), error.code
    assert error.message.strip(), error


def check_result(result: ParseResult, limits: ParseLimits) -> None:
    """What validation promises about every record that comes back."""
    assert len(result.records) == result.counts.products
    assert len(result.errors) <= limits.max_errors
    assert result.counts.errors >= len(result.errors)
    archive = result.archive_images
    members = set(archive.names()) if archive is not None else set()
    skus: set[str] = set()
    for record in result.records:
        assert 1 <= len(record.sku) <= limits.max_sku_chars, record.sku
        assert record.sku not in skus, f"duplicate SKU {record.sku!r} in the records"
        skus.add(record.sku)
        assert 1 <= len(record.title) <= limits.max_title_chars
        assert Decimal(0) < record.price <= limits.max_price, record.price
        assert record.price == record.price.quantize(Decimal("0.01"))
        assert len(record.currency) == 3, record.currency
        assert record.currency.isalpha(), record.currency
        assert record.stock is None or 0 <= record.stock <= limits.max_stock
        assert len(record.variants) <= limits.max_variants_per_product
        assert len(record.image_refs) <= limits.max_images_per_product
        for image in record.image_refs:
            # An image is an http(s) URL, or a member of this very ZIP: never a local path.
            assert image.is_url or image.url_or_path in members, image
        for variant in record.variants:
            assert 1 <= len(variant.sku) <= limits.max_sku_chars, variant.sku
            assert Decimal(0) < variant.price <= limits.max_price
    if archive is not None:
        # Reading the members the records point at is bounded and fails only as a file error.
        paths = {ref.url_or_path for r in result.records for ref in r.image_refs if not ref.is_url}
        with contextlib.suppress(CatalogFileError):
            archive.read_all(sorted(paths))
