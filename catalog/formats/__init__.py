"""Catalog import formats: parse seller exports into validated product records (no Django)."""

from catalog.formats.archive import ArchiveImages
from catalog.formats.detection import FORMATS, detect_format
from catalog.formats.errors import CatalogFileError, FileErrorCode
from catalog.formats.export import iter_csv_export, neutralize_formula, write_csv_export
from catalog.formats.hashing import canonical_fields, content_hash, import_hash
from catalog.formats.native import COLUMNS, PRODUCT_JSON_SCHEMA
from catalog.formats.parser import CatalogStream, open_catalog, parse_catalog
from catalog.formats.records import (
    DEFAULT_LIMITS,
    ImageRef,
    ParseCounts,
    ParseLimits,
    ParseResult,
    ProductRecord,
    RowError,
    VariantRecord,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_LIMITS",
    "FORMATS",
    "PRODUCT_JSON_SCHEMA",
    "ArchiveImages",
    "CatalogFileError",
    "CatalogStream",
    "FileErrorCode",
    "ImageRef",
    "ParseCounts",
    "ParseLimits",
    "ParseResult",
    "ProductRecord",
    "RowError",
    "VariantRecord",
    "canonical_fields",
    "content_hash",
    "detect_format",
    "import_hash",
    "iter_csv_export",
    "neutralize_formula",
    "open_catalog",
    "parse_catalog",
    "write_csv_export",
]
