"""The portal shell: sign in, switch stores, and manage the store as its owner."""

from __future__ import annotations

import pytest
from django.test import Client

from shop_ai.models import ApiKey, Membership, Role
from shop_ai.tenancy import SESSION_STORE_KEY
from tests.conftest import Actor
from tests.factories import make_store, member_of

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_sign_in_with_password_lands_on_the_dashboard(alice: Actor):
    client = Client()
    response = client.post(
        "/login/", {"username": alice.owner.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Alice&#x27;s Shop" in page.content.decode()


def test_a_user_without_a_store_is_told_so():
    from tests.factories import make_user

    response = _signed_in(make_user()).get("/")
    assert response.status_code == 403
    assert b"No store yet" in response.content


def test_store_switcher_changes_store_but_only_to_ones_you_belong_to(alice: Actor, bob: Actor):
    Membership.objects.create(user=alice.owner, store=make_store(name="Second Shop"), role="viewer")
    client = _signed_in(alice.owner)
    second = Membership.objects.get(user=alice.owner, store__name="Second Shop").store
    assert client.post("/store/switch/", {"store_id": second.pk}).status_code == 302
    assert client.session[SESSION_STORE_KEY] == second.pk
    assert "Second Shop" in client.get("/").content.decode().split("<h1>")[1]
    assert client.post("/store/switch/", {"store_id": bob.store.pk}).status_code == 404
    assert client.session[SESSION_STORE_KEY] == second.pk


def test_owner_creates_a_key_in_the_portal_and_sees_it_once(alice: Actor):
    client = _signed_in(alice.owner)
    response = client.post("/settings/api-keys/", {"name": "erp", "scope": "read"})
    page = response.content.decode()
    key = ApiKey.objects.get(store=alice.store, name="erp")
    assert f"shop_{key.prefix}." in page
    assert f"shop_{key.prefix}." not in client.get("/settings/api-keys/").content.decode()


def test_revoking_with_htmx_returns_the_updated_row(alice: Actor):
    key = ApiKey.objects.filter(store=alice.store).earliest("pk")
    response = _signed_in(alice.owner).post(
        f"/settings/api-keys/{key.pk}/revoke/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"revoked" in response.content
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_owner_cannot_revoke_another_stores_key(alice: Actor, bob: Actor):
    key = ApiKey.objects.filter(store=bob.store).earliest("pk")
    response = _signed_in(alice.owner).post(f"/settings/api-keys/{key.pk}/revoke/")
    assert response.status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_viewers_cannot_open_settings(alice: Actor):
    viewer = member_of(alice.store, Role.VIEWER)
    assert _signed_in(viewer).get("/settings/api-keys/").status_code == 403
    assert _signed_in(viewer).get("/").status_code == 200


def test_brand_kit_form_saves(alice: Actor):
    client = _signed_in(alice.owner)
    data = {
        "name": "Alice Renamed",
        "default_locale": "zh-CN",
        "currency": "CNY",
        "brand_primary_colour": "#000000",
        "brand_secondary_colour": "#ffffff",
        "brand_accent_colour": "#ff0000",
        "brand_font": "",
        "brand_tagline": "Tea for everyone",
    }
    assert client.post("/settings/brand-kit/", data).status_code == 302
    alice.store.refresh_from_db()
    assert (alice.store.name, alice.store.default_locale) == ("Alice Renamed", "zh-CN")


def test_owner_adds_a_member_and_cannot_remove_the_last_owner(alice: Actor):
    from tests.factories import make_user

    newcomer = make_user(username="newcomer")
    client = _signed_in(alice.owner)
    client.post("/settings/members/", {"username": "newcomer", "role": "editor"})
    assert Membership.objects.get(user=newcomer, store=alice.store).role == "editor"
    owner_membership = Membership.objects.get(user=alice.owner, store=alice.store)
    response = client.post(f"/settings/members/{owner_membership.pk}/remove/", follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_admin_lists_every_tenancy_model(alice: Actor):
    from tests.factories import make_user

    admin = make_user(is_staff=True, is_superuser=True)
    client = _signed_in(admin)
    for model in ["store", "membership", "apikey"]:
        assert client.get(f"/admin/shop_ai/{model}/").status_code == 200
