"""Source digests: a re-import skips checking products whose rows are those stored."""

from __future__ import annotations

import io
import zipfile

from catalog.formats import open_catalog, parse_catalog
from catalog.formats.records import ParseResult

HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,"
    "Variant SKU,Variant Price,Variant Inventory Qty,Image Src\n"
)
SHIRT = (
    "shirt,Linen shirt,<p>Cool.</p>,Acme,Shirts,summer,TRUE,Size,S,SHIRT-S,39.00,4,"
    "https://cdn.example.com/s.jpg\n"
    "shirt,,,,,,,,M,SHIRT-M,39.00,6,\n"
)
HAT = "hat,Wool hat,Warm.,Acme,Hats,,TRUE,Title,Default Title,HAT-1,19.50,10,\n"
LAMP = "lamp,Lamp,,Acme,Lamps,,TRUE,Title,Default Title,LAMP-1,30.00,2,\n"
CATALOG = HEADER + SHIRT + HAT + LAMP


def _digests(content: str, **kwargs: object) -> dict[str, str]:
    """SKU -> source digest, as the first import stores them."""
    return {r.sku: r.source_digest for r in parse_catalog(content.encode(), **kwargs).records}  # type: ignore[arg-type]


def _known(content: str) -> dict[str, str]:
    return {digest: sku for sku, digest in _digests(content).items()}


def _stream(content: str, known: dict[str, str]) -> tuple[list[str], int, ParseResult]:
    stream = open_catalog(content.encode(), known_sources=known)
    skus = [record.sku for record in stream]
    return skus, stream.unchanged, stream.result()


def test_each_product_gets_a_stable_digest_of_its_own_rows():
    first, again = _digests(CATALOG), _digests(CATALOG)

    assert first == again
    assert len(set(first.values())) == 3
    assert all(len(digest) == 32 for digest in first.values())


def test_a_digest_changes_with_its_rows_and_with_what_reads_them():
    digests = _digests(CATALOG)

    cheaper_hat = _digests(CATALOG.replace("HAT-1,19.50", "HAT-1,18.50"))
    renamed_column = _digests(CATALOG.replace("Vendor", "vendor", 1))
    in_euros = _digests(CATALOG, default_currency="EUR")

    assert cheaper_hat["hat"] != digests["hat"]
    assert cheaper_hat["shirt"] == digests["shirt"]
    assert renamed_column["shirt"] != digests["shirt"]
    assert in_euros["shirt"] != digests["shirt"]


def test_products_with_known_digests_are_counted_not_checked_or_yielded():
    known = _known(HEADER + SHIRT + HAT)

    skus, unchanged, result = _stream(CATALOG, known)

    assert skus == ["lamp"]
    assert unchanged == 2
    full = parse_catalog(CATALOG.encode()).counts
    assert result.counts == full  # products and variants counted as a full check counts them


def test_a_changed_product_is_checked_in_full():
    known = _known(CATALOG)

    skus, unchanged, result = _stream(CATALOG.replace("HAT-1,19.50", "HAT-1,oops"), known)

    assert (skus, unchanged) == ([], 2)
    assert [(e.row_number, e.column) for e in result.errors] == [(4, "Variant Price")]


def test_a_repeated_handle_after_a_known_product_is_still_a_duplicate():
    known = _known(CATALOG)
    again = CATALOG + "hat,Other hat,,Acme,Hats,,TRUE,Title,Default Title,HAT-2,9.00,1,\n"

    skus, unchanged, result = _stream(again, known)

    assert (skus, unchanged) == ([], 3)
    assert [(e.row_number, e.message) for e in result.errors] == [
        (6, "Duplicate SKU: already used by the product at row 4.")
    ]
    assert result.errors == parse_catalog(again.encode()).errors


def test_a_zip_and_formats_without_digests_are_always_checked():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("products_export.csv", CATALOG)
    native = "sku,title,price\nMUG-1,Mug,12.00\n"

    zipped_records = parse_catalog(archive.getvalue()).records
    native_records = parse_catalog(native.encode()).records

    assert {r.source_digest for r in zipped_records} == {""}
    assert {r.source_digest for r in native_records} == {""}
