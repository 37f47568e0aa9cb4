"""Webhooks' REST API: store platforms register endpoints and read their deliveries."""

from webhooks.api.endpoints import WebhookEndpointViewSet

__all__ = ["WebhookEndpointViewSet"]
