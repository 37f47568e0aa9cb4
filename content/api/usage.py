"""REST API for what generation cost the store, by day and provider."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from content.models import (
    Asset,
)
from shop_ai.api.views import StoreScopedGenericAPIView


class UsageRowSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    provider = serializers.CharField()
    assets = serializers.IntegerField()
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    compute_seconds = serializers.FloatField()
    money_usd = serializers.DecimalField(max_digits=14, decimal_places=6)


class UsageView(StoreScopedGenericAPIView[Asset]):
    """What generation cost the store, by day and provider."""

    queryset = Asset.objects.all()
    serializer_class = UsageRowSerializer
    pagination_class = None

    @extend_schema(responses=UsageRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = (
            self.get_queryset()
            .annotate(day=TruncDate("created_at"))
            .values("day", "provider")
            .annotate(
                assets=Count("id", filter=Q()),
                tokens_in=Sum("tokens_in"),
                tokens_out=Sum("tokens_out"),
                compute_seconds=Sum("compute_seconds"),
                money_usd=Sum("money_usd"),
            )
            .order_by("-day", "provider")
        )
        return Response(UsageRowSerializer(rows, many=True).data)
