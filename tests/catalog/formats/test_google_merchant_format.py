"""Google Merchant Center feeds: RSS 2.0, Atom and TSV with the g: vocabulary."""

from decimal import Decimal

from catalog.formats import parse_catalog

RSS_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">
 <channel>
  <title>Acme store</title><link>https://shop.example.com</link>
  <item>
   <g:id>MUG-1</g:id><g:title>Enamel Mug</g:title>
   <g:description>Holds 350 ml.</g:description>
   <g:link>https://shop.example.com/mug</g:link>
   <g:image_link>https://shop.example.com/mug.jpg</g:image_link>
   <g:additional_image_link>https://shop.example.com/mug-2.jpg</g:additional_image_link>
   <g:price>12.00 USD</g:price><g:sale_price>9.50 USD</g:sale_price>
   <g:availability>in_stock</g:availability><g:brand>Acme</g:brand>
   <g:gtin>0123456789012</g:gtin><g:product_type>Home &gt; Kitchen</g:product_type>
   <g:google_product_category>Home &amp; Garden</g:google_product_category>
   <g:material>enamel</g:material>
   <g:shipping><g:country>US</g:country><g:price>4.00 USD</g:price></g:shipping>
  </item>
  <item>
   <g:id>TEE-S</g:id><title>Classic Tee</title><description>Soft tee</description>
   <g:item_group_id>TEE</g:item_group_id><g:price>19.99 USD</g:price>
   <g:size>S</g:size><g:color>Red</g:color><g:availability>out_of_stock</g:availability>
   <g:image_link>https://shop.example.com/tee.jpg</g:image_link>
  </item>
  <item>
   <g:id>TEE-M</g:id><title>Classic Tee</title><g:item_group_id>TEE</g:item_group_id>
   <g:price>21.00 USD</g:price><g:size>M</g:size><g:color>Red</g:color>
   <g:availability>in stock</g:availability>
  </item>
 </channel>
</rss>
"""

ATOM_FEED = """<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
 <title>Acme</title>
 <entry>
  <g:id>LAMP-1</g:id><title>Desk Lamp</title><summary>Warm light.</summary>
  <link href="https://shop.example.com/lamp"/><g:price>35 EUR</g:price>
  <g:image_link>https://shop.example.com/lamp.jpg</g:image_link>
 </entry>
</feed>
"""

TSV_FEED = (
    "id\ttitle\tdescription\tprice\tsale_price\timage_link\tadditional_image_link\tbrand\t"
    "availability\n"
    "LAMP-1\tDesk Lamp\tWarm light.\t35.00 EUR\t\thttps://shop.example.com/lamp.jpg\t"
    "https://shop.example.com/l2.jpg,https://shop.example.com/l3.jpg\tAcme\tin_stock\n"
)


def test_an_rss_feed_is_detected_and_its_g_fields_are_read():
    result = parse_catalog(RSS_FEED.encode())

    assert result.format == "google_xml"
    assert result.errors == []
    mug = result.records[0]
    assert (mug.sku, mug.title, mug.brand, mug.category) == (
        "MUG-1",
        "Enamel Mug",
        "Acme",
        "Home > Kitchen",
    )
    assert (mug.price, mug.compare_at_price, mug.currency) == (
        Decimal("9.50"),
        Decimal("12.00"),
        "USD",
    )
    assert [image.url_or_path for image in mug.image_refs] == [
        "https://shop.example.com/mug.jpg",
        "https://shop.example.com/mug-2.jpg",
    ]
    assert mug.attributes["gtin"] == "0123456789012"
    assert mug.attributes["material"] == "enamel"
    assert mug.attributes["availability"] == "in_stock"
    assert "country" not in mug.attributes  # nested shipping is not a product fact


def test_items_sharing_an_item_group_id_become_variants_of_one_product():
    tee = parse_catalog(RSS_FEED.encode()).records[1]

    assert tee.sku == "TEE"
    assert tee.row_number == 2
    assert [(v.sku, v.options, v.stock) for v in tee.variants] == [
        ("TEE-S", {"size": "S", "color": "Red"}, 0),
        ("TEE-M", {"size": "M", "color": "Red"}, None),
    ]
    assert tee.price == Decimal("19.99")
    assert tee.attributes == {"size": "S, M", "color": "Red"}


def test_an_atom_feed_reads_plain_atom_title_summary_and_link():
    [lamp] = parse_catalog(ATOM_FEED.encode()).records

    assert (lamp.sku, lamp.title, lamp.description_text) == ("LAMP-1", "Desk Lamp", "Warm light.")
    assert (lamp.price, lamp.currency) == (Decimal("35.00"), "EUR")
    assert lamp.attributes["link"] == "https://shop.example.com/lamp"


def test_a_tsv_feed_uses_the_same_names_without_g():
    result = parse_catalog(TSV_FEED.encode(), filename="feed.txt")

    assert result.format == "google_tsv"
    [lamp] = result.records
    assert (lamp.sku, lamp.price, lamp.currency, lamp.brand) == (
        "LAMP-1",
        Decimal("35.00"),
        "EUR",
        "Acme",
    )
    assert len(lamp.image_refs) == 3


def test_a_feed_item_with_a_bad_price_names_the_g_column():
    result = parse_catalog(ATOM_FEED.replace("35 EUR", "thirty EUR").encode())

    [error] = result.errors
    assert (error.row_number, error.column, error.sku) == (1, "g:price", "LAMP-1")


def test_variants_priced_in_another_currency_are_rejected():
    feed = RSS_FEED.replace("<g:price>21.00 USD</g:price>", "<g:price>21.00 EUR</g:price>")

    result = parse_catalog(feed.encode())

    assert [record.sku for record in result.records] == ["MUG-1"]
    assert "priced in USD" in result.errors[0].message
