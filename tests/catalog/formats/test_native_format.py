"""Shop AI's own CSV, JSON and JSON Lines formats."""

import json
from decimal import Decimal

import jsonschema

from catalog.formats import COLUMNS, PRODUCT_JSON_SCHEMA, parse_catalog

NATIVE_CSV = (
    "sku,title,description,brand,category,price,currency,compare_at_price,stock,tags,"
    "image_urls,attributes,variant_sku,variant_title,options\r\n"
    'MUG-1,Enamel Mug,"Holds 350 ml.\nDishwasher safe.",Acme,Home > Kitchen,9.50,usd,12.00,10,'
    '"mug, enamel",https://cdn.example.com/mug.jpg|https://cdn.example.com/mug-2.jpg,'
    "material=enamel;capacity=350 ml,,,\r\n"
    "TEE,Classic Tee,Soft cotton tee.,Acme,Clothing,19.99,USD,,5,,,"
    '"{""fabric"": ""cotton""}",TEE-S,Tee S,size=S\r\n'
    "TEE,,,,,21.00,USD,,3,,,,TEE-M,,size=M\r\n"
)

PRODUCTS = [
    {
        "sku": "MUG-1",
        "title": "Enamel Mug",
        "description": "Holds 350 ml.\nDishwasher safe.",
        "brand": "Acme",
        "category": "Home > Kitchen",
        "price": 9.5,
        "currency": "USD",
        "compare_at_price": "12.00",
        "stock": 10,
        "tags": ["mug", "enamel"],
        "images": [
            "https://cdn.example.com/mug.jpg",
            {"url": "https://cdn.example.com/mug-2.jpg", "alt": "Side", "position": 2},
        ],
        "attributes": {"material": "enamel", "capacity": "350 ml"},
    },
    {
        "sku": "TEE",
        "title": "Classic Tee",
        "description": "Soft cotton tee.",
        "brand": "Acme",
        "category": "Clothing",
        "attributes": {"fabric": "cotton"},
        "variants": [
            {
                "sku": "TEE-S",
                "title": "Tee S",
                "options": {"size": "S"},
                "price": "19.99",
                "stock": 5,
            },
            {"sku": "TEE-M", "options": {"size": "M"}, "price": 21, "stock": 3},
        ],
    },
]


def test_every_documented_column_has_a_description():
    assert {"sku", "title", "price", "currency", "attributes", "variant_sku", "options"} <= set(
        COLUMNS
    )
    assert all(description for description in COLUMNS.values())


def test_our_csv_reads_products_and_consecutive_variant_rows():
    result = parse_catalog(NATIVE_CSV.encode())

    assert result.format == "native_csv"
    assert result.errors == []
    mug, tee = result.records
    assert (mug.price, mug.compare_at_price, mug.currency, mug.stock) == (
        Decimal("9.50"),
        Decimal("12.00"),
        "USD",
        10,
    )
    assert mug.attributes == {"material": "enamel", "capacity": "350 ml"}
    assert mug.description_text == "Holds 350 ml.\nDishwasher safe."
    assert len(mug.image_refs) == 2
    assert [(v.sku, v.title, v.options, v.price) for v in tee.variants] == [
        ("TEE-S", "Tee S", {"size": "S"}, Decimal("19.99")),
        ("TEE-M", "M", {"size": "M"}, Decimal("21.00")),
    ]
    assert tee.attributes == {"fabric": "cotton", "size": "S, M"}
    assert tee.stock == 8


def test_bad_attribute_syntax_is_a_row_error_on_the_attributes_column():
    text = NATIVE_CSV.replace("material=enamel;capacity=350 ml", "material enamel")

    result = parse_catalog(text.encode())

    [error] = result.errors
    assert (error.row_number, error.column) == (2, "attributes")
    assert "key=value" in error.message


def test_the_json_fixture_matches_the_published_schema():
    jsonschema.Draft202012Validator.check_schema(PRODUCT_JSON_SCHEMA)
    for product in PRODUCTS:
        jsonschema.validate(product, PRODUCT_JSON_SCHEMA)


def test_json_and_csv_give_the_same_records():
    from_json = parse_catalog(json.dumps({"products": PRODUCTS}).encode())
    from_csv = parse_catalog(NATIVE_CSV.encode())

    assert from_json.format == "native_json"
    assert from_json.errors == []
    for json_record, csv_record in zip(from_json.records, from_csv.records, strict=True):
        assert json_record.sku == csv_record.sku
        assert json_record.price == csv_record.price
        assert json_record.attributes == csv_record.attributes
        assert json_record.description_text == csv_record.description_text
        assert [v.price for v in json_record.variants] == [v.price for v in csv_record.variants]
    assert from_json.records[0].image_refs[1].alt == "Side"


def test_json_lines_report_a_broken_line_and_keep_the_others():
    lines = [json.dumps(PRODUCTS[0]), "{not json", json.dumps(PRODUCTS[1])]

    result = parse_catalog("\n".join(lines).encode(), filename="catalog.jsonl")

    assert result.format == "native_jsonl"
    assert [record.sku for record in result.records] == ["MUG-1", "TEE"]
    [error] = result.errors
    assert error.row_number == 2
    assert "not valid JSON" in error.message


def test_json_lines_are_detected_without_a_file_name():
    text = "\n".join(json.dumps(product) for product in PRODUCTS)

    assert parse_catalog(text.encode()).format == "native_jsonl"


def test_json_type_errors_name_the_json_path():
    broken = json.loads(json.dumps(PRODUCTS[1]))
    broken["variants"][1]["price"] = [21]

    result = parse_catalog(json.dumps([broken]).encode())

    assert result.errors
    assert {error.column for error in result.errors} == {"variants[1].price"}
    assert "string or a number" in result.errors[0].message
    assert result.records == []


def test_duplicate_variant_skus_inside_one_json_product_are_reported():
    product = json.loads(json.dumps(PRODUCTS[1]))
    product["variants"][1]["sku"] = "TEE-S"

    result = parse_catalog(json.dumps([product]).encode())

    assert result.records == []
    [error] = result.errors
    assert error.column == "variants[1].sku"
    assert "Duplicate variant SKU" in error.message
