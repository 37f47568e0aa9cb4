"""The catalog's domain errors as the API answers them: code, HTTP status, meaning."""

from __future__ import annotations

from shop_ai.errors import ErrorCode

SKU_TAKEN = ErrorCode("sku_taken", 409, "A product with this SKU exists; PATCH it instead.")
ONE_SOURCE = ErrorCode("one_source", 400, "Send either a file or a source_url, not both.")
UNKNOWN_FORMAT = ErrorCode("unknown_format", 400, "No such import format; `details` lists them.")
FILE_TOO_LARGE = ErrorCode("file_too_large", 413, "The uploaded file is too large.")
IMPORT_FINISHED = ErrorCode("import_finished", 409, "The import has already finished.")
# The source URL is refused before anything is fetched (catalog.safe_fetch's codes).
URL_REFUSED = (
    ErrorCode("bad_url", 400, "The source URL is malformed."),
    ErrorCode("scheme_not_allowed", 400, "The source URL is not http(s)."),
    ErrorCode("address_not_allowed", 400, "The source URL's host is a private address."),
)
