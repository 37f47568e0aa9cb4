"""Moving the webhook models out of content loses nothing: a database holding endpoints and
deliveries made by the schema before the move reads the same after it."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps

from webhooks import signatures
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

# Where the models lived in content: webhooks' migrations not yet applied, so neither is
# content's 0005, which depends on them.
BEFORE_THE_MOVE = [("webhooks", None)]
ENDPOINT_FIELDS = ("id", "store_id", "url", "secret", "events", "description", "is_active")
DELIVERY_FIELDS = (
    "id",
    "endpoint_id",
    "event",
    "event_id",
    "payload",
    "status",
    "attempts",
    "next_attempt_at",
    "last_status_code",
    "last_error",
    "delivered_at",
    "created_at",
)


def _migrate(targets: Sequence[tuple[str, str | None]] = ()) -> StateApps:
    """Migrate to ``targets`` (the latest by default); the models as they are there."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())
    return state.apps


def _old_rows(apps: StateApps) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    store = apps.get_model("shop_ai", "Store").objects.create(name="Old shop", slug="old-shop")
    endpoint_model = apps.get_model("content", "WebhookEndpoint")
    delivery_model = apps.get_model("content", "WebhookDelivery")
    endpoints = [
        endpoint_model.objects.create(
            store=store,
            url=f"https://hooks.example.com/{n}",
            secret=f"whsec_{secrets.token_urlsafe(32)}",  # as secrets were made then
            events=events,
            description=f"endpoint {n}",
            is_active=n != 2,
        )
        for n, events in enumerate([[], ["asset.approved"], ["job.failed", "job.completed"]])
    ]
    sent_at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    deliveries = [
        delivery_model.objects.create(
            endpoint=endpoint,
            event=event,
            event_id=uuid.uuid4(),
            payload={"id": n, "price": "12.50", "nested": {"ok": True}},
            status=status,
            attempts=n,
            next_attempt_at=sent_at if status == "pending" else None,
            last_status_code=code,
            last_error="HTTP 503" if code == 503 else "",
            delivered_at=sent_at if status == "delivered" else None,
        )
        for n, (endpoint, event, status, code) in enumerate(
            [
                (endpoints[0], "asset.approved", "delivered", 200),
                (endpoints[0], "job.failed", "pending", 503),
                (endpoints[1], "asset.approved", "failed", 410),
                (endpoints[2], "ping", "pending", None),
            ]
        )
    ]
    as_dicts = [
        [{name: getattr(row, name) for name in fields} for row in rows]
        for rows, fields in ((endpoints, ENDPOINT_FIELDS), (deliveries, DELIVERY_FIELDS))
    ]
    return as_dicts[0], as_dicts[1]


@pytest.mark.django_db(transaction=True)
def test_endpoints_and_deliveries_made_before_the_move_are_all_there_after_it():
    try:
        old_apps = _migrate(BEFORE_THE_MOVE)
        assert not any(model._meta.app_label == "webhooks" for model in old_apps.get_models())
        endpoints, deliveries = _old_rows(old_apps)
        # Unapplied, the move gave the content type back to content; a permission is granted
        # on it there, as on a database from before.
        content_type = ContentType.objects.get(app_label="content", model="webhookendpoint")
        assert not ContentType.objects.filter(app_label="webhooks").exists()
        permission = Permission.objects.create(
            content_type=content_type, codename="audit_webhookendpoint", name="Audit"
        )
        new_apps = _migrate()
    finally:
        _migrate()  # whatever happened, later tests get the current schema

    moved = {model._meta.label for model in new_apps.get_models() if "Webhook" in model.__name__}
    assert moved == {"webhooks.WebhookEndpoint", "webhooks.WebhookDelivery"}
    after = list(WebhookEndpoint.objects.order_by("pk").values(*ENDPOINT_FIELDS))
    assert after == endpoints
    assert list(WebhookDelivery.objects.order_by("pk").values(*DELIVERY_FIELDS)) == deliveries
    assert WebhookEndpoint.objects.get(pk=endpoints[0]["id"]).deliveries.count() == 2
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2
    # Secrets made then still sign (their key is their URL-safe base64).
    for endpoint in endpoints:
        assert len(signatures.signing_key(endpoint["secret"])) == 32
    # The content type moved with the model, and the permission with it.
    ContentType.objects.clear_cache()
    permission.refresh_from_db()
    assert permission.content_type.app_label == "webhooks"
    assert ContentType.objects.get_for_model(WebhookEndpoint).pk == content_type.pk
    # New rows go on from the old ids.
    newer = WebhookDelivery.objects.create(
        endpoint_id=endpoints[0]["id"], event="ping", event_id=uuid.uuid4()
    )
    assert newer.pk > max(d["id"] for d in deliveries)
