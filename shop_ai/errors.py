"""Domain errors that services raise; the API maps them to HTTP responses in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal a caller can act on: a stable machine code, a human message, a status."""

    status_code = 400
    code = "invalid_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status_code = status
        self.details = details


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class PermissionRefused(DomainError):
    status_code = 403
    code = "permission_denied"
