"""Webhook endpoints of store platforms and the outbox of deliveries to them."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from shop_ai.models import Store


class WebhookEndpoint(models.Model):
    """An HTTPS endpoint of a store platform that receives signed events.

    The secret is kept in clear because signing needs it; the API shows it only in the
    response that creates the endpoint.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=list, blank=True)  # event names; empty means all
    description = models.CharField(max_length=200, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table content created keeps its name: moving the model moved no rows.
        db_table = "content_webhookendpoint"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Webhook {self.pk} → {self.url}"

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written in the transaction that made the
    event, so an event is sent if and only if its change committed."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=60)
    event_id = models.UUIDField()  # the webhook-id header: receivers dedupe on it
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "content_webhookdelivery"  # as WebhookEndpoint's: the rows stay put
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_unique_event"
            )
        ]
        # Named as content's migration named it, so the index is not renamed.
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="content_web_status_76125b_idx")
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} → endpoint {self.endpoint_id}: {self.status}"
