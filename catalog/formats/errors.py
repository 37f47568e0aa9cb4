"""Whole-file rejection raised by the catalog format parsers."""

from __future__ import annotations

from typing import Literal

FileErrorCode = Literal[
    "file_too_large",
    "too_many_rows",
    "bad_encoding",
    "binary_file",
    "xml_forbidden",
    "zip_bomb",
    "zip_slip",
    "unknown_format",
    "malformed",
]


class CatalogFileError(Exception):
    """The upload as a whole cannot be read; the API layer answers it with a 4xx.

    `code` is stable and machine-readable; `message` is written for the seller.
    """

    def __init__(self, code: FileErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code: FileErrorCode = code
        self.message = message
