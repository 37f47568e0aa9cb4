"""Shopify product CSV export: handles group rows into products, variants and images."""

from decimal import Decimal

from catalog.formats import parse_catalog

HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Price,"
    "Variant Compare At Price,Variant Inventory Qty,Variant Barcode,Image Src,Image Position,"
    "Image Alt Text,Status\r\n"
)
SHOPIFY_EXPORT = HEADER + (
    'classic-tee,Classic Tee,"<p>Soft <b>cotton</b> tee.</p><script>alert(1)</script>",'
    'Acme,Shirts,"summer, cotton",TRUE,Size,S,Color,Red,,,TEE-S-RED,19.99,24.99,5,,'
    "https://cdn.example.com/tee.jpg,1,Front view,active\r\n"
    "classic-tee,,,,,,,,M,,Red,,,TEE-M-RED,21.00,,3,,https://cdn.example.com/tee-back.jpg,2,"
    "Back view,\r\n"
    "classic-tee,,,,,,,,,,,,,,,,,,https://cdn.example.com/tee-side.jpg,3,,\r\n"
    "enamel-mug,Enamel Mug,Holds 350 ml.,Acme,Kitchen,,FALSE,Title,Default Title,,,,,MUG-1,"
    "9.5,,10,0123456789012,,,,draft\r\n"
)


def parse(text: str):
    return parse_catalog(text.encode("utf-8"), filename="products_export.csv")


def test_a_shopify_export_is_detected_and_grouped_by_handle():
    result = parse(SHOPIFY_EXPORT)

    assert result.format == "shopify_csv"
    assert result.errors == []
    assert [record.sku for record in result.records] == ["classic-tee", "enamel-mug"]
    assert result.counts.rows == 4
    assert result.counts.products == 2
    assert result.counts.variants == 2


def test_variants_carry_options_prices_and_stock_and_the_product_takes_the_cheapest():
    tee = parse(SHOPIFY_EXPORT).records[0]

    assert [(v.sku, v.title, v.options) for v in tee.variants] == [
        ("TEE-S-RED", "S / Red", {"Size": "S", "Color": "Red"}),
        ("TEE-M-RED", "M / Red", {"Size": "M", "Color": "Red"}),
    ]
    assert tee.variants[0].compare_at_price == Decimal("24.99")
    assert tee.variants[1].price == Decimal("21.00")
    assert tee.price == Decimal("19.99")
    assert tee.compare_at_price == Decimal("24.99")
    assert tee.stock == 8
    assert tee.attributes == {"Size": "S, M", "Color": "Red"}


def test_product_fields_come_from_the_first_row_and_html_is_sanitized():
    tee = parse(SHOPIFY_EXPORT).records[0]

    assert tee.title == "Classic Tee"
    assert tee.brand == "Acme"
    assert tee.category == "Shirts"
    assert tee.tags == ["summer", "cotton"]
    assert tee.currency == "USD"
    assert tee.published is True
    assert "<script>" not in tee.description_html
    assert tee.description_html.startswith("<p>Soft <b>cotton</b> tee.</p>")
    assert tee.description_text == "Soft cotton tee."


def test_image_rows_attach_images_in_position_order():
    tee = parse(SHOPIFY_EXPORT).records[0]

    assert [(image.url_or_path, image.position, image.alt) for image in tee.image_refs] == [
        ("https://cdn.example.com/tee.jpg", 1, "Front view"),
        ("https://cdn.example.com/tee-back.jpg", 2, "Back view"),
        ("https://cdn.example.com/tee-side.jpg", 3, ""),
    ]


def test_a_lone_default_title_variant_becomes_the_product_price():
    mug = parse(SHOPIFY_EXPORT).records[1]

    assert mug.variants == []
    assert mug.price == Decimal("9.50")
    assert mug.stock == 10
    assert mug.attributes == {"gtin": "0123456789012"}
    assert mug.published is False  # Published FALSE, Status draft


def test_currency_comes_from_the_import_default():
    result = parse_catalog(SHOPIFY_EXPORT.encode(), default_currency="cny")

    assert {record.currency for record in result.records} == {"CNY"}


def test_a_bad_variant_price_rejects_the_whole_product_and_names_the_row_and_column():
    broken = SHOPIFY_EXPORT.replace("TEE-M-RED,21.00", "TEE-M-RED,$21")

    result = parse(broken)

    assert [record.sku for record in result.records] == ["enamel-mug"]
    assert result.counts.rejected == 1
    [error] = result.errors
    assert (error.row_number, error.column, error.sku) == (3, "Variant Price", "classic-tee")
    assert "number" in error.message


def test_a_handle_that_comes_back_later_is_a_duplicate():
    again = SHOPIFY_EXPORT + "classic-tee,Classic Tee again,,,,,,,,,,,,,5.00,,,,,,,\r\n"

    result = parse(again)

    assert [record.sku for record in result.records] == ["classic-tee", "enamel-mug"]
    [error] = result.errors
    assert error.row_number == 6
    assert "Duplicate SKU" in error.message


def test_a_handle_longer_than_a_sku_gets_a_stable_short_key_and_is_kept_whole():
    handle = "organic-cotton-relaxed-fit-t-shirt-with-chest-pocket-in-heather-grey-melange"
    text = HEADER + f"{handle},Tee,,,,,TRUE,Title,Default Title,,,,,,9.00,,,,,,,active\r\n"

    [first] = parse(text).records
    [again] = parse(text).records

    assert len(first.sku) == 64
    assert first.sku.startswith("organic-cotton")
    assert first.sku == again.sku
    assert first.attributes["handle"] == handle
