"""The studio socket: authenticated by API key or session, scoped to one store, origin-checked."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from config.asgi import application
from shop_ai.after_commit import broadcast_on_commit, store_group
from tests.conftest import make_actor

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(*headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/studio/", headers=list(headers))


async def test_an_api_key_joins_its_store_and_gets_its_events_only():
    alice = await sync_to_async(make_actor)(name="Alice")
    bob = await sync_to_async(make_actor)(name="Bob")
    alice_socket = _socket((b"authorization", f"Bearer {alice.read_key}".encode()))
    bob_socket = _socket((b"authorization", f"Bearer {bob.read_key}".encode()))
    assert (await alice_socket.connect())[0]
    assert (await bob_socket.connect())[0]
    hello = await alice_socket.receive_json_from(timeout=10)
    assert hello == {"type": "hello", "store": {"id": alice.store.pk, "slug": alice.store.slug}}
    await bob_socket.receive_json_from(timeout=10)

    def announce() -> None:
        with transaction.atomic():
            broadcast_on_commit(
                store_group(alice.store.pk), {"type": "store.event", "event": {"type": "job"}}
            )

    await sync_to_async(announce)()
    assert await alice_socket.receive_json_from(timeout=2) == {"type": "job"}
    assert await bob_socket.receive_nothing(timeout=0.3)
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_a_rolled_back_change_is_never_announced():
    alice = await sync_to_async(make_actor)()
    socket = _socket((b"authorization", f"Bearer {alice.read_key}".encode()))
    await socket.connect()
    await socket.receive_json_from(timeout=10)

    def announce_then_fail() -> None:
        try:
            with transaction.atomic():
                broadcast_on_commit(
                    store_group(alice.store.pk), {"type": "store.event", "event": {"type": "x"}}
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    await sync_to_async(announce_then_fail)()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_no_credentials_or_a_bad_key_is_refused():
    for headers in [(), ((b"authorization", b"Bearer shop_nope.nope"),)]:
        socket = _socket(*headers)
        connected, code = await socket.connect()
        assert not connected
        assert code == 4401


async def test_a_foreign_browser_origin_is_refused():
    alice = await sync_to_async(make_actor)()
    socket = _socket(
        (b"authorization", f"Bearer {alice.read_key}".encode()),
        (b"origin", b"https://evil.example"),
    )
    connected, _ = await socket.connect()
    assert not connected


async def test_a_signed_in_member_connects_with_the_session_cookie():
    from django.test import Client

    alice = await sync_to_async(make_actor)()
    client = Client()
    await sync_to_async(client.force_login)(alice.owner)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    socket = _socket((b"cookie", cookie), (b"origin", b"http://localhost"))
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from(timeout=10))["store"]["id"] == alice.store.pk
    await socket.disconnect()
