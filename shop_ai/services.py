"""Tenancy services: create stores, manage members, issue and check API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from shop_ai.errors import Conflict, PermissionRefused
from shop_ai.models import ApiKey, Membership, Role, Scope, Store

API_KEY_PREFIX = "shop_"
# A key's last-used time is written at most this often, so a busy integration does not
# turn every read into a write.
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedApiKey:
    """An API key just created: the only moment its full secret exists."""

    api_key: ApiKey
    raw_key: str


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def store_create(
    *,
    name: str,
    slug: str,
    owner: User | None = None,
    default_locale: str = "en",
    currency: str = "USD",
) -> Store:
    if Store.objects.filter(slug=slug).exists():
        raise Conflict(f"A store with slug '{slug}' already exists.", code="slug_taken")
    store = Store(name=name, slug=slug, default_locale=default_locale, currency=currency.upper())
    store.full_clean()
    store.save()
    if owner is not None:
        Membership.objects.create(user=owner, store=store, role=Role.OWNER)
    return store


def store_update_brand_kit(*, store: Store, **fields: Any) -> Store:
    allowed = {
        "name",
        "default_locale",
        "currency",
        "brand_primary_colour",
        "brand_secondary_colour",
        "brand_accent_colour",
        "brand_font",
        "brand_logo",
        "brand_tagline",
        "auto_approve_clean_assets",
        "spoken_disclosure_locales",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not brand-kit fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(store, field, value)
    store.full_clean()
    store.save(update_fields=list(fields))
    return store


@transaction.atomic
def membership_set(*, store: Store, user: User, role: str) -> Membership:
    """Add a member or change their role; a store always keeps at least one owner."""
    membership, created = Membership.objects.select_for_update().get_or_create(
        store=store, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        if membership.role == Role.OWNER and _owner_count(store) == 1:
            raise Conflict("A store needs at least one owner.", code="last_owner")
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER and _owner_count(membership.store) == 1:
        raise Conflict("A store needs at least one owner.", code="last_owner")
    membership.delete()


def _owner_count(store: Store) -> int:
    return Membership.objects.select_for_update().filter(store=store, role=Role.OWNER).count()


def api_key_create(
    *,
    store: Store,
    name: str,
    scope: str = Scope.READ,
    created_by: User | None = None,
) -> IssuedApiKey:
    if scope not in Scope.values:
        raise PermissionRefused(f"Unknown scope '{scope}'.", code="invalid_scope", status=400)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey(
        store=store,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scope=scope,
        created_by=created_by,
    )
    api_key.full_clean()
    api_key.save()
    return IssuedApiKey(api_key=api_key, raw_key=f"{API_KEY_PREFIX}{prefix}.{secret}")


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, or None; records when it was last used."""
    if not raw_key.startswith(API_KEY_PREFIX) or "." not in raw_key:
        return None
    prefix, _, secret = raw_key[len(API_KEY_PREFIX) :].partition(".")
    try:
        # get(), not first(): the prefix is unique, and first() would compile an ORDER BY
        # on every API request for nothing.
        api_key = ApiKey.objects.select_related("store").get(prefix=prefix, revoked_at__isnull=True)
    except ApiKey.DoesNotExist:
        return None
    if not hmac.compare_digest(api_key.secret_hash, hash_secret(secret)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        api_key.last_used_at = now
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
