"""Issue an API key for a store and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shop_ai import services
from shop_ai.models import Scope, Store


class Command(BaseCommand):
    help = "Issue an API key for a store; the key is printed once and never stored in clear."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        parser.add_argument("--name", default="command-line key")

    def handle(self, *args: Any, store: str, scope: str, name: str, **options: Any) -> None:
        found = Store.objects.filter(slug=store).first()
        if found is None:
            raise CommandError(f"No store with slug '{store}'.")
        issued = services.api_key_create(store=found, name=name, scope=scope)
        self.stdout.write(issued.raw_key)
