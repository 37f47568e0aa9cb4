"""REST API for the store's audit log."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from content.models import AuditEvent
from shop_ai.api.views import StoreScopedViewSet, id_param


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = ["id", "asset", "action", "actor_label", "details", "created_at"]
        read_only_fields = fields


class AuditViewSet(mixins.ListModelMixin, StoreScopedViewSet[AuditEvent]):
    """The store's audit log: generation, edits, approvals and rejections."""

    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.all()

    def get_queryset(self) -> Any:
        events = super().get_queryset()
        asset = id_param(self.request.query_params, "asset")
        return events.filter(asset_id=asset) if asset else events

    @extend_schema(parameters=[OpenApiParameter("asset", int)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
