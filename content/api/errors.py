"""Content's domain errors as the API answers them: code, HTTP status, meaning."""

from __future__ import annotations

from content.review import FindingsUnchecked
from shop_ai.errors import ErrorCode

# Generation jobs
INVALID_PRODUCTS = ErrorCode("invalid_products", 400, "Too few or too many products.")
UNKNOWN_PRODUCTS = ErrorCode("unknown_products", 400, "Some products do not exist.")
INVALID_KIND = ErrorCode("invalid_kind", 400, "An asset kind this job cannot make.")
INVALID_LOCALE = ErrorCode("invalid_locale", 400, "A locale the store does not offer.")
JOB_FINISHED = ErrorCode("job_finished", 409, "The job has already finished.")
# Review
FINDINGS_UNCHECKED = ErrorCode(
    FindingsUnchecked.code,
    FindingsUnchecked.status_code,
    "Assets with error findings need checked_findings: true; `details.ids` lists them.",
)
SUPERSEDED = ErrorCode("superseded", 409, "A newer version of the asset exists; review that.")
UNKNOWN_ASSETS = ErrorCode("unknown_assets", 400, "Some assets do not exist.")
NOT_TEXT = ErrorCode("not_text", 400, "Only copy assets can be edited as text.")
INVALID_FIELDS = ErrorCode("invalid_fields", 400, "Fields that copy does not have.")
INVALID_COPY = ErrorCode("invalid_copy", 400, "The edited copy is not valid.")
STALE_VERSION = ErrorCode("stale_version", 409, "This version was edited; edit the newest.")
# Verify
FILE_TOO_LARGE = ErrorCode("file_too_large", 413, "The file is too large to check.")
UNSUPPORTED_MEDIA = ErrorCode("unsupported_media", 400, "Not a PNG, JPEG, WAV or MP4 file.")
