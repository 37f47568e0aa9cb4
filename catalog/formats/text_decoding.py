"""Turn uploaded bytes into text: BOMs, UTF-8, UTF-16, GB18030/GBK, and binary rejection."""

from __future__ import annotations

import codecs
import re

from catalog.formats.errors import CatalogFileError

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Files sellers upload by mistake; naming them beats a generic "binary" message.
_MAGIC_NAMES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) workbook; save it as CSV"),
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_SAMPLE_CHARS = 65_536
_SAMPLE_BYTES = 65_536
_MIN_CONTROLS = 8
# Real exports carry almost no control characters; a decoded blob full of them is binary.
_MAX_CONTROL_SHARE = 0.01


def decode_catalog_text(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) or raise CatalogFileError.

    Order: a BOM decides; otherwise strict UTF-8, then GB18030 (a superset of GBK, which
    Chinese Excel and platform exports use). Anything else is rejected rather than guessed.
    """
    if not data or data.isspace():
        raise CatalogFileError("malformed", "The file is empty.")
    for magic, what in _MAGIC_NAMES:
        if data.startswith(magic):
            raise CatalogFileError("binary_file", f"This file is {what}, not a catalog export.")

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise CatalogFileError(
                    "bad_encoding",
                    f"The file starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()} (byte {exc.start}).",
                ) from None
            return _reject_binary_text(text.removeprefix("\ufeff")), encoding

    # Text in UTF-8 or GB18030 never uses these bytes inside multibyte characters, so a
    # byte count is safe here; a stray one is tolerated, binary data has plenty.
    head = data[:_SAMPLE_BYTES]
    if _is_binary_share(len(head) - len(head.translate(None, _CONTROL_BYTES)), len(head)):
        raise CatalogFileError(
            "binary_file",
            "The file contains binary data. Upload a CSV, TSV, XML, JSON or ZIP export.",
        )
    try:
        return _reject_binary_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _reject_binary_text(data.decode("gb18030")), "gb18030"
    except UnicodeDecodeError:
        raise CatalogFileError(
            "bad_encoding",
            "The file's text encoding is not supported. Save it as UTF-8 "
            "(UTF-16 and GBK/GB18030 are also accepted).",
        ) from None


def _is_binary_share(controls: int, size: int) -> bool:
    return controls > max(_MIN_CONTROLS, size * _MAX_CONTROL_SHARE)


def _reject_binary_text(text: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    if _is_binary_share(len(_CONTROL_CHARS.findall(sample)), len(sample)):
        raise CatalogFileError(
            "binary_file",
            "The file contains binary data. Upload a CSV, TSV, XML, JSON or ZIP export.",
        )
    return text
