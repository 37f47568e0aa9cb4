"""The parser's shortcuts for common values give exactly what the full checks give."""

import hashlib
import json
from decimal import Decimal

from catalog.formats import (
    ImageRef,
    ParseLimits,
    ProductRecord,
    VariantRecord,
    canonical_fields,
    content_hash,
    parse_catalog,
)
from catalog.formats.fields import clean_text, single_line
from catalog.formats.html_text import normalize_lines

SHOPIFY_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
    "Variant Compare At Price,Variant Inventory Qty,Image Src,Image Position,Image Alt Text\n"
)


def shopify(rows: str, limits: ParseLimits | None = None):
    data = (SHOPIFY_HEADER + rows).encode()
    if limits is None:
        return parse_catalog(data, filename="export.csv")
    return parse_catalog(data, filename="export.csv", limits=limits)


def record(**changes: object) -> ProductRecord:
    fields: dict[str, object] = {
        "row_number": 2,
        "sku": "TEE",
        "title": "Tee «bio» 保温杯",
        "description_html": "<p>Soft</p>",
        "description_text": "Soft\nWarm",
        "brand": "Acme",
        "category": "Shirts",
        "price": Decimal("19.9"),
        "currency": "EUR",
        "compare_at_price": None,
        "stock": 5,
        "attributes": {"material": "cotton", "Color": "Black"},
        "tags": ["summer", "cotton", "summer"],
        "image_refs": [ImageRef("https://cdn.example.com/a.jpg", 1)],
        "variants": [
            VariantRecord(
                "TEE-M", "M", {"Size": "M", "Color": "Black"}, Decimal("21.00"), Decimal("30"), 2
            ),
            VariantRecord("TEE-L", "L", {"Size": "L"}, Decimal("19.9"), None, None),
        ],
        "source_format": "shopify_csv",
    }
    fields.update(changes)
    return ProductRecord(**fields)  # type: ignore[arg-type]


def generic_hash(product: ProductRecord) -> str:
    payload = json.dumps(
        canonical_fields(product), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def test_the_content_hash_of_a_known_product_is_pinned():
    # Imports compare stored hashes with new ones: this value must never drift.
    assert content_hash(record()) == (
        "3f0f9f44869cc19e3f4b1223990218295443db9d486b53f425941be63558a959"
    )


def test_the_content_hash_is_the_sha256_of_the_canonical_fields_as_sorted_json():
    tricky = [
        record(),
        record(title='Quote " backslash \\ tab \t nul \x00 emoji 🎉 \u2028', tags=[]),
        record(attributes={}, variants=[], compare_at_price=Decimal("25"), price=Decimal("-0")),
        record(attributes={"b": "2", "a": "1", "A": "0", "é": "x"}, tags=["z", "Z", "é"]),
        record(variants=[VariantRecord("ONLY", "", {}, Decimal("1E+1"), None, 1)]),
        record(attributes={"count": 3}),  # not text: the generic encoder's answer
        record(brand=None),
    ]

    for product in tricky:
        assert content_hash(product) == generic_hash(product)


def test_single_line_and_clean_text_shortcuts_match_the_full_cleaning():
    samples = [
        "",
        "plain",
        "two  spaces",
        " edge ",
        "tab\there",
        "line\nbreak",
        "nul\x00char",
        "nbsp\u00a0space",
        "ideographic\u3000space",
        "zero\u200bwidth",
        "\x7fdelete",
        "Organic cotton tee 12",
    ]
    for value in samples:
        assert single_line(value) == " ".join(value.replace("\x00", "").split()).replace("\x7f", "")
        assert clean_text(value) == value.replace("\x00", "").replace("\x7f", "").strip()


def test_normalize_lines_treats_one_line_and_many_lines_alike():
    assert normalize_lines("\n  Soft   cotton tee. \n") == "Soft cotton tee."
    assert normalize_lines("Soft\n\n  cotton \u00a0 tee\r\nfit") == "Soft\ncotton tee\nfit"
    assert normalize_lines("   ") == ""


def test_repeated_values_are_checked_for_every_product_not_only_the_first():
    rows = (
        "a,A,,Acme,Size,S,A-S,10.00,9.00,1,,,\n"  # compare-at below price
        "b,B,,Acme,Size,S,B-S,10.00,9.00,1,,,\n"  # the same values again: same error
        "c,C,,Acme,Size,S,A-S,10.00,,1,,,\n"  # a variant SKU used before
        "d,D,,Acme,Size,S,D-S,10.00,,x,,,\n"  # bad stock
    )
    result = shopify(rows)

    assert result.records == []
    assert [(error.row_number, error.column) for error in result.errors] == [
        (2, "Variant Compare At Price"),
        (3, "Variant Compare At Price"),
        (4, "Variant SKU"),
        (5, "Variant Inventory Qty"),
    ]


def test_remembered_option_names_still_obey_small_name_limits():
    rows = "a,A,,Acme,Colour,Red,A-1,10.00,,1,,,\nb,B,,Acme,Colour,Red,B-1,10.00,,1,,,\n"
    result = shopify(rows, ParseLimits(max_name_chars=4))

    assert result.records == []
    assert [error.row_number for error in result.errors] == [2, 3]
    assert all("too long" in error.message for error in result.errors)


def test_repeated_option_values_and_prices_share_one_object_per_value():
    rows = "".join(f"p{n},P{n},,Acme,Size,S,P{n}-S,10.00,,1,,,\n" for n in range(3))
    records = shopify(rows).records

    assert [product.variants[0].options for product in records] == [{"Size": "S"}] * 3
    assert len({id(product.variants[0].price) for product in records}) == 1
    assert records[2].variants[0].price == Decimal("10.00")


def test_plain_image_urls_pass_and_others_get_the_full_checks():
    rows = (
        "a,A,,Acme,Size,S,A-S,10.00,,1,https://cdn.example.com/a.jpg?v=1#x,1,Front\n"
        "b,B,,Acme,Size,S,B-S,10.00,,1,https://user@[::1]:8080/b.jpg,1,\n"
        "c,C,,Acme,Size,S,C-S,10.00,,1,https://cdn.example.com/has\x01control.jpg,1,\n"
        "d,D,,Acme,Size,S,D-S,10.00,,1,https:///no-host.jpg,1,\n"
        "e,E,,Acme,Size,S,E-S,10.00,,1,ftp://cdn.example.com/e.jpg,1,\n"
    )
    result = shopify(rows)

    refs = {product.sku: product.image_refs for product in result.records}
    assert refs["a"] == [ImageRef("https://cdn.example.com/a.jpg?v=1#x", 1, "Front")]
    assert refs["b"] == [ImageRef("https://user@[::1]:8080/b.jpg", 1)]
    assert refs["c"] == [ImageRef("https://cdn.example.com/hascontrol.jpg", 1)]
    assert [error.row_number for error in result.errors] == [5, 6]


def test_image_positions_that_int_cannot_read_are_ignored_not_fatal():
    rows = (
        "a,A,,Acme,Size,S,A-S,10.00,,1,https://cdn.example.com/a.jpg,\u00b2,\n"
        f"b,B,,Acme,Size,S,B-S,10.00,,1,https://cdn.example.com/b.jpg,{'9' * 5000},\n"
    )
    result = shopify(rows)

    assert result.errors == []
    assert [product.image_refs[0].position for product in result.records] == [1, 1]


def test_line_endings_of_every_kind_read_the_same():
    rows = [
        "sku,title,price,description",
        'A,Alpha,1.00,"two\nlines"',
        "B,Beta,2.00,plain",
    ]
    expected = None
    for ending in ("\n", "\r\n", "\r"):
        text = ending.join(rows) + ending
        result = parse_catalog(text.encode(), filename="catalog.csv")
        seen = [(r.sku, r.title, r.price, r.description_text, r.row_number) for r in result.records]
        assert result.errors == []
        expected = expected or seen
        assert seen == expected
    assert expected == [
        ("A", "Alpha", Decimal("1.00"), "two\nlines", 2),
        ("B", "Beta", Decimal("2.00"), "plain", 3),
    ]


def test_short_and_long_rows_read_missing_cells_as_empty():
    text = "sku,title,price,stock\nA,Alpha,1.00\nB,Beta,2.00,4,extra,cells\n"
    result = parse_catalog(text.encode(), filename="catalog.csv")

    assert result.errors == []
    assert [(r.sku, r.stock) for r in result.records] == [("A", None), ("B", 4)]
