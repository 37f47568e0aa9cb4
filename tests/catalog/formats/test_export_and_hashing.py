"""CSV export neutralizes formulas; content hashes ignore what does not change content."""

import csv
import io
import json

import pytest

from catalog.formats import (
    canonical_fields,
    content_hash,
    neutralize_formula,
    parse_catalog,
    write_csv_export,
)

NATIVE_CSV = (
    "sku,title,description,brand,category,price,currency,stock,tags,attributes,variant_sku,options\n"
    'TEE,Classic Tee,<p>Soft cotton.</p>,Acme,Shirts,19.99,USD,5,"b, a",fabric=cotton,'
    "TEE-S,size=S\n"
    "TEE,,,,,21.00,USD,3,,,TEE-M,size=M\n"
    "MUG,Mug,Holds 350 ml.,Acme,Kitchen,9.50,USD,10,,,,\n"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+CMD", "'+CMD"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Mug = cup", "Mug = cup"),
        ("19.99", "19.99"),
        ("", ""),
    ],
)
def test_neutralize_formula(value, expected):
    assert neutralize_formula(value) == expected


def test_the_export_neutralizes_formula_cells():
    data = b'sku,title,price,tags\n=A1,"=HYPERLINK(""http://evil"",""x"")",5,"@risk"\n'
    records = parse_catalog(data).records

    rows = list(csv.reader(io.StringIO(write_csv_export(records))))

    assert rows[1][0] == "'=A1"
    assert rows[1][1] == '\'=HYPERLINK("http://evil","x")'
    assert "'@risk" in rows[1]


def test_the_export_reads_back_to_the_same_products():
    records = parse_catalog(NATIVE_CSV.encode()).records

    again = parse_catalog(write_csv_export(records).encode()).records

    assert again == [
        type(record)(**{**_fields(record), "row_number": new.row_number})
        for record, new in zip(records, again, strict=True)
    ]
    assert [content_hash(r) for r in again] == [content_hash(r) for r in records]


def _fields(record):
    return {name: getattr(record, name) for name in record.__slots__}


def test_the_hash_is_stable_across_runs_and_row_order():
    first = {r.sku: content_hash(r) for r in parse_catalog(NATIVE_CSV.encode()).records}
    lines = NATIVE_CSV.splitlines(keepends=True)
    reordered = lines[0] + lines[3] + lines[1] + lines[2]  # products swapped

    again = {r.sku: content_hash(r) for r in parse_catalog(reordered.encode()).records}

    assert again == first
    assert len(first["TEE"]) == 64


def test_the_hash_is_the_same_for_the_same_product_in_json():
    products = [
        {
            "sku": "MUG",
            "title": "Mug",
            "description": "<p>Holds 350 ml.</p>",
            "brand": "Acme",
            "category": "Kitchen",
            "price": "9.5",
            "currency": "usd",
            "stock": 99,
        }
    ]
    from_csv = parse_catalog(NATIVE_CSV.encode()).records[1]
    [from_json] = parse_catalog(json.dumps(products).encode()).records

    assert content_hash(from_json) == content_hash(from_csv)


def test_stock_and_images_do_not_change_the_hash_but_price_and_title_do():
    base = content_hash(parse_catalog(NATIVE_CSV.encode()).records[1])

    def mug_hash(text: str) -> str:
        return content_hash(parse_catalog(text.encode()).records[1])

    assert mug_hash(NATIVE_CSV.replace("9.50,USD,10", "9.50,USD,0")) == base
    assert mug_hash(NATIVE_CSV.replace("9.50,USD,10", "9.60,USD,10")) != base
    assert mug_hash(NATIVE_CSV.replace("MUG,Mug,", "MUG,Big Mug,")) != base


def test_canonical_fields_are_plain_json_values():
    tee = parse_catalog(NATIVE_CSV.encode()).records[0]

    fields = canonical_fields(tee)

    assert fields["price"] == "19.99"
    assert fields["tags"] == ["a", "b"]
    assert [v["sku"] for v in fields["variants"]] == ["TEE-M", "TEE-S"]
    assert json.loads(json.dumps(fields)) == fields
