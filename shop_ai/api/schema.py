"""The OpenAPI schema class: every operation documents the errors it may answer.

drf-spectacular documents only the success answers. This class adds, to each operation,
the errors its view declared (``shop_ai.api.errors.error_responses``) and those every
endpoint of its kind shares: 401 and 403 behind StoreAccess, 400 for a request body or
declared query parameters, 404 for an object in the path or a paged list's cursor, 429
when throttled. Errors of one status share one entry listing their codes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

from shop_ai.api import errors as e
from shop_ai.api.permissions import StoreAccess
from shop_ai.errors import ErrorCode

_WRITES = {"POST", "PUT", "PATCH"}


class ErrorDocumentingAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> Any:
        # extend_schema overrides get_response_serializers on a subclass, so the declared
        # errors are picked out of its answer here, after the success answers are built.
        responses = self.get_response_serializers()
        declared: list[ErrorCode] = []
        if isinstance(responses, dict):
            for response in responses.values():
                if isinstance(response, e.DeclaredErrors):
                    declared.extend(response.errors)
        bodies = super()._get_response_bodies(direction)
        by_status: dict[int, list[ErrorCode]] = {}
        for error in (*self._shared_errors(), *declared):
            by_status.setdefault(error.status, []).append(error)
        declared_statuses = {error.status for error in declared}
        for status in sorted(by_status):
            if str(status) not in bodies or status in declared_statuses:
                response = e.error_response(by_status[status])
                bodies[str(status)] = self._get_response_for_code(
                    response, str(status), direction=direction
                )
        return bodies

    def _shared_errors(self) -> list[ErrorCode]:
        shared: list[ErrorCode] = []
        method = self.method.upper()
        has_body = method in _WRITES and self.get_request_serializer() is not None
        if has_body or (method == "GET" and self.get_override_parameters()):
            shared.append(e.INVALID)
        if any(isinstance(p, StoreAccess) for p in self.view.get_permissions()):
            shared += [e.NOT_AUTHENTICATED, e.AUTHENTICATION_FAILED, e.PERMISSION_DENIED]
            shared.append(e.NO_STORE)
            if getattr(self.view, "owner_only", False):
                shared.append(e.OWNER_REQUIRED)
            if method not in {"GET", "HEAD", "OPTIONS"}:
                shared.append(e.WRITE_SCOPE_REQUIRED)
        paged = method == "GET" and self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paged:
            shared.append(e.NOT_FOUND)
        if self.view.get_throttles():
            shared.append(e.THROTTLED)
        return shared
