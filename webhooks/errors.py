"""Webhooks' domain errors, declared once: the services raise them, the API documents them."""

from __future__ import annotations

from shop_ai.errors import ErrorCode

WEBHOOK_URL_REFUSED = ErrorCode(
    "webhook_url_refused",
    400,
    "The URL cannot receive webhooks (not https, or a private, loopback or metadata address);"
    " `details.reason` says which.",
)
INVALID_EVENTS = ErrorCode(
    "invalid_events", 400, "An event is not one we send; `details.unknown` lists them."
)
