"""Hostile uploads end as CatalogFileError or row errors: no crash, hang or memory blow-up."""

import random

import pytest

from catalog.formats import CatalogFileError, ParseLimits, detect_format, parse_catalog

G_NS = 'xmlns:g="http://base.google.com/ns/1.0"'

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0" {G_NS}><channel><item>
 <g:id>1</g:id><g:title>&lol9;</g:title><g:price>1 USD</g:price>
</item></channel></rss>
"""

XXE_FILE = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" {G_NS}><channel><item>
 <g:id>1</g:id><g:title>&secret;</g:title><g:price>1 USD</g:price>
</item></channel></rss>
"""


def file_error(data: bytes, **kwargs) -> CatalogFileError:
    with pytest.raises(CatalogFileError) as raised:
        parse_catalog(data, **kwargs)
    return raised.value


def test_billion_laughs_is_refused():
    assert file_error(BILLION_LAUGHS.encode()).code == "xml_forbidden"


def test_an_external_file_entity_is_refused_and_never_read():
    error = file_error(XXE_FILE.encode())

    assert error.code == "xml_forbidden"
    assert "root:" not in error.message


def test_a_dtd_is_refused_even_when_the_format_is_named():
    assert file_error(XXE_FILE.encode(), format="google_xml").code == "xml_forbidden"


def test_non_feed_xml_with_a_dtd_is_refused_at_detection():
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'

    with pytest.raises(CatalogFileError) as raised:
        detect_format(data)

    assert raised.value.code == "xml_forbidden"


def test_malformed_xml_is_malformed():
    data = f"<rss {G_NS}><channel><item><g:id>1</g:id></channel></rss>".encode()

    assert file_error(data).code == "malformed"


def test_a_file_over_the_size_limit_is_refused_before_reading():
    limits = ParseLimits(max_bytes=1000)

    assert file_error(b"sku,title,price\n" + b"a" * 2000, limits=limits).code == "file_too_large"


def test_a_file_with_too_many_rows_is_refused():
    data = b"sku,title,price\nA,a,1\nB,b,1\nC,c,1\n"

    assert file_error(data, limits=ParseLimits(max_rows=2)).code == "too_many_rows"


def test_random_garbage_is_a_binary_file():
    garbage = random.Random(7).randbytes(4096)

    assert file_error(garbage).code == "binary_file"


def test_high_bytes_that_decode_in_no_encoding_are_a_bad_encoding():
    assert file_error(b"\x80\x81\xff" * 100).code == "bad_encoding"


@pytest.mark.parametrize(
    ("magic", "words"),
    [(b"\x89PNG\r\n\x1a\n", "PNG"), (b"%PDF-1.7", "PDF"), (b"\xd0\xcf\x11\xe0", "Excel")],
)
def test_well_known_binary_files_are_named(magic, words):
    error = file_error(magic + b"\x00" * 100)

    assert error.code == "binary_file"
    assert words in error.message


def test_deeply_nested_json_is_malformed_not_a_recursion_crash():
    assert file_error(b"[" * 200_000).code == "malformed"


def test_invalid_json_is_malformed_with_its_position():
    error = file_error(b'[{"sku": "A",}]')

    assert error.code == "malformed"
    assert "line 1" in error.message


def test_an_unterminated_quote_gives_row_errors_not_a_crash():
    result = parse_catalog(b'sku,title,price\nA,"Mug,5\nB,Cup,3\n')

    assert result.records == []
    assert result.errors


def test_formula_cells_are_kept_as_text_on_import():
    [record] = parse_catalog(b'sku,title,price\nA-1,"=HYPERLINK(""http://x"")",5\n').records

    assert record.title == '=HYPERLINK("http://x")'
