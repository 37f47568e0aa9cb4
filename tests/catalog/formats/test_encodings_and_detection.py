"""Text encodings sellers' tools produce, and format detection."""

import codecs

import pytest

from catalog.formats import CatalogFileError, detect_format, parse_catalog

CSV_WITH_CHINESE = (
    "sku,title,price,currency,description\r\n"
    "CUP-1,保温杯 500毫升,89.00,CNY,不锈钢内胆，保温12小时。\r\n"  # noqa: RUF001 - real Chinese comma
    "TEA-1,西湖龙井 绿茶,128.50,CNY,明前春茶\r\n"
)


@pytest.mark.parametrize(
    "encoded",
    [
        CSV_WITH_CHINESE.encode("utf-8"),
        codecs.BOM_UTF8 + CSV_WITH_CHINESE.encode("utf-8"),
        CSV_WITH_CHINESE.encode("utf-16"),  # Python writes the BOM
        CSV_WITH_CHINESE.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]),
        CSV_WITH_CHINESE.encode("gbk"),
        CSV_WITH_CHINESE.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "gbk", "gb18030"],
)
def test_chinese_titles_survive_every_supported_encoding(encoded):
    result = parse_catalog(encoded)

    assert result.errors == []
    assert [record.title for record in result.records] == ["保温杯 500毫升", "西湖龙井 绿茶"]
    assert result.records[0].description_text == "不锈钢内胆，保温12小时。"  # noqa: RUF001


def test_the_utf8_bom_does_not_stick_to_the_first_column_name():
    result = parse_catalog(codecs.BOM_UTF8 + CSV_WITH_CHINESE.encode())

    assert result.records[0].sku == "CUP-1"


def test_crlf_and_excel_quoting_with_embedded_quotes_commas_and_line_breaks():
    text = 'sku,title,price,description\r\nA-1,"Mug, ""large""",5.00,"Line one\r\nLine two"\r\n'

    [record] = parse_catalog(text.encode()).records

    assert record.title == 'Mug, "large"'
    assert record.description_text == "Line one\nLine two"


def test_semicolon_separated_csv_from_european_excel_is_read():
    text = "sku;title;price\r\nA-1;Mug;5.00\r\n"

    [record] = parse_catalog(text.encode()).records

    assert (record.sku, record.title) == ("A-1", "Mug")


def test_bytes_valid_in_no_supported_encoding_are_rejected():
    # Latin-1 'é' followed by a space is neither UTF-8 nor GB18030.
    data = "sku,title,price\nA-1,Café au lait,5.00\n".encode("latin-1")

    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(data)

    assert raised.value.code == "bad_encoding"
    assert "UTF-8" in raised.value.message


def test_a_broken_utf16_file_is_a_bad_encoding():
    data = codecs.BOM_UTF16_LE + "sku,title".encode("utf-16-le") + b"\x00\xd8"

    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(data)

    assert raised.value.code == "bad_encoding"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Handle,Title,Body (HTML),Variant Price\nh,T,,1\n", "shopify_csv"),
        (b"ID,Type,SKU,Name,Regular price\n1,simple,A,B,1\n", "woocommerce_csv"),
        (b"sku,title,price\nA,B,1\n", "native_csv"),
        (b"id\ttitle\tprice\nA\tB\t1 USD\n", "google_tsv"),
        (b'<rss xmlns:g="http://base.google.com/ns/1.0"><channel/></rss>', "google_xml"),
        (b'[{"sku": "A"}]', "native_json"),
        (b'{"sku": "A"}\n{"sku": "B"}\n', "native_jsonl"),
        (b'{\n  "products": []\n}', "native_json"),
        (b"PK\x05\x06" + b"\x00" * 18, "zip"),
    ],
)
def test_formats_are_detected_from_content(content, expected):
    assert detect_format(content) == expected


def test_an_explicit_format_overrides_detection():
    # Both readings are possible: detection prefers our CSV (it has sku, title, price).
    text = b"id\tsku\ttitle\tprice\nG-1\tS-1\tLamp\t35.00 EUR\n"

    detected = parse_catalog(text)
    explicit = parse_catalog(text, format="google")

    assert detected.format == "native_csv"
    assert detected.errors[0].column == "price"  # "35.00 EUR" is not a plain number
    assert explicit.format == "google_tsv"
    assert [(r.sku, r.currency) for r in explicit.records] == [("G-1", "EUR")]


def test_the_format_alias_shopify_reads_a_shopify_file():
    text = b"Handle,Title,Variant Price\nmug,Mug,5.00\n"

    assert parse_catalog(text, format="shopify").format == "shopify_csv"


def test_unknown_columns_and_unknown_format_names_are_rejected_clearly():
    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(b"foo,bar\n1,2\n")
    assert raised.value.code == "unknown_format"
    assert "foo" in raised.value.message

    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(b"sku,title,price\n", format="excel")
    assert raised.value.code == "unknown_format"


def test_xml_that_is_not_a_merchant_feed_is_an_unknown_format():
    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(b"<?xml version='1.0'?><catalog><book/></catalog>")

    assert raised.value.code == "unknown_format"


def test_an_empty_file_is_malformed():
    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(b"  \n")

    assert raised.value.code == "malformed"
