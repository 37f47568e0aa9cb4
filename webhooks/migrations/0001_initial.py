"""WebhookEndpoint and WebhookDelivery, moved from content: state only, the tables stay.

content's 0002 made the tables; this migration tells Django that this app owns them now,
and content's 0005 (which runs after it) forgets them. No row is copied or touched. The
content types follow the models, so permissions granted on them are kept.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MODELS = ("webhookendpoint", "webhookdelivery")


def _relabel_content_types(apps: StateApps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel_content_types(apps, "content", "webhooks")


def content_types_backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _relabel_content_types(apps, "webhooks", "content")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables were made by content's migrations; they must exist before this runs.
        ("content", "0004_stage_attempts"),
        ("shop_ai", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="WebhookEndpoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("url", models.URLField(max_length=2000)),
                        ("secret", models.CharField(max_length=100)),
                        ("events", models.JSONField(blank=True, default=list)),
                        ("description", models.CharField(blank=True, default="", max_length=200)),
                        ("is_active", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "store",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="webhook_endpoints",
                                to="shop_ai.store",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "content_webhookendpoint",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("event", models.CharField(max_length=60)),
                        ("event_id", models.UUIDField()),
                        (
                            "payload",
                            models.JSONField(
                                default=dict,
                                encoder=django.core.serializers.json.DjangoJSONEncoder,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("delivered", "Delivered"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "last_status_code",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("last_error", models.CharField(blank=True, default="", max_length=500)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "endpoint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="webhooks.webhookendpoint",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "content_webhookdelivery",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["status", "next_attempt_at"],
                                name="content_web_status_76125b_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("endpoint", "event_id"),
                                name="webhook_delivery_unique_event",
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward, elidable=True),
    ]
