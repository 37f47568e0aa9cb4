"""REST API for webhook endpoints: register, change, list deliveries, ping."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from shop_ai.api.errors import error_responses
from shop_ai.api.views import StoreScopedViewSet
from webhooks import services as webhooks
from webhooks.errors import INVALID_EVENTS, WEBHOOK_URL_REFUSED
from webhooks.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=webhooks.EVENTS),
        read_only=True,
        help_text="Events this endpoint receives; empty means all.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "is_active", "created_at"]
        read_only_fields = fields


class WebhookEndpointInputSerializer(serializers.Serializer[Any]):
    # A plain string: the service's SSRF check decides what a webhook may reach.
    url = serializers.CharField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=webhooks.EVENTS),
        default=list,
        help_text="Events to receive; empty means all.",
    )
    description = serializers.CharField(max_length=200, allow_blank=True, default="")
    is_active = serializers.BooleanField(default=True)


class IssuedWebhookEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret. Shown only in this response."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    payload = serializers.DictField(read_only=True, help_text="The event's `data`.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "payload",
            "created_at",
        ]
        read_only_fields = fields


class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    StoreScopedViewSet[WebhookEndpoint],
):
    """The store's webhook endpoints: signed event deliveries to a store platform."""

    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.all()

    @extend_schema(
        request=WebhookEndpointInputSerializer,
        responses={
            201: IssuedWebhookEndpointSerializer,
            **error_responses(WEBHOOK_URL_REFUSED, INVALID_EVENTS),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = WebhookEndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = webhooks.webhook_endpoint_create(
            store=self.store,
            url=data["url"],
            events=data["events"],
            description=data["description"],
            is_active=data["is_active"],
        )
        body = dict(WebhookEndpointSerializer(endpoint).data, secret=endpoint.secret)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WebhookEndpointInputSerializer,
        responses={
            200: WebhookEndpointSerializer,
            **error_responses(WEBHOOK_URL_REFUSED, INVALID_EVENTS),
        },
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        request=WebhookEndpointInputSerializer,
        responses={
            200: WebhookEndpointSerializer,
            **error_responses(WEBHOOK_URL_REFUSED, INVALID_EVENTS),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    def _update(self, request: Request, *, partial: bool) -> Response:
        endpoint = self.get_object()
        serializer = WebhookEndpointInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        endpoint = webhooks.webhook_endpoint_update(endpoint=endpoint, **serializer.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        """The endpoint's deliveries, newest first: status, attempts and the last answer."""
        endpoint = self.get_object()
        # Typed as Any: the view's generic parameter is the endpoint, not its deliveries.
        deliveries: Any = WebhookDelivery.objects.filter(endpoint=endpoint)
        page = self.paginate_queryset(deliveries)
        data = WebhookDeliverySerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request: Request, pk: str) -> Response:
        """Send a ``ping`` event to this endpoint now, to test it."""
        delivery = webhooks.webhook_ping(endpoint=self.get_object())
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
