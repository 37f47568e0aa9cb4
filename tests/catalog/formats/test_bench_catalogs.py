"""The copy benchmark's fixture exports parse cleanly and cover what the benchmark claims."""

import re
from pathlib import Path

from catalog.formats import parse_catalog

CATALOGS = Path(__file__).resolve().parents[3] / "bench" / "catalogs"
EXPECTED = {
    "shopify_products_export.csv": "shopify_csv",
    "woocommerce_product_export.csv": "woocommerce_csv",
    "google_merchant_feed.xml": "google_xml",
}


def test_the_fixture_exports_parse_with_no_errors_into_200_products_or_more():
    records = []
    for name, format_name in EXPECTED.items():
        result = parse_catalog((CATALOGS / name).read_bytes(), filename=name)
        assert result.format == format_name
        assert result.errors == []
        records.extend(result.records)

    assert len(records) >= 200
    assert any(record.variants for record in records)
    assert any(not record.description_text for record in records)
    assert any(re.search(r"[\u4e00-\u9fff]", record.description_text) for record in records)
    assert any("<li>" in record.description_html for record in records)
