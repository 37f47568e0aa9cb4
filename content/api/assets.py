"""REST API for generated assets: list, read, review, edit copy, versions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from content import review, selectors
from content.api import errors
from content.models import Asset, AssetKind, ReviewState
from content.outputs import ASSET_COLUMNS, AssetSerializer, asset_outputs
from content.providers.text import product_copy as copy_schema
from shop_ai.api.errors import error_responses
from shop_ai.api.views import MAX_ID, StoreScopedViewSet, id_param
from shop_ai.models import ApiKey

ASSET_FILTERS = [
    OpenApiParameter("product", int),
    OpenApiParameter("kind", str, enum=AssetKind.values),
    OpenApiParameter("locale", str),
    OpenApiParameter(
        "state", str, enum=[*ReviewState.values, "all"], description="Default: approved."
    ),
    OpenApiParameter("job", int),
]


CHECKED_FINDINGS_HELP = (
    "Approving an asset with error findings needs true: the reviewer checked them "
    "(otherwise 400 findings_unchecked)."
)


class ReviewSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    checked_findings = serializers.BooleanField(default=False, help_text=CHECKED_FINDINGS_HELP)


class BulkReviewSerializer(serializers.Serializer[Any]):
    assets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    checked_findings = serializers.BooleanField(default=False, help_text=CHECKED_FINDINGS_HELP)


class ShotSerializer(serializers.Serializer[Any]):
    """One shot of the short video: what is shown, from which image, for how long."""

    description = serializers.CharField(max_length=copy_schema.SHOT_DESCRIPTION_MAX_CHARS)
    # DRF's metaclass moves declared fields off the class, so this does not shadow
    # Field.source at run time; only the type checker sees the clash.
    source = serializers.ChoiceField(choices=copy_schema.SHOT_SOURCES)  # type: ignore[assignment]
    duration_s = serializers.FloatField(
        min_value=copy_schema.SHOT_MIN_SECONDS, max_value=copy_schema.SHOT_MAX_SECONDS
    )


class CopyEditSerializer(serializers.Serializer[Any]):
    headline = serializers.CharField(required=False, max_length=200)
    short_description = serializers.CharField(required=False, max_length=1000)
    bullets = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    long_description = serializers.CharField(required=False, max_length=5000)
    video_script = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False
    )
    # Search engines and the video have hard limits, so edits keep to them.
    seo_title = serializers.CharField(required=False, max_length=copy_schema.SEO_TITLE_MAX_CHARS)
    seo_description = serializers.CharField(
        required=False, max_length=copy_schema.SEO_DESCRIPTION_MAX_CHARS
    )
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=copy_schema.KEYWORD_MAX_CHARS),
        required=False,
        max_length=copy_schema.KEYWORDS_MAX,
        help_text="Stored lower-case, each once.",
    )
    shot_list = ShotSerializer(
        many=True, required=False, help_text="Durations total 15 to 30 seconds."
    )

    def validate_keywords(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(" ".join(k.lstrip("#").split()).lower() for k in value))

    def validate_shot_list(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # The PATCH is validated partially, which DRF passes on to each shot: check whole shots.
        fields = set(ShotSerializer().fields)
        if any(set(shot) != fields for shot in value):
            raise serializers.ValidationError(f"Each shot needs {', '.join(sorted(fields))}.")
        if not copy_schema.SHOTS_MIN <= len(value) <= copy_schema.SHOTS_MAX:
            raise serializers.ValidationError(
                f"Give {copy_schema.SHOTS_MIN} to {copy_schema.SHOTS_MAX} shots."
            )
        total = sum(shot["duration_s"] for shot in value)
        low, high = copy_schema.VIDEO_MIN_SECONDS, copy_schema.VIDEO_MAX_SECONDS
        if not low <= round(total, 3) <= high:
            raise serializers.ValidationError(
                f"The shots last {total:g} s; the video runs {low:g} to {high:g} s."
            )
        return [dict(shot) for shot in value]


def _actor(request: Request) -> dict[str, Any]:
    user = request.user if isinstance(request.user, User) else None
    api_key = request.auth if isinstance(request.auth, ApiKey) else None
    return {"user": user, "label": review.actor_label(user=user, api_key=api_key)}


class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreScopedViewSet[Asset]):
    """Generated assets with download URLs, provenance, cost and review state.

    Lists show approved assets unless ``state`` asks for another (``draft``,
    ``rejected`` or ``all``): only approved content is published by default.
    """

    serializer_class = AssetSerializer
    queryset = Asset.objects.select_related("product")

    def get_queryset(self) -> Any:
        assets = super().get_queryset()
        params = self.request.query_params
        state = params.get("state", ReviewState.APPROVED if self.action == "list" else "all")
        return selectors.assets_matching(
            assets,
            product_id=id_param(params, "product"),
            kind=params.get("kind"),
            locale=params.get("locale"),
            review_state=None if state == "all" else state,
            job_id=id_param(params, "job"),
        )

    @extend_schema(parameters=ASSET_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.filter_queryset(self.get_queryset()).values(*ASSET_COLUMNS)
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(asset_outputs(list(rows), request=request))
        return self.get_paginated_response(asset_outputs(page, request=request))

    @extend_schema(
        request=ReviewSerializer,
        responses={
            200: AssetSerializer,
            **error_responses(errors.FINDINGS_UNCHECKED, errors.SUPERSEDED),
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = review.asset_approve(
            asset=self.get_object(),
            note=serializer.validated_data["note"],
            findings_checked=serializer.validated_data["checked_findings"],
            **_actor(request),
        )
        return Response(AssetSerializer(asset, context={"request": request}).data)

    @extend_schema(request=ReviewSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        asset = review.asset_reject(
            asset=self.get_object(), note=serializer.validated_data["note"], **_actor(request)
        )
        return Response(AssetSerializer(asset, context={"request": request}).data)

    @extend_schema(
        request=CopyEditSerializer,
        responses={
            201: AssetSerializer,
            **error_responses(
                errors.NOT_TEXT, errors.INVALID_FIELDS, errors.INVALID_COPY, errors.STALE_VERSION
            ),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit a copy asset: makes a new draft version; the old one is kept."""
        serializer = CopyEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        edited = review.asset_edit_text(
            asset=self.get_object(), changes=serializer.validated_data, **_actor(request)
        )
        return Response(
            AssetSerializer(edited, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=AssetSerializer(many=True))
    # One asset's versions, oldest first: a short list, answered whole rather than paged.
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        versions = review.asset_versions(self.get_object())
        return Response(AssetSerializer(versions, many=True, context={"request": request}).data)

    @extend_schema(
        request=BulkReviewSerializer,
        responses={
            200: AssetSerializer(many=True),
            **error_responses(errors.UNKNOWN_ASSETS, errors.FINDINGS_UNCHECKED, errors.SUPERSEDED),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk-review")
    def bulk_review(self, request: Request) -> Response:
        serializer = BulkReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assets = review.assets_review_bulk(
            store=self.store,
            asset_ids=serializer.validated_data["assets"],
            approve=serializer.validated_data["decision"] == "approve",
            findings_checked=serializer.validated_data["checked_findings"],
            **_actor(request),
        )
        return Response(AssetSerializer(assets, many=True, context={"request": request}).data)
