"""One error format for the whole API: ``{"error": {"code", "message", "details"}}``.

Here too the errors an endpoint may answer are declared for its OpenAPI entry: an
``ErrorCode`` (shop_ai.errors) names a code with its HTTP status and meaning, once; views
list the domain errors their service raises (``error_responses``, beside
``extend_schema``'s success answer), and ``shop_ai.api.schema`` adds the ones every
endpoint of its kind shares (authentication, permission, validation, not found, throttling).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from shop_ai.errors import DomainError, ErrorCode

# Shared by every endpoint of a kind; shop_ai.api.schema decides which apply where.
INVALID = ErrorCode("invalid", 400, "The request has invalid fields; `details` names them.")
NOT_AUTHENTICATED = ErrorCode("not_authenticated", 401, "No API key or session was sent.")
AUTHENTICATION_FAILED = ErrorCode("authentication_failed", 401, "The API key is not valid.")
PERMISSION_DENIED = ErrorCode("permission_denied", 403, "The requester may not do this.")
NO_STORE = ErrorCode("no_store", 403, "The account is not a member of any store.")
WRITE_SCOPE_REQUIRED = ErrorCode("write_scope_required", 403, "The key or role may only read.")
OWNER_REQUIRED = ErrorCode("owner_required", 403, "Only a store owner signed in may do this.")
NOT_FOUND = ErrorCode("not_found", 404, "No such object in this store (or an invalid cursor).")
THROTTLED = ErrorCode("throttled", 429, "Too many requests; retry after `Retry-After` seconds.")


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="A stable machine code, listed per endpoint.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    details = serializers.JSONField(allow_null=True, help_text="More, by code; often null.")


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error answer of the API."""

    error = ErrorDetailSerializer()


class DeclaredErrors(OpenApiResponse):
    """Errors a view declared in ``extend_schema(responses=...)``; the schema class turns
    them, with the shared ones, into one documented answer per status."""

    def __init__(self, errors: Iterable[ErrorCode]) -> None:
        super().__init__(ErrorSerializer)
        self.errors = tuple(errors)


def error_responses(*errors: ErrorCode) -> dict[int, OpenApiResponse]:
    """``extend_schema`` responses for the domain errors an endpoint's service raises.

    Keyed by status; the values are markers that the schema class merges, so two codes of
    one status share one entry.
    """
    by_status: dict[int, list[ErrorCode]] = {}
    for error in errors:
        by_status.setdefault(error.status, []).append(error)
    return {code: DeclaredErrors(group) for code, group in by_status.items()}


def error_response(errors: Iterable[ErrorCode]) -> OpenApiResponse:
    """The documented answer for errors of one status: the Error body and their codes."""
    lines = [f"- `{e.code}`: {e.meaning}" for e in dict.fromkeys(errors)]
    return OpenApiResponse(ErrorSerializer, description="Error codes:\n" + "\n".join(lines))


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # an unexpected error: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", "The request has invalid fields.", exc.detail)
    else:
        detail = exc.detail
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        body = error_body(str(code), str(detail), None)
    response.data = body
    return response


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        error_body("not_found", f"No API route at {request.path}."),
        status=status.HTTP_404_NOT_FOUND,
    )
