"""The live pages: a public player per room, and the seller's rooms list and studio."""

from __future__ import annotations

import pytest
from django.test import Client

from livestream import services
from livestream.models import LiveRoom
from tests.conftest import Actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _room(actor: Actor, slug: str = "kiln-live") -> LiveRoom:
    product = make_product(actor.store, photo=False)
    return services.room_create(
        store=actor.store,
        slug=slug,
        title="Kiln live",
        rundown=[services.RundownSpec(product_id=product.pk)],
    )


def _portal(actor: Actor) -> Client:
    """A browser signed in as the store's owner (form posts, not JSON)."""
    client = Client()
    client.force_login(actor.owner)
    return client


def test_anyone_can_open_a_rooms_player_with_the_ai_banner(alice: Actor):
    _room(alice)
    page = Client().get("/live/kiln-live/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="ai-banner"' in html
    assert "AI host" in html
    assert 'data-token="' in html
    assert Client().get("/live/nobody/").status_code == 404


def test_the_studio_is_for_the_rooms_store_only(alice: Actor, bob: Actor):
    room = _room(alice)
    assert _portal(alice).get(f"/studio/live/{room.pk}/").status_code == 200
    assert _portal(bob).get(f"/studio/live/{room.pk}/").status_code == 404
    switched = _portal(bob).post(f"/studio/live/{room.pk}/switch/", {"action": "start"})
    assert switched.status_code == 404
    room.refresh_from_db()
    assert room.status == "off_air"


def test_a_seller_creates_a_room_and_puts_it_on_air_from_the_portal(alice: Actor):
    product = make_product(alice.store, "MUG-9", photo=False)
    client = _portal(alice)
    created = client.post(
        "/studio/live/new/",
        {"title": "Evening", "slug": "evening", "locale": "en", "products": [product.pk]},
    )
    room = LiveRoom.objects.get(slug="evening")
    assert created.status_code == 302
    assert room.store == alice.store
    client.post(f"/studio/live/{room.pk}/switch/", {"action": "start"})
    room.refresh_from_db()
    assert room.status == "live"
    listing = client.get("/studio/live/").content.decode()
    assert "/live/evening/" in listing


def test_a_taken_address_is_explained_on_the_form(alice: Actor, bob: Actor):
    _room(bob, slug="taken")
    product = make_product(alice.store, "MUG-9", photo=False)
    response = _portal(alice).post(
        "/studio/live/new/", {"title": "X", "slug": "taken", "products": [product.pk]}
    )
    assert response.status_code == 400
    assert "taken" in response.content.decode()
