from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        # Deliveries are enqueued by task name; importing the tasks registers them in every
        # process, so an eager enqueue (tests, `manage.py generate`) runs them in place.
        from webhooks import tasks  # noqa: F401
