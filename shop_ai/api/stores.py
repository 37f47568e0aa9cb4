"""API for the requester's own store and, for owners, its API keys."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from shop_ai import services
from shop_ai.api.errors import error_responses
from shop_ai.api.views import StoreScopedGenericAPIView, StoreScopedViewSet
from shop_ai.errors import ErrorCode
from shop_ai.models import ApiKey, Locale, Scope, Store


class StoreSerializer(serializers.ModelSerializer[Store]):
    # A list of known locales, not free JSON: a form-encoded "null" must be a 400, not a
    # NULL written to a NOT NULL column.
    spoken_disclosure_locales = serializers.ListField(
        child=serializers.ChoiceField(choices=Locale.choices), required=False, max_length=10
    )

    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "slug",
            "default_locale",
            "currency",
            "brand_primary_colour",
            "brand_secondary_colour",
            "brand_accent_colour",
            "brand_font",
            "brand_tagline",
            "auto_approve_clean_assets",
            "spoken_disclosure_locales",
            "created_at",
        ]
        read_only_fields = ["id", "slug", "created_at"]


class StoreView(StoreScopedGenericAPIView[Store]):
    """The store the credential belongs to."""

    serializer_class = StoreSerializer
    queryset = Store.objects.all()
    store_field = "pk"

    def get_object(self) -> Store:
        return self.store

    @extend_schema(operation_id="store_retrieve", responses=StoreSerializer)
    def get(self, request: Request) -> Response:
        return Response(StoreSerializer(self.store).data)

    @extend_schema(operation_id="store_update", request=StoreSerializer, responses=StoreSerializer)
    def patch(self, request: Request) -> Response:
        serializer = StoreSerializer(self.store, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        store = services.store_update_brand_kit(store=self.store, **serializer.validated_data)
        return Response(StoreSerializer(store).data)


class ApiKeySerializer(serializers.ModelSerializer[ApiKey]):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
        fields += ["is_active"]
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=80)
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.READ)


class IssuedApiKeySerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The full key. Shown only once.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


INVALID_SCOPE = ErrorCode("invalid_scope", 400, "No such API key scope.")


class ApiKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    StoreScopedViewSet[ApiKey],
):
    """Owners list, issue and revoke their store's API keys. DELETE revokes (kept for audit)."""

    owner_only = True
    serializer_class = ApiKeySerializer
    queryset = ApiKey.objects.all()

    @extend_schema(
        request=ApiKeyCreateSerializer,
        responses={201: IssuedApiKeySerializer, **error_responses(INVALID_SCOPE)},
    )
    def create(self, request: Request) -> Response:
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.api_key_create(
            store=self.store, created_by=None, **serializer.validated_data
        )
        data = dict(ApiKeySerializer(issued.api_key).data, key=issued.raw_key)
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiKey) -> None:
        services.api_key_revoke(api_key=instance)
