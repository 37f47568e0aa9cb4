"""REST API for what generation cost the store, by day and provider."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from content import selectors
from content.models import Asset
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
        rows = selectors.usage_by_day(self.store)
        return Response(UsageRowSerializer(rows, many=True).data)
