"""API keys: shown once, stored hashed, revocable, scoped, and they record their last use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from shop_ai import services
from shop_ai.models import ApiKey, Scope
from tests.conftest import Actor
from tests.factories import make_store

pytestmark = pytest.mark.django_db


def _client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def test_the_secret_is_never_stored_in_clear():
    issued = services.api_key_create(store=make_store(), name="erp", scope=Scope.WRITE)
    secret = issued.raw_key.split(".", 1)[1]
    row = ApiKey.objects.values().get(pk=issued.api_key.pk)
    assert all(secret not in str(value) for value in row.values())
    assert issued.raw_key.startswith(f"shop_{row['prefix']}.")


def test_a_key_reads_its_own_store():
    store = make_store(name="Tea House")
    response = _client(services.api_key_create(store=store, name="k").raw_key).get("/api/v1/store/")
    assert response.status_code == 200
    assert response.json()["name"] == "Tea House"


def test_a_revoked_key_fails():
    issued = services.api_key_create(store=make_store(), name="k")
    services.api_key_revoke(api_key=issued.api_key)
    response = _client(issued.raw_key).get("/api/v1/store/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid or revoked API key."


@pytest.mark.parametrize(
    "raw_key",
    ["nonsense", "shop_abc", "shop_000000000000.wrong", "Bearer", "shop_x.y z"],
)
def test_malformed_or_unknown_keys_fail(raw_key: str):
    assert _client(raw_key).get("/api/v1/store/").status_code == 401


def test_a_key_with_the_right_prefix_but_wrong_secret_fails():
    issued = services.api_key_create(store=make_store(), name="k")
    forged = issued.raw_key.rsplit(".", 1)[0] + ".forged-secret"
    assert _client(forged).get("/api/v1/store/").status_code == 401


def test_last_used_updates_on_use_but_not_on_every_request():
    issued = services.api_key_create(store=make_store(), name="k")
    assert issued.api_key.last_used_at is None
    client = _client(issued.raw_key)
    client.get("/api/v1/store/")
    first = ApiKey.objects.get(pk=issued.api_key.pk).last_used_at
    assert first is not None
    client.get("/api/v1/store/")
    assert ApiKey.objects.get(pk=issued.api_key.pk).last_used_at == first
    stale = first - timedelta(minutes=5)
    ApiKey.objects.filter(pk=issued.api_key.pk).update(last_used_at=stale)
    client.get("/api/v1/store/")
    refreshed = ApiKey.objects.get(pk=issued.api_key.pk).last_used_at
    assert refreshed is not None
    assert stale < refreshed <= timezone.now()


def test_a_read_key_cannot_change_the_store(alice: Actor):
    response = alice.client("read").patch("/api/v1/store/", {"brand_tagline": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "write_scope_required"


def test_a_write_key_updates_the_brand_kit(alice: Actor):
    response = alice.client().patch(
        "/api/v1/store/", {"brand_accent_colour": "#112233", "slug": "ignored"}, format="json"
    )
    assert response.status_code == 200
    alice.store.refresh_from_db()
    assert alice.store.brand_accent_colour == "#112233"
    assert alice.store.slug != "ignored"


def test_bad_brand_colour_is_a_field_error(alice: Actor):
    response = alice.client().patch("/api/v1/store/", {"brand_accent_colour": "red"}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert "brand_accent_colour" in body["details"]


def test_owner_issues_a_key_through_the_api_and_sees_it_once(alice: Actor):
    client = alice.owner_client()
    created = client.post("/api/v1/api-keys/", {"name": "shopify", "scope": "write"}, format="json")
    assert created.status_code == 201
    raw_key = created.json()["key"]
    assert _client(raw_key).get("/api/v1/store/").json()["id"] == alice.store.pk
    listed = client.get("/api/v1/api-keys/").json()["results"]
    assert all("key" not in item for item in listed)
    assert {item["name"] for item in listed} >= {"shopify"}


def test_owner_revokes_a_key_and_it_stops_working(alice: Actor):
    key_id = ApiKey.objects.get(store=alice.store, scope=Scope.READ).pk
    assert alice.owner_client().delete(f"/api/v1/api-keys/{key_id}/").status_code == 204
    assert ApiKey.objects.get(pk=key_id).revoked_at is not None
    assert alice.client("read").get("/api/v1/store/").status_code == 401


def test_an_editor_cannot_manage_keys(alice: Actor):
    from shop_ai.models import Role
    from tests.factories import member_of

    client = APIClient()
    client.force_login(member_of(alice.store, Role.EDITOR))
    response = client.get("/api/v1/api-keys/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "owner_required"
