"""Test data, built through the same services the product uses so invariants hold."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.models import User

from shop_ai import services
from shop_ai.models import Membership, Role, Scope, Store

TEST_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def make_user(**fields: Any) -> User:
    n = next(_sequence)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"{fields['username']}@example.com")
    user = User(**fields)
    user.set_password(TEST_PASSWORD)
    user.save()
    return user


def make_store(**fields: Any) -> Store:
    n = next(_sequence)
    fields.setdefault("name", f"Store {n}")
    fields.setdefault("slug", f"store-{n}")
    return services.store_create(**fields)


def member_of(store: Store, role: str = Role.OWNER, **user_fields: Any) -> User:
    user = make_user(**user_fields)
    Membership.objects.create(user=user, store=store, role=role)
    return user


def api_key_for(store: Store, scope: str = Scope.WRITE) -> str:
    return services.api_key_create(store=store, name=f"{scope} key", scope=scope).raw_key
