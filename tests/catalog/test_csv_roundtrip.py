"""Our CSV format round-trips: what we export, we import back as the same products.

Hypothesis generates awkward but valid products (quotes, commas, newlines, Chinese text,
formula-looking titles) and checks export → import keeps every canonical field.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.formats import ImageRef, ProductRecord, content_hash, parse_catalog, write_csv_export

# Printable text without leading/trailing spaces (imports strip them), no control chars,
# and plain spaces only: imports fold other space characters (NBSP...) into a space.
WORDS = (
    st.text(
        alphabet=st.characters(categories=("L", "N", "P"), include_characters=" "),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
SKUS = st.from_regex(r"[A-Z0-9][A-Z0-9_-]{0,20}", fullmatch=True)
PRICES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)


@st.composite
def products(draw: st.DrawFn) -> ProductRecord:
    price = draw(PRICES)
    compare = draw(st.none() | st.decimals(min_value=price, max_value=price + 500, places=2))
    title = draw(WORDS)
    if draw(st.booleans()):
        title = "=" + title  # looks like a formula: must be neutralised and still round-trip
    return ProductRecord(
        row_number=2,
        sku=draw(SKUS),
        title=title,
        description_html="",
        description_text="",
        brand=draw(st.sampled_from(["", "Acme", "Kiln & Co", "山田"])),
        category=draw(st.sampled_from(["", "Home > Kitchen", "服装 > T恤"])),
        price=price,
        currency="USD",
        compare_at_price=compare,
        stock=draw(st.none() | st.integers(min_value=0, max_value=10_000)),
        attributes=draw(st.dictionaries(SKUS, WORDS, max_size=3)),
        tags=draw(st.lists(SKUS, max_size=4, unique=True)),
        image_refs=[ImageRef(url_or_path="https://cdn.example.com/a.jpg", position=1)],
        variants=[],
        source_format="native_csv",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(products(), min_size=1, max_size=5, unique_by=lambda p: p.sku))
def test_export_then_import_keeps_every_canonical_field(records: list[ProductRecord]) -> None:
    exported = write_csv_export(records)
    result = parse_catalog(exported.encode("utf-8"), format="csv")
    assert result.errors == []
    by_sku = {record.sku: record for record in result.records}
    for original in records:
        back = by_sku[original.sku]
        assert back.title == original.title
        assert back.price == original.price
        assert back.compare_at_price == original.compare_at_price
        assert back.stock == original.stock
        assert back.attributes == original.attributes
        assert sorted(back.tags) == sorted(original.tags)
        assert content_hash(back) == content_hash(original)
