"""Source digests: a hash of the raw rows a product was read from, to skip re-checking them.

Re-importing an unchanged 100,000-product file spent nearly all of its time checking rows
only to find every product's import hash unchanged. A reader that supports it hashes each
product's raw rows as it reads them; when the digest equals the one stored at the
product's last import (and nothing else has written the product since, which blanks the
stored digest), the builder counts the product unchanged without checking it.

The digest is seeded with everything besides the rows that decides what they become: the
format, the header row, the store's default currency, the parse limits, and the source
code of this package, so a change to any reader or check makes every stored digest stale
at once (the next re-import takes the full path and writes nothing that is unchanged).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from catalog.formats.records import ParseLimits

DIGEST_BYTES = 16  # 32 hex characters, Product.source_digest's length


@cache
def _code_version() -> bytes:
    """A hash of this package's source: the rules that turn rows into stored values."""
    code = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        code.update(path.name.encode())
        code.update(path.read_bytes())
    return code.digest()


def digest_seed(*, format_name: str, currency: str, limits: ParseLimits) -> Any:
    """A hasher holding the parse's settings; a reader adds its header, then copies it per
    product and adds the product's rows (see row_bytes)."""
    seed = hashlib.blake2b(digest_size=DIGEST_BYTES)
    seed.update(_code_version())
    seed.update(repr((format_name, currency, limits)).encode())
    return seed


def header_bytes(header: list[str]) -> bytes:
    """The header row, unambiguously (repr quotes and escapes each cell)."""
    return repr(header).encode()


def row_bytes(row: list[str]) -> bytes:
    """A table row's cells, each ended by a NUL.

    Unambiguous for csv_rows.read_table's rows, and several times cheaper than repr: it
    removes every NUL from the text, and gives every row the same number of cells.
    """
    return ("\x00".join(row) + "\x00").encode()
