"""Live rooms' domain errors as the API answers them: code, HTTP status, meaning."""

from __future__ import annotations

from shop_ai.errors import ErrorCode

SLUG_TAKEN = ErrorCode("slug_taken", 409, "The room address is taken; choose another slug.")
DUPLICATE = ErrorCode("duplicate", 400, "A product appears in the rundown more than once.")
UNKNOWN_PRODUCT = ErrorCode("unknown_product", 400, "A product not in this store or rundown.")
EMPTY_RUNDOWN = ErrorCode("empty_rundown", 400, "The rundown has no products yet.")
OFF_AIR = ErrorCode("off_air", 409, "The room is off air; start it first.")
INVALID_KIND = ErrorCode("invalid_kind", 400, "An event kind the room does not take.")
INVALID_STOCK = ErrorCode("invalid_stock", 400, "A stock event needs a stock of 0 or more.")
