from django.contrib import admin

from webhooks.models import WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ["pk", "store", "url", "events", "is_active", "created_at"]
    raw_id_fields = ["store"]
    exclude = ["secret"]  # shown once, when created through the API
