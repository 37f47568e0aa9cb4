"""Read delimited text (CSV/TSV, Excel quoting, CRLF) as a header index plus numbered rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter

from catalog.formats.errors import CatalogFileError
from catalog.formats.records import ParseLimits


@dataclass(slots=True)
class ReadStats:
    """Filled by a reader as it goes: how many non-blank source rows it read."""

    rows: int = 0


def normalize_header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).lower()


def sniff_delimiter(text: str) -> str:
    first_line = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _allow_large_fields(limits: ParseLimits) -> None:
    # The csv module refuses fields over 128 KB by raising mid-file, which would abort the
    # whole parse. Raise the process-wide cap to the file cap so oversized fields reach
    # validation and become row errors instead. This only ever raises the cap.
    if csv.field_size_limit() < limits.max_bytes:
        csv.field_size_limit(limits.max_bytes)


@dataclass(slots=True)
class CsvTable:
    """A header (normalized names, with raw labels kept for error messages) and its rows.

    Every row comes padded or cut to the header's width plus one trailing empty cell, so
    that missing columns and short rows read as '' through plain indexing.
    """

    raw_header: list[str]
    index: dict[str, int]
    rows: Iterator[tuple[int, list[str]]]

    def has(self, name: str) -> bool:
        return name in self.index

    def label(self, name: str) -> str:
        position = self.index.get(name)
        return self.raw_header[position].strip() if position is not None else name

    def getter(self, name: str) -> Callable[[list[str]], str]:
        """A fast accessor for one column; missing columns and short rows read as ''."""
        return itemgetter(self._position(name))

    def picker(self, names: Sequence[str]) -> Callable[[list[str]], tuple[str, ...]]:
        """One call that reads several columns of a row at once, in the order named."""
        if len(names) < 2:
            raise ValueError("picker() reads two columns or more; use getter() for one")
        return itemgetter(*(self._position(name) for name in names))

    def _position(self, name: str) -> int:
        # The empty cell after the last column stands in for a missing column.
        return self.index.get(name, len(self.raw_header))


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, as a file opened with newline='' gives them.

    Slicing at each '\n' keeps memory flat: a StringIO over the text holds a second copy
    of it at four bytes per character. Text with a lone '\r' line ending (old Mac files,
    or a '\r' inside a quoted cell) keeps the StringIO, which also splits there.
    """
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        yield from io.StringIO(text, newline="")
        return
    find = text.find
    start = 0
    while (end := find("\n", start) + 1) > 0:
        yield text[start:end]
        start = end
    if start < len(text):
        yield text[start:]


def read_table(
    text: str,
    *,
    limits: ParseLimits,
    stats: ReadStats,
    delimiter: str | None = None,
    normalize: Callable[[str], str] = normalize_header,
) -> CsvTable:
    _allow_large_fields(limits)
    if "\x00" in text:
        text = text.replace("\x00", "")
    reader = csv.reader(_lines(text), delimiter=delimiter or sniff_delimiter(text))
    try:
        raw_header = next(reader)
    except StopIteration:
        raise CatalogFileError("malformed", "The file has no header row.") from None
    except csv.Error as exc:
        raise CatalogFileError("malformed", f"The header row cannot be read ({exc}).") from None
    index: dict[str, int] = {}
    for position, name in enumerate(raw_header):
        index.setdefault(normalize(name), position)
    return CsvTable(raw_header, index, _rows(reader, len(raw_header), limits, stats))


def _rows(
    reader: Iterator[list[str]], width: int, limits: ParseLimits, stats: ReadStats
) -> Iterator[tuple[int, list[str]]]:
    row_number = 1
    max_rows = limits.max_rows
    padding = [""] * (width + 1)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CatalogFileError(
                "malformed", f"Row {row_number + 1} cannot be read as CSV ({exc})."
            ) from None
        row_number += 1
        # Most rows start with a non-blank cell; the join only runs for the rest.
        if not (row and (row[0].strip() or "".join(row).strip())):
            continue
        stats.rows += 1
        if stats.rows > max_rows:
            raise CatalogFileError(
                "too_many_rows", f"The file has more than {max_rows} rows; split it."
            )
        if len(row) == width:
            row.append("")
        else:
            row = row[:width]
            row += padding[len(row) :]
        yield row_number, row
