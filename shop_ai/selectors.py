"""Tenancy reads: which stores a user may act for, and in which role."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from shop_ai.models import ApiKey, Membership, Store


def memberships_for_user(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("store").order_by("store__name")


def membership_for(user: User | AnonymousUser, store_id: int | None) -> Membership | None:
    """The user's membership in ``store_id``, or their first store's when none is chosen."""
    memberships = memberships_for_user(user)
    if store_id is not None:
        chosen = memberships.filter(store_id=store_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def api_keys_for_store(store: Store) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(store=store).select_related("created_by")


def members_for_store(store: Store) -> QuerySet[Membership]:
    return Membership.objects.filter(store=store).select_related("user").order_by("user__username")
