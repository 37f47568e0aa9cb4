"""The live feed end to end inside one process: viewer and studio sockets with a real runner.

The runner speaks with eSpeak NG (fast on CPU), answers from catalog facts with the MiniLM
embeddings, and writes real WAV files; the sockets are Channels' communicators.
"""

from __future__ import annotations

import asyncio
import contextlib
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from catalog.models import Product
from config.asgi import application
from livestream import services
from livestream.consumers import issue_viewer_token
from livestream.hosting import catalog_answerer
from livestream.models import HostUtterance, LiveRoom, LiveSession, ViewerQuestion
from livestream.runner import HostRunner
from livestream.voice import MediaAudioStore, RoomVoice
from tests.conftest import Actor, make_actor
from tests.factories import make_product
from trust.labels import read_wav_aigc

pytestmark = pytest.mark.django_db(transaction=True)


def _make_room(actor: Actor, slug: str = "kiln-live", **fields: Any) -> LiveRoom:
    mug = make_product(actor.store, "MUG-1", photo=False)
    bowl = make_product(
        actor.store,
        "BOWL-1",
        photo=False,
        title="Glazed ramen bowl",
        price="26.00",
        compare_at_price=None,
        attributes={"material": "porcelain", "capacity": "900 ml"},
    )
    room = services.room_create(
        store=actor.store,
        slug=slug,
        title="Kiln live",
        rundown=[
            services.RundownSpec(product_id=mug.pk, time_budget_s=60),
            services.RundownSpec(product_id=bowl.pk, time_budget_s=60),
        ],
        **fields,
    )
    services.room_start(room=room)
    return room


def _runner(room: LiveRoom, **options: Any) -> HostRunner:
    return HostRunner(
        room.pk,
        voice=RoomVoice(locale=room.locale, backend="espeak", room_slug=room.slug),
        answerer_factory=catalog_answerer,
        audio_store=MediaAudioStore(),
        **options,
    )


@contextlib.asynccontextmanager
async def _running(runner: HostRunner) -> AsyncIterator[asyncio.Task[None]]:
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        yield task
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def _viewer(slug: str, token: str = "") -> WebsocketCommunicator:
    path = f"/ws/live/{slug}/" + (f"?token={token}" if token else "")
    socket = WebsocketCommunicator(application, path)
    connected, _ = await socket.connect(timeout=10)
    assert connected
    return socket


async def _until(socket: WebsocketCommunicator, match: Any, timeout: float = 20) -> dict[str, Any]:
    """The first message `match` accepts, skipping the others."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError("no matching message in time")
        message = await socket.receive_json_from(timeout=remaining)
        if match(message):
            return dict(message)


async def _seen(socket: WebsocketCommunicator, match: Any, seconds: float) -> bool:
    """Whether a matching message arrives within `seconds` (the socket is spent after)."""
    try:
        await _until(socket, match, timeout=seconds)
    except (AssertionError, TimeoutError):
        return False
    return True


async def _on_air(socket: WebsocketCommunicator) -> None:
    """Wait for the host's first words: its runner is listening from then on."""
    await _until(socket, lambda m: m["type"] == "utterance")


async def test_a_viewer_gets_the_room_state_and_the_ai_notice_on_joining():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    socket = await _viewer(room.slug)
    hello = await socket.receive_json_from(timeout=10)
    assert hello["type"] == "hello"
    assert hello["room"]["status"] == "live"
    assert "AI" in hello["disclosure"]["banner"]
    assert hello["viewer_token"]
    await socket.disconnect()


async def test_unknown_rooms_and_forged_or_foreign_tokens_are_refused():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    missing = WebsocketCommunicator(application, "/ws/live/no-such-room/")
    assert await missing.connect() == (False, 4404)
    forged = WebsocketCommunicator(application, f"/ws/live/{room.slug}/?token=abc")
    assert await forged.connect() == (False, 4403)
    other_rooms_token, _ = issue_viewer_token(room.pk + 1000)
    foreign = WebsocketCommunicator(application, f"/ws/live/{room.slug}/?token={other_rooms_token}")
    assert await foreign.connect() == (False, 4403)


async def test_the_host_speaks_text_first_then_labelled_audio_and_answers_from_facts():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    async with _running(_runner(room)):
        socket = await _viewer(room.slug)
        await socket.receive_json_from(timeout=10)
        first = await _until(socket, lambda m: m["type"] == "utterance")
        assert first["seq"] == 1
        assert first["reason"] == "disclosure"
        audio = await _until(socket, lambda m: m["type"] == "audio" and m["seq"] == 1)
        wav_path = Path(settings.MEDIA_ROOT) / audio["url"].removeprefix(settings.MEDIA_URL)
        with wave.open(str(wav_path)) as clip:
            assert clip.getnframes() / clip.getframerate() == pytest.approx(
                audio["duration_s"], abs=0.01
            )
        label = read_wav_aigc(wav_path.read_bytes())
        assert label is not None
        assert label["Label"] == "1"

        await socket.send_json_to({"type": "comment", "text": "How much is the coffee mug?"})
        answer = await _until(socket, lambda m: m["type"] == "utterance" and m["kind"] == "answer")
        assert answer["reply_to"] == "How much is the coffee mug?"
        assert "18" in answer["text"]
        await _until(socket, lambda m: m["type"] == "audio" and m["seq"] == answer["seq"])
        await socket.disconnect()
    stored = await sync_to_async(HostUtterance.objects.get)(pk=answer["id"])
    assert stored.latency["first_text_s"] >= 0
    assert stored.latency["first_audio_s"] > 0
    assert stored.trigger["question"] == "How much is the coffee mug?"


async def test_abuse_is_refused_politely_to_its_author_only():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    async with _running(_runner(room)):
        author = await _viewer(room.slug)
        other = await _viewer(room.slug)
        await author.receive_json_from(timeout=10)
        await other.receive_json_from(timeout=10)
        await _on_air(author)
        await author.send_json_to({"type": "comment", "text": "you idiot host"})
        notice = await _until(author, lambda m: m["type"] == "notice")
        assert notice["code"] == "comment_abuse"
        await author.disconnect()
        # The other viewer keeps hearing the host but never sees the refusal.
        assert not await _seen(other, lambda m: m["type"] == "notice", seconds=1.5)


async def test_viewer_input_is_capped_before_it_reaches_the_runner():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    socket = await _viewer(room.slug)
    await socket.receive_json_from(timeout=10)
    await socket.send_json_to({"type": "comment", "text": "x" * 201})
    assert (await socket.receive_json_from(timeout=10))["code"] == "comment_too_long"
    await socket.send_json_to({"type": "shout", "text": "hi"})
    assert (await socket.receive_json_from(timeout=10))["code"] == "invalid_message"
    for _ in range(10):
        await socket.send_json_to({"type": "like"})
    assert (await socket.receive_json_from(timeout=2))["code"] == "comment_rate_limited"
    await socket.disconnect()


async def test_a_replacement_runner_resumes_the_room_and_continues_the_sequence():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    first = _runner(room)
    async with _running(first):
        socket = await _viewer(room.slug)
        await socket.receive_json_from(timeout=10)
        await _until(socket, lambda m: m["type"] == "utterance" and m["seq"] >= 2)
    # The first runner is gone (its lease released on the way out, as after a clean stop).
    last_seq = await sync_to_async(lambda: LiveSession.objects.get(room=room).last_seq)()
    async with _running(_runner(room)):
        resumed = await _until(socket, lambda m: m["type"] == "utterance")
        assert resumed["seq"] == last_seq + 1
        # The engine resumed from saved state: it does not greet the room again.
        assert resumed["reason"] != "disclosure"
    await socket.disconnect()
    seqs = await sync_to_async(
        lambda: list(HostUtterance.objects.order_by("seq").values_list("seq", flat=True))
    )()
    assert seqs == list(range(1, len(seqs) + 1))


async def test_a_second_runner_waits_while_the_first_holds_the_room():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    holder = _runner(room, runner_id="holder")
    waiter = _runner(room, runner_id="waiter")
    async with _running(holder), _running(waiter):
        socket = await _viewer(room.slug)
        await socket.receive_json_from(timeout=10)
        for _ in range(3):
            await _until(socket, lambda m: m["type"] == "utterance")
        await socket.disconnect()
    ids = await sync_to_async(
        lambda: set(LiveSession.objects.filter(room=room).values_list("runner_id", flat=True))
    )()
    assert "waiter" not in ids


async def _studio(actor: Actor, room: LiveRoom, key: str) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(
        application,
        f"/ws/studio/{room.pk}/",
        headers=[(b"authorization", f"Bearer {key}".encode())],
    )
    return socket


async def test_another_stores_studio_socket_is_refused():
    alice = await sync_to_async(make_actor)()
    bob = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    intruder = await _studio(bob, room, bob.write_key)
    assert await intruder.connect() == (False, 4404)
    anonymous = WebsocketCommunicator(application, f"/ws/studio/{room.pk}/")
    assert await anonymous.connect() == (False, 4401)


async def test_a_read_key_watches_the_studio_but_cannot_command():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    socket = await _studio(alice, room, alice.read_key)
    assert (await socket.connect())[0]
    snapshot = await socket.receive_json_from(timeout=10)
    assert snapshot["type"] == "studio"
    assert [r["title"] for r in snapshot["rundown"]] == [
        "Stoneware coffee mug",
        "Glazed ramen bowl",
    ]
    await socket.send_json_to({"type": "pause"})
    assert (await socket.receive_json_from(timeout=10))["code"] == "permission_denied"
    await socket.disconnect()


async def test_the_seller_pauses_switches_and_speaks_but_not_unfounded_numbers():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice)
    bowl = await sync_to_async(Product.objects.get)(store=alice.store, sku="BOWL-1")
    async with _running(_runner(room)):
        studio = await _studio(alice, room, alice.write_key)
        await studio.connect()
        await studio.receive_json_from(timeout=10)
        await _on_air(studio)
        await studio.send_json_to({"type": "switch_product", "product_id": bowl.pk})
        await _until(studio, lambda m: m["type"] == "product" and m["product"]["id"] == bowl.pk)
        await studio.send_json_to({"type": "say", "text": "Today only 1 yuan!"})
        refused = await _until(studio, lambda m: m["type"] == "notice" and m["code"] == "refused")
        assert "number" in refused["text"]
        await studio.send_json_to({"type": "say", "text": "It holds 900 ml of broth."})
        said = await _until(studio, lambda m: m["type"] == "utterance" and m["kind"] == "studio")
        assert said["text"] == "It holds 900 ml of broth."
        await studio.send_json_to({"type": "pause"})
        await _until(studio, lambda m: m["type"] == "notice" and m["code"] == "paused")
        await studio.disconnect()
    status = await sync_to_async(lambda: LiveRoom.objects.get(pk=room.pk).status)()
    assert status == "paused"


async def test_answers_wait_for_the_seller_when_the_room_says_so():
    alice = await sync_to_async(make_actor)()
    room = await sync_to_async(_make_room)(alice, answers_need_approval=True)
    async with _running(_runner(room)):
        studio = await _studio(alice, room, alice.write_key)
        await studio.connect()
        await studio.receive_json_from(timeout=10)
        viewer = await _viewer(room.slug)
        await viewer.receive_json_from(timeout=10)
        await _on_air(viewer)
        await viewer.send_json_to({"type": "comment", "text": "What is the mug made of?"})
        question = await _until(studio, lambda m: m["type"] == "question")
        assert question["status"] == "awaiting"
        assert "stoneware" in question["draft_answer"].lower()
        await studio.send_json_to({"type": "approve_answer", "question_id": question["id"]})
        spoken = await _until(viewer, lambda m: m["type"] == "utterance" and m["kind"] == "answer")
        assert spoken["text"] == question["draft_answer"]
        await viewer.disconnect()
        await studio.disconnect()
    status = await sync_to_async(lambda: ViewerQuestion.objects.get(pk=question["id"]).status)()
    assert status == "answered"


async def test_outside_its_schedule_the_host_stays_quiet():
    from datetime import UTC, datetime

    alice = await sync_to_async(make_actor)()
    tomorrow = (datetime.now(UTC).weekday() + 1) % 7
    room = await sync_to_async(_make_room)(
        alice, schedule=[{"weekday": tomorrow, "start": "00:00", "end": "24:00"}]
    )
    async with _running(_runner(room)):
        socket = await _viewer(room.slug)
        await socket.receive_json_from(timeout=10)
        assert not await _seen(socket, lambda m: m["type"] == "utterance", seconds=3)
    said = await sync_to_async(HostUtterance.objects.filter(session__room=room).count)()
    assert said == 0
