from django.apps import AppConfig
from django.core import checks
from django.core.signals import setting_changed

from content.providers.checks import check_providers
from content.providers.registry import reset_on_setting_change


class ContentConfig(AppConfig):
    name = "content"

    def ready(self) -> None:
        # Providers are validated at start-up, and rebuilt when tests change their setting.
        checks.register(check_providers)
        setting_changed.connect(reset_on_setting_change, dispatch_uid="content.providers.reset")
