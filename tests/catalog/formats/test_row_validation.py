"""Row-level validation: each bad value becomes a precise RowError, never a crash."""

import csv
import io
from decimal import Decimal

import pytest

from catalog.formats import ParseLimits, parse_catalog

HEADER = [
    "sku",
    "title",
    "price",
    "currency",
    "compare_at_price",
    "stock",
    "image_urls",
    "description",
]
GOOD = {"sku": "A-1", "title": "Mug", "price": "9.99", "currency": "USD"}


def csv_bytes(*rows: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def only_error(**changes: str):
    result = parse_catalog(csv_bytes({**GOOD, **changes}))
    assert result.records == []
    assert result.counts.rejected == 1
    [error] = result.errors
    assert error.row_number == 2
    return error


def test_a_good_row_passes():
    [record] = parse_catalog(csv_bytes(GOOD)).records

    assert (record.sku, record.price, record.currency) == ("A-1", Decimal("9.99"), "USD")


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"sku": ""}, "sku", "SKU is required"),
        ({"sku": "X" * 65}, "sku", "longer than 64"),
        ({"title": "  "}, "title", "Title is required"),
        ({"title": "T" * 256}, "title", "longer than 255"),
        ({"price": ""}, "price", "Price is required"),
        ({"price": "abc"}, "price", "must be a number"),
        ({"price": "1,299.00"}, "price", "thousands separator"),
        ({"price": "9.999"}, "price", "at most 2 decimal places"),
        ({"price": "0"}, "price", "greater than 0"),
        ({"price": "-5"}, "price", "must be a number"),
        ({"price": "1000000.01"}, "price", "maximum allowed price"),
        ({"compare_at_price": "5.00"}, "compare_at_price", "must not be below the price"),
        ({"currency": "US"}, "currency", "3-letter"),
        ({"currency": "€"}, "currency", "3-letter"),
        ({"stock": "2.5"}, "stock", "whole number"),
        ({"stock": "-1"}, "stock", "must not be negative"),
        ({"stock": "many"}, "stock", "whole number"),
        ({"image_urls": "ftp://files.example.com/a.jpg"}, "image_urls", "http(s) URL"),
        ({"image_urls": "javascript:alert(1)"}, "image_urls", "http(s) URL"),
        ({"image_urls": "https:///no-host.jpg"}, "image_urls", "http(s) URL"),
        ({"image_urls": "images/a.jpg"}, "image_urls", "upload a ZIP"),
        ({"image_urls": "../etc/passwd"}, "image_urls", "no '..'"),
        ({"description": "é" * 40_000}, "description", "larger than 64 KB"),
    ],
)
def test_each_bad_value_is_reported_on_its_column(changes, column, words):
    error = only_error(**changes)

    assert error.column == column
    assert words in error.message


def test_the_error_value_is_an_excerpt_and_carries_the_sku():
    error = only_error(title="T" * 5000)

    assert len(error.value) <= 80
    assert error.sku == "A-1"


def test_a_one_megabyte_field_is_an_error_not_a_crash():
    huge = "x" * (1024 * 1024)

    result = parse_catalog(csv_bytes({**GOOD, "description": huge}, {**GOOD, "sku": "A-2"}))

    assert [record.sku for record in result.records] == ["A-2"]
    [error] = result.errors
    assert error.column == "description"
    assert len(error.value) <= 80


def test_a_one_megabyte_title_is_an_error_too():
    result = parse_catalog(csv_bytes({**GOOD, "title": "t" * (1024 * 1024)}))

    assert "longer than 255" in result.errors[0].message


def test_duplicate_skus_in_one_file_reject_the_later_rows():
    result = parse_catalog(csv_bytes(GOOD, {**GOOD, "sku": "B-1"}, {**GOOD, "title": "Other"}))

    assert [record.sku for record in result.records] == ["A-1", "B-1"]
    [error] = result.errors
    assert error.row_number == 4
    assert "Duplicate SKU" in error.message
    assert "row 2" in error.message


def test_all_problems_of_a_row_are_reported_together():
    result = parse_catalog(csv_bytes({"sku": "", "title": "", "price": "x", "currency": "USD"}))

    assert {error.column for error in result.errors} == {"sku", "title", "price"}
    assert result.counts.rejected == 1


def test_text_fields_lose_control_characters_and_extra_whitespace():
    [record] = parse_catalog(csv_bytes({**GOOD, "title": " Big\x00  Mug\x07 "})).records

    assert record.title == "Big Mug"


def test_limits_are_configurable():
    limits = ParseLimits(max_price=Decimal("100"))

    result = parse_catalog(csv_bytes({**GOOD, "price": "150.00"}), limits=limits)

    assert "maximum allowed price 100" in result.errors[0].message


def test_errors_kept_are_capped_but_all_are_counted():
    rows = [{**GOOD, "sku": f"S-{n}", "price": "bad"} for n in range(30)]

    result = parse_catalog(csv_bytes(*rows), limits=ParseLimits(max_errors=10))

    assert len(result.errors) == 10
    assert result.counts.errors == 30
    assert result.errors_truncated


def test_a_default_currency_that_is_not_a_code_is_a_programming_error():
    with pytest.raises(ValueError, match="default_currency"):
        parse_catalog(csv_bytes(GOOD), default_currency="dollars")
