"""ZIP uploads: a catalog plus its images; bombs, slips and nesting are refused."""

import io
import struct
import zipfile

import pytest

from catalog.formats import CatalogFileError, ParseLimits, parse_catalog

CATALOG = (
    "sku,title,price,image_urls\n"
    "MUG-1,Mug,9.50,images/mug.jpg|https://cdn.example.com/mug-2.jpg\n"
    "CUP-1,Cup,4.00,./Images/CUP.JPG\n"
)
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-bytes" * 10


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return buffer.getvalue()


def file_error(data: bytes, **kwargs) -> CatalogFileError:
    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(data, **kwargs)
    return raised.value


def test_a_zip_catalog_resolves_relative_images_to_members():
    data = make_zip(
        {
            "export/products.csv": CATALOG.encode(),
            "export/images/mug.jpg": JPEG,
            "images/cup.jpg": JPEG,
        }
    )

    result = parse_catalog(data, filename="catalog.zip")

    assert (result.container, result.format) == ("zip", "native_csv")
    assert result.errors == []
    mug, cup = result.records
    assert [(image.url_or_path, image.is_url) for image in mug.image_refs] == [
        ("export/images/mug.jpg", False),  # next to the catalog first
        ("https://cdn.example.com/mug-2.jpg", True),
    ]
    assert cup.image_refs[0].url_or_path == "images/cup.jpg"  # then the root, any case
    assert result.archive_images is not None
    assert result.archive_images.read("export/images/mug.jpg") == JPEG
    assert result.archive_images.read_all(["images/cup.jpg"]) == {"images/cup.jpg": JPEG}


def test_an_image_missing_from_the_zip_is_a_row_error():
    result = parse_catalog(make_zip({"products.csv": CATALOG.encode(), "images/mug.jpg": JPEG}))

    assert [record.sku for record in result.records] == ["MUG-1"]
    [error] = result.errors
    assert (error.row_number, error.column) == (3, "image_urls")
    assert "not in the ZIP" in error.message


def test_a_highly_compressible_member_is_a_zip_bomb():
    data = make_zip({"products.csv": CATALOG.encode(), "images/huge.jpg": bytes(20 * 1024 * 1024)})
    assert len(data) < 100_000

    error = file_error(data)

    assert error.code == "zip_bomb"
    assert "huge.jpg" in error.message


def test_the_total_uncompressed_size_is_capped_before_extracting():
    data = make_zip({"products.csv": CATALOG.encode(), "images/mug.jpg": JPEG * 100})

    assert file_error(data, limits=ParseLimits(max_zip_uncompressed_bytes=5_000)).code == "zip_bomb"


def test_the_member_count_is_capped():
    members = {f"images/{n}.jpg": JPEG for n in range(20)} | {"products.csv": CATALOG.encode()}

    assert file_error(make_zip(members), limits=ParseLimits(max_zip_members=10)).code == "zip_bomb"


def test_a_member_that_lies_about_its_size_is_refused():
    honest = make_zip({"products.csv": CATALOG.encode()})
    declared = struct.pack("<I", 10)
    # Shrink the uncompressed size in the local header (offset 22) and central directory (24).
    local = honest.index(b"PK\x03\x04")
    central = honest.index(b"PK\x01\x02")
    lying = bytearray(honest)
    lying[local + 22 : local + 26] = declared
    lying[central + 24 : central + 28] = declared

    assert file_error(bytes(lying)).code in {"zip_bomb", "malformed"}


@pytest.mark.parametrize(
    "name", ["../evil.csv", "/etc/cron.d/evil.csv", "a/../../evil.jpg", "C:/x.csv"]
)
def test_members_escaping_the_archive_are_zip_slip(name):
    data = make_zip({"products.csv": CATALOG.encode(), name: b"x"})

    assert file_error(data).code == "zip_slip"


def test_nested_zips_are_not_followed():
    inner = make_zip({"products.csv": CATALOG.encode()})

    error = file_error(make_zip({"inner.zip": inner}))

    assert error.code == "unknown_format"
    assert "inside the ZIP" in error.message


def test_a_zip_with_two_catalogs_is_refused():
    data = make_zip({"a.csv": CATALOG.encode(), "b.json": b"[]"})

    assert file_error(data).code == "malformed"


def test_an_xlsx_workbook_is_named():
    data = make_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})

    error = file_error(data)

    assert error.code == "unknown_format"
    assert "Excel" in error.message


def test_a_truncated_zip_is_malformed():
    data = make_zip({"products.csv": CATALOG.encode()})

    assert file_error(data[:40]).code == "malformed"
