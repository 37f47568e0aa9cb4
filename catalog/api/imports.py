"""REST API for catalog imports: upload a file or give a URL, poll the job, read its errors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.errors import (
    FILE_TOO_LARGE,
    IMPORT_FINISHED,
    ONE_SOURCE,
    UNKNOWN_FORMAT,
    URL_REFUSED,
)
from catalog.models import ImportJob, ImportPolicy
from shop_ai.api.errors import error_responses
from shop_ai.api.views import StoreScopedViewSet


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    # null for an uploaded file: the column's "" is not a URI.
    source_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "source_name",
            "source_url",
            "requested_format",
            "detected_format",
            "policy",
            "rows_seen",
            "created_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "error_code",
            "error_message",
            "cancel_requested",
            "created_at",
            "started_at",
            "finished_at",
            "seconds",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_source_url(self, job: ImportJob) -> str | None:
        return job.source_url or None


class ImportCreateSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(required=False)
    source_url = serializers.URLField(required=False, max_length=2048)
    format = serializers.CharField(required=False, default="auto")
    policy = serializers.ChoiceField(
        choices=ImportPolicy.choices, default=ImportPolicy.SKIP_INVALID
    )


class RowErrorSerializer(serializers.Serializer[Any]):
    row_number = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()
    sku = serializers.CharField()


class ImportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StoreScopedViewSet[ImportJob],
):
    """Catalog imports: upload a file (multipart) or give a URL; poll the job."""

    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.all()
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=ImportCreateSerializer,
        responses={
            202: ImportJobSerializer,
            **error_responses(ONE_SOURCE, UNKNOWN_FORMAT, FILE_TOO_LARGE, *URL_REFUSED),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = services.import_create(
            store=self.store,
            upload=data.get("file"),
            source_url=data.get("source_url", ""),
            requested_format=data["format"],
            policy=data["policy"],
            created_by=request.user if isinstance(request.user, User) else None,
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=RowErrorSerializer(many=True))
    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str) -> Response:
        """The row-level error report, paged."""
        rows = selectors.import_errors(self.get_object())
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(RowErrorSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={200: ImportJobSerializer, **error_responses(IMPORT_FINISHED)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        job = services.import_cancel(job=self.get_object())
        return Response(ImportJobSerializer(job).data)
