"""WebhookEndpoint and WebhookDelivery now belong to the webhooks app: forget them here.

State only: the tables stay where they are and webhooks' 0001 (a dependency, so it has
already taken them over) names them. Unapplied, content owns them again.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_stage_attempts"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookEndpoint"),
            ],
        ),
    ]
