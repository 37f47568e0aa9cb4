"""REST API serving the JSON Schema of the live viewer feed."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from livestream.protocol import protocol_schema


class LiveProtocolView(APIView):
    """The JSON Schema of the viewer feed at ``/ws/live/<room>/``."""

    @extend_schema(responses={200: dict[str, Any]})
    def get(self, request: Request) -> Response:
        return Response(protocol_schema())
