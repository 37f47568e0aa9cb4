"""Open an uploaded ZIP safely: bomb and path checks, the catalog member, lazy image reads."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from catalog.formats.errors import CatalogFileError
from catalog.formats.fields import is_unsafe_path, normalize_member_path
from catalog.formats.records import ParseLimits

CATALOG_EXTENSIONS = (".csv", ".tsv", ".txt", ".xml", ".rss", ".atom", ".json", ".jsonl", ".ndjson")
_CHUNK = 64 * 1024
# Small members may compress extremely well without harm; the ratio rule targets big ones.
_RATIO_CHECK_MIN_BYTES = 1024 * 1024


def is_zip(data: bytes) -> bool:
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


class ArchiveImages:
    """The files of an uploaded ZIP other than the catalog, read on demand.

    Images referenced by relative path in the catalog resolve against the catalog's folder
    first, then against the ZIP root, then case-insensitively. `read` enforces the size
    cap again while decompressing, so a member whose header lies about its size cannot
    balloon. Not safe to share between threads.
    """

    def __init__(
        self, data: bytes, members: dict[str, zipfile.ZipInfo], base_dir: str, limits: ParseLimits
    ) -> None:
        # One reader for all reads: reopening would re-parse the central directory each time.
        self._archive = zipfile.ZipFile(io.BytesIO(data))
        self._members = members
        self._lower = {name.lower(): name for name in members}
        self._base_dir = base_dir
        self._limits = limits

    def names(self) -> list[str]:
        return sorted(self._members)

    def size(self, name: str) -> int:
        return self._members[name].file_size

    @property
    def total_bytes(self) -> int:
        return sum(info.file_size for info in self._members.values())

    def resolve(self, relative_path: str) -> str | None:
        path = normalize_member_path(relative_path)
        candidates = [posixpath.join(self._base_dir, path), path] if self._base_dir else [path]
        for candidate in candidates:
            if candidate in self._members:
                return candidate
        for candidate in candidates:
            found = self._lower.get(candidate.lower())
            if found is not None:
                return found
        return None

    def read(self, name: str) -> bytes:
        info = self._members[name]
        cap = min(info.file_size, self._limits.max_image_bytes)
        return _read_member(self._archive, info, cap)

    def read_all(self, names: list[str]) -> dict[str, bytes]:
        """name -> bytes for the given members, refusing more than the ZIP size cap in total."""
        total = sum(self._members[name].file_size for name in names)
        if total > self._limits.max_zip_uncompressed_bytes:
            raise CatalogFileError("zip_bomb", "The images in the ZIP are too large in total.")
        return {name: self.read(name) for name in names}


def open_catalog_zip(data: bytes, limits: ParseLimits) -> tuple[str, bytes, ArchiveImages]:
    """Check the whole ZIP before extracting anything; return (member name, bytes, images)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise CatalogFileError("malformed", f"The ZIP file cannot be read ({exc}).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise CatalogFileError(
                "zip_bomb", f"The ZIP holds {len(infos)} entries; at most {limits.max_zip_members}."
            )
        files = _checked_files(infos, limits)
        names = {info.filename for info in files}
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            raise CatalogFileError(
                "unknown_format", "This is an Excel workbook (.xlsx). Save it as CSV (UTF-8)."
            )
        catalogs = [info for info in files if _is_catalog_member(info.filename)]
        if not catalogs:
            nested = any(info.filename.lower().endswith(".zip") for info in files)
            detail = " ZIP files inside the ZIP are not opened." if nested else ""
            raise CatalogFileError(
                "unknown_format",
                "The ZIP holds no catalog file (.csv, .tsv, .xml, .json or .jsonl)." + detail,
            )
        if len(catalogs) > 1:
            listed = ", ".join(info.filename for info in catalogs[:5])
            raise CatalogFileError(
                "malformed", f"The ZIP holds several catalog files ({listed}); upload one per ZIP."
            )
        catalog = catalogs[0]
        if catalog.file_size > limits.max_bytes:
            raise CatalogFileError(
                "file_too_large",
                f"The catalog file inside the ZIP is larger than {limits.max_bytes // 2**20} MB.",
            )
        catalog_bytes = _read_member(archive, catalog, catalog.file_size)
    others = {info.filename: info for info in files if info is not catalog}
    base_dir = posixpath.dirname(catalog.filename)
    return catalog.filename, catalog_bytes, ArchiveImages(data, others, base_dir, limits)


def _checked_files(infos: list[zipfile.ZipInfo], limits: ParseLimits) -> list[zipfile.ZipInfo]:
    files: list[zipfile.ZipInfo] = []
    total = 0
    for info in infos:
        if is_unsafe_path(info.filename):
            raise CatalogFileError(
                "zip_slip",
                f"The ZIP entry '{info.filename[:100]}' points outside the archive "
                "(absolute path or '..').",
            )
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise CatalogFileError("malformed", "Encrypted ZIP files are not supported.")
        total += info.file_size
        if info.file_size > 0 and info.compress_size == 0:
            raise CatalogFileError("malformed", f"The ZIP entry '{info.filename}' is corrupt.")
        if (
            info.file_size > _RATIO_CHECK_MIN_BYTES
            and info.file_size > info.compress_size * limits.max_zip_ratio
        ):
            raise CatalogFileError(
                "zip_bomb",
                f"The ZIP entry '{info.filename[:100]}' expands more than "
                f"{limits.max_zip_ratio} times; refusing to extract it.",
            )
        files.append(info)
    if total > limits.max_zip_uncompressed_bytes:
        raise CatalogFileError(
            "zip_bomb",
            f"The ZIP would expand to {total // 2**20} MB; at most "
            f"{limits.max_zip_uncompressed_bytes // 2**20} MB.",
        )
    return files


def _is_catalog_member(name: str) -> bool:
    base = posixpath.basename(name)
    if name.startswith("__MACOSX/") or base.startswith("."):
        return False
    return base.lower().endswith(CATALOG_EXTENSIONS)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Decompress in chunks and stop as soon as the output passes what was declared."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise CatalogFileError(
                        "zip_bomb",
                        f"The ZIP entry '{info.filename[:100]}' expands beyond its declared "
                        "size or the size limit.",
                    )
                chunks.append(chunk)
    # ValueError: a central directory that lies about its offset makes zipfile seek to a
    # negative position ("negative seek value"); OSError covers a truncated member.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ) as exc:
        raise CatalogFileError(
            "malformed", f"The ZIP entry '{info.filename[:100]}' cannot be read ({exc})."
        ) from None
    return b"".join(chunks)
