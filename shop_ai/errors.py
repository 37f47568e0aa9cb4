"""Domain errors that services raise; the API maps them to HTTP responses in one place."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ErrorCode:
    """An error the API may answer: its code, HTTP status and meaning, declared once.

    The API documents each endpoint's errors from these; calling one makes the DomainError
    to raise, so what is raised and what is documented can come from one declaration.
    """

    code: str
    status: int
    meaning: str

    def __call__(self, message: str, *, details: Any = None) -> DomainError:
        return DomainError(message, code=self.code, status=self.status, details=details)
