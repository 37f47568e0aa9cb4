"""REST API for live sessions: figures, viewers' questions and the transcript."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from livestream import selectors
from livestream.models import HostUtterance, LiveSession, ViewerQuestion
from shop_ai.api.pagination import IdCursorPagination
from shop_ai.api.views import StoreScopedViewSet, id_param


class SessionSummarySerializer(serializers.ModelSerializer[LiveSession]):
    room = serializers.IntegerField(source="room_id", read_only=True)

    class Meta:
        model = LiveSession
        fields = [
            "id",
            "room",
            "started_at",
            "ended_at",
            "heartbeat_at",
            "last_seq",
            "current_product",
            "stats",
        ]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer[ViewerQuestion]):
    class Meta:
        model = ViewerQuestion
        fields = [
            "id",
            "viewer_id",
            "text",
            "product",
            "status",
            "draft_answer",
            "created_at",
            "resolved_at",
        ]
        read_only_fields = fields


class SessionDetailSerializer(SessionSummarySerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(SessionSummarySerializer.Meta):
        fields = [*SessionSummarySerializer.Meta.fields, "questions"]
        read_only_fields = fields


class UtteranceSerializer(serializers.ModelSerializer[HostUtterance]):
    class Meta:
        model = HostUtterance
        fields = [
            "id",
            "seq",
            "kind",
            "text",
            "product",
            "reason",
            "trigger",
            "audio",
            "latency",
            "created_at",
        ]
        read_only_fields = fields


class TranscriptPagination(IdCursorPagination):
    ordering = "seq"


class LiveSessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StoreScopedViewSet[LiveSession],
):
    """Runs of the store's rooms: figures, questions for the team, and the transcript."""

    queryset = LiveSession.objects.all()
    store_field = "room__store"

    def get_serializer_class(self) -> Any:
        return SessionDetailSerializer if self.action == "retrieve" else SessionSummarySerializer

    @extend_schema(parameters=[OpenApiParameter("room", int)])
    def list(self, request: Request) -> Response:
        return super().list(request)

    def get_queryset(self) -> QuerySet[LiveSession]:
        sessions = super().get_queryset()
        room = id_param(self.request.query_params, "room")
        if room is not None:
            sessions = sessions.filter(room_id=room)
        if self.action == "retrieve":
            sessions = sessions.prefetch_related("questions")
        return sessions

    @extend_schema(responses=UtteranceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transcript(self, request: Request, pk: str) -> Response:
        """What the host said, in order (`seq`), with audio, reasons and latencies."""
        session = self.get_object()
        paginator = TranscriptPagination()
        page = paginator.paginate_queryset(
            selectors.session_transcript(session), request, view=self
        )
        return paginator.get_paginated_response(UtteranceSerializer(page, many=True).data)
