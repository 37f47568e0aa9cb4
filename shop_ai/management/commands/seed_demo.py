"""Create (or refresh) the demo store, its owner login and a fresh API key, and print them."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from shop_ai import services
from shop_ai.models import Role, Scope, Store

DEMO_SLUG = "demo"
DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create the demo store, an owner login and an API key (printed once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--password",
            default=os.environ.get("SHOP_AI_DEMO_PASSWORD", "shop-ai-demo"),
            help="Password for the demo owner (default: shop-ai-demo).",
        )

    @transaction.atomic
    def handle(self, *args: Any, password: str, **options: Any) -> None:
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "demo@example.com"}
        )
        user.set_password(password)
        user.save()
        store = Store.objects.filter(slug=DEMO_SLUG).first()
        if store is None:
            store = services.store_create(name="Demo Store", slug=DEMO_SLUG, owner=user)
        services.membership_set(store=store, user=user, role=Role.OWNER)
        issued = services.api_key_create(
            store=store, name="demo key", scope=Scope.WRITE, created_by=user
        )
        self.stdout.write(f"store:    {store.name} (slug {store.slug})")
        self.stdout.write(f"login:    {DEMO_USERNAME} / {password}")
        self.stdout.write(f"api key:  {issued.raw_key}")
