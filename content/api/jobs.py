"""REST API for generation jobs: products, kinds and locales run as stages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from content import selectors, services
from content.api import errors
from content.models import AssetKind, GenerationJob, GenerationStage
from shop_ai.api.errors import error_responses
from shop_ai.api.views import MAX_ID, StoreScopedViewSet


class StageSerializer(serializers.ModelSerializer[GenerationStage]):
    class Meta:
        model = GenerationStage
        fields = ["product", "locale", "stage", "status", "attempts", "error", "seconds"]
        read_only_fields = fields


class GenerationJobSerializer(serializers.ModelSerializer[GenerationJob]):
    progress = serializers.SerializerMethodField()
    cost = serializers.SerializerMethodField()
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "status",
            "kinds",
            "locales",
            "options",
            "cancel_requested",
            "error_message",
            "progress",
            "cost",
            "stages",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, job: GenerationJob) -> dict[str, int]:
        counts: dict[str, int] = {}
        for stage in job.stages.all():
            counts[stage.status] = counts.get(stage.status, 0) + 1
        return {"total": sum(counts.values()), **counts}

    def get_cost(self, job: GenerationJob) -> dict[str, Any]:
        return selectors.job_cost(job)


class GenerationJobCreateSerializer(serializers.Serializer[Any]):
    products = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=AssetKind.choices),
        default=list(AssetKind.values),
    )
    locales = serializers.ListField(
        child=serializers.ChoiceField(choices=services.LOCALES), default=["en"]
    )
    options = serializers.DictField(required=False, default=dict)


class GenerationJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    StoreScopedViewSet[GenerationJob],
):
    """Generation jobs: products, kinds and locales, run as stages by the workers."""

    serializer_class = GenerationJobSerializer
    queryset = GenerationJob.objects.prefetch_related("stages")

    def get_queryset(self) -> Any:
        return selectors.with_cost(super().get_queryset())

    @extend_schema(
        request=GenerationJobCreateSerializer,
        responses={
            201: GenerationJobSerializer,
            200: GenerationJobSerializer,
            **error_responses(
                errors.INVALID_PRODUCTS,
                errors.UNKNOWN_PRODUCTS,
                errors.INVALID_KIND,
                errors.INVALID_LOCALE,
            ),
        },
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                description="Repeat a request safely: the same key returns the same job.",
            )
        ],
    )
    def create(self, request: Request) -> Response:
        serializer = GenerationJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job, created = services.generation_job_create(
            store=self.store,
            product_ids=data["products"],
            kinds=data["kinds"],
            locales=data["locales"],
            options=data["options"],
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100] or None,
            created_by=request.user if isinstance(request.user, User) else None,
        )
        job = self.get_queryset().get(pk=job.pk)
        return Response(
            GenerationJobSerializer(job).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=None,
        responses={200: GenerationJobSerializer, **error_responses(errors.JOB_FINISHED)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        services.job_cancel(job=self.get_object())
        return Response(GenerationJobSerializer(self.get_object()).data)
