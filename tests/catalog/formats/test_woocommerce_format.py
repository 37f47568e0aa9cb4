"""WooCommerce product CSV export: simple, variable and variation rows."""

from decimal import Decimal

from catalog.formats import parse_catalog

WOO_EXPORT = (
    "ID,Type,SKU,Name,Published,Short description,Description,In stock?,Stock,Sale price,"
    "Regular price,Categories,Tags,Images,Parent,Brands,Attribute 1 name,"
    "Attribute 1 value(s),Attribute 1 visible,Attribute 1 global\n"
    '10,"simple, virtual",WOO-MUG,Enamel Mug,1,A short one,"<p>Holds 350 ml.</p>",1,12,,9.50,'
    '"Home > Kitchen, Gifts\\, Presents","mug, enamel",'
    '"https://shop.example.com/mug.jpg, https://shop.example.com/mug-2.jpg",,Acme,'
    "Material,Enamel,1,0\n"
    "13,variation,,Classic Tee - M,1,,,0,,,21.00,,,,WOO-TEE,,Size,M,,1\n"
    "11,variable,WOO-TEE,Classic Tee,1,,Soft tee,1,,,,Clothing > Shirts,,"
    'https://shop.example.com/tee.jpg,,Acme,Size,"S, M",1,1\n'
    "12,variation,WOO-TEE-S,Classic Tee - S,1,,,1,5,15.00,19.99,,,,id:11,,Size,S,,1\n"
)


def parse(text: str):
    return parse_catalog(text.encode("utf-8"), filename="wc-product-export.csv")


def test_a_woocommerce_export_is_detected():
    result = parse(WOO_EXPORT)

    assert result.format == "woocommerce_csv"
    assert result.errors == []
    assert [record.sku for record in result.records] == ["WOO-MUG", "WOO-TEE"]


def test_a_simple_product_reads_categories_tags_images_and_attributes():
    mug = parse(WOO_EXPORT).records[0]

    assert mug.title == "Enamel Mug"
    assert mug.brand == "Acme"
    assert mug.category == "Home > Kitchen"  # the first category path
    assert mug.tags == ["mug", "enamel"]
    assert [image.url_or_path for image in mug.image_refs] == [
        "https://shop.example.com/mug.jpg",
        "https://shop.example.com/mug-2.jpg",
    ]
    assert mug.attributes == {"Material": "Enamel"}
    assert (mug.price, mug.stock, mug.published) == (Decimal("9.50"), 12, True)


def test_variations_join_their_parent_by_id_or_sku_wherever_they_appear():
    tee = parse(WOO_EXPORT).records[1]

    assert [(v.sku, v.options, v.price, v.compare_at_price, v.stock) for v in tee.variants] == [
        ("WOO-TEE-M", {"Size": "M"}, Decimal("21.00"), None, 0),  # no SKU: derived; not in stock
        ("WOO-TEE-S", {"Size": "S"}, Decimal("15.00"), Decimal("19.99"), 5),
    ]
    assert tee.attributes == {"Size": "S, M"}
    assert (tee.price, tee.compare_at_price, tee.stock) == (Decimal("15.00"), Decimal("19.99"), 5)


def test_the_sale_price_is_the_price_and_the_regular_price_the_compare_at_price():
    text = WOO_EXPORT.replace(",12,,9.50,", ",12,7.00,9.50,")

    mug = parse(text).records[0]

    assert (mug.price, mug.compare_at_price) == (Decimal("7.00"), Decimal("9.50"))


def test_an_orphan_variation_is_reported_on_its_own_row():
    text = WOO_EXPORT + "14,variation,WOO-X,Orphan,1,,,1,1,,5,,,,id:99,,Size,L,,1\n"

    result = parse(text)

    assert len(result.records) == 2
    [error] = result.errors
    assert (error.row_number, error.column, error.value) == (6, "Parent", "id:99")
    assert result.counts.rejected == 1


def test_grouped_products_and_variable_products_without_variations_are_reported():
    text = WOO_EXPORT + (
        "20,grouped,WOO-SET,Gift set,1,,,,,,,,,,,,,,,\n"
        "21,variable,WOO-EMPTY,Empty,1,,,,,,,,,,,,,,,\n"
    )

    result = parse(text)

    messages = {error.row_number: error.message for error in result.errors}
    assert "Grouped products" in messages[6]
    assert "no variations" in messages[7]
