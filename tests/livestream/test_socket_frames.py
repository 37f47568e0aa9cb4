"""Hostile frames at both live sockets: every one gets an answer or is passed on, none raises.

Hypothesis generates frames of every kind a client can send (text that is not JSON, binary
frames, JSON nested thousands deep, numbers of thousands of digits, wrong types in every
field, unknown types, oversized frames, and well-formed commands) and throws them at the
viewer socket ``/ws/live/<room>/`` and the studio socket ``/ws/studio/<room>/`` through
Channels' communicator against the real ASGI app. A server exception surfaces from the
communicator and fails the test; so does a socket that closes instead of answering.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.asgi import application
from livestream import services
from livestream.models import LiveRoom
from livestream.protocol import MAX_FRAME_CHARS, STUDIO_FRAMES, VIEWER_FRAMES, protocol_schema
from tests.conftest import Actor, make_actor
from tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)

Frame = tuple[str, Any]  # ("text", str) or ("bytes", bytes)

FIELDS = ("text", "count", "product_id", "question_id")
TYPES = sorted({*VIEWER_FRAMES, *STUDIO_FRAMES, "shout", "", "PING", "like ", "viewer.like"})

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=300)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
typed_objects = st.builds(
    lambda kind, extra: {"type": kind, **extra},
    st.sampled_from(TYPES) | json_values,
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3),
)
deep = st.integers(min_value=1, max_value=6000).flatmap(
    lambda n: st.sampled_from(["[" * n + "]" * n, '{"a":' * n + "1" + "}" * n, "[" * n])
)
huge_numbers = st.integers(min_value=300, max_value=6000).flatmap(
    lambda n: st.sampled_from(
        [
            '{"type":"like","count":' + "9" * n + "}",
            '{"type":"switch_product","product_id":' + "9" * n + "}",
            '{"type":"like","count":1e' + str(n) + "}",
            '{"type":"approve_answer","question_id":-' + "9" * n + "}",
        ]
    )
)
text_frames = st.one_of(
    typed_objects.map(lambda data: json.dumps(data)),  # NaN and Infinity included
    json_values.map(json.dumps),
    st.text(max_size=200),
    deep,
    huge_numbers,
    st.just("x" * (MAX_FRAME_CHARS + 1)),
    st.just(json.dumps({"type": "comment", "text": "y" * MAX_FRAME_CHARS})),
)
frames = st.lists(
    st.one_of(
        text_frames.map(lambda text: ("text", text)),
        st.binary(max_size=64).map(lambda data: ("bytes", data)),
    ),
    min_size=1,
    max_size=12,
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _is_ping(frame: Frame) -> bool:
    """Whether the server answers this frame with a `pong` (read as the consumers read it)."""
    kind, payload = frame
    if kind != "text" or len(payload) > MAX_FRAME_CHARS:
        return False
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("type") == "ping"


def _make_room(actor: Actor) -> LiveRoom:
    mug = make_product(actor.store, "MUG-1", photo=False)
    room = services.room_create(
        store=actor.store,
        slug="fuzz-live",
        title="Fuzz live",
        rundown=[services.RundownSpec(product_id=mug.pk, time_budget_s=60)],
    )
    services.room_start(room=room)
    return room


@pytest.fixture
def actor(transactional_db: None) -> Actor:
    return make_actor(name="Fuzz Shop")


@pytest.fixture
def room(actor: Actor) -> LiveRoom:
    return _make_room(actor)


async def _throw(socket: WebsocketCommunicator, sent: list[Frame]) -> None:
    """Send the frames and a closing ping; read until every ping is answered."""
    connected, code = await socket.connect(timeout=10)
    assert connected, code
    await socket.receive_json_from(timeout=10)  # the hello or the studio snapshot
    for kind, payload in sent:
        # Raw ASGI events: the communicator's send_to refuses empty frames, a client may not.
        await socket.send_input({"type": "websocket.receive", kind: payload})
    await socket.send_json_to({"type": "ping"})
    expected = sum(_is_ping(frame) for frame in sent) + 1
    pongs = 0
    while pongs < expected:
        # Raises the consumer's exception, or fails on a close instead of a message.
        message = json.loads(await socket.receive_from(timeout=10))
        assert isinstance(message, dict)
        assert message["type"] in {"pong", "notice", "error", "ack", "metrics", "product"}, message
        if message["type"] in {"notice", "error"}:
            assert message["code"]
        pongs += message["type"] == "pong"
    await socket.disconnect()


@FUZZ
@given(sent=frames)
async def test_the_viewer_socket_answers_any_frame_without_raising(
    room: LiveRoom, sent: list[Frame]
) -> None:
    socket = WebsocketCommunicator(application, f"/ws/live/{room.slug}/")
    await _throw(socket, sent)


@FUZZ
@given(sent=frames)
async def test_the_studio_socket_answers_any_frame_without_raising(
    actor: Actor, room: LiveRoom, sent: list[Frame]
) -> None:
    socket = WebsocketCommunicator(
        application,
        f"/ws/studio/{room.pk}/",
        headers=[(b"authorization", f"Bearer {actor.write_key}".encode())],
    )
    await _throw(socket, sent)


async def test_the_named_bad_frames_get_notices_and_a_like_of_many_is_not_counted(
    room: LiveRoom,
) -> None:
    socket = WebsocketCommunicator(application, f"/ws/live/{room.slug}/")
    assert (await socket.connect(timeout=10))[0]
    await socket.receive_json_from(timeout=10)

    await socket.send_to(text_data="{not json")
    assert (await socket.receive_json_from(timeout=5))["code"] == "invalid_json"
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from(timeout=5))["code"] == "invalid_frame"
    await socket.send_json_to({"type": "like", "count": "many"})
    notice = await socket.receive_json_from(timeout=5)
    assert notice["type"] == "notice"
    assert notice["code"] == "invalid_message"
    await socket.send_json_to({"type": "like", "count": True})
    assert (await socket.receive_json_from(timeout=5))["code"] == "invalid_message"
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=5) == {"type": "pong"}
    await socket.disconnect()


async def test_a_read_only_studio_gets_errors_for_bad_frames_too(room: LiveRoom, actor: Actor):
    socket = WebsocketCommunicator(
        application,
        f"/ws/studio/{room.pk}/",
        headers=[(b"authorization", f"Bearer {actor.read_key}".encode())],
    )
    assert (await socket.connect(timeout=10))[0]
    await socket.receive_json_from(timeout=10)
    await socket.send_to(bytes_data=b"\xff")
    assert (await socket.receive_json_from(timeout=5))["code"] == "invalid_frame"
    await socket.send_json_to({"type": "shout"})
    assert (await socket.receive_json_from(timeout=5))["code"] == "invalid_command"
    await socket.send_json_to({"type": "pause"})
    assert (await socket.receive_json_from(timeout=5))["code"] == "permission_denied"
    await socket.disconnect()


def test_every_declared_frame_is_in_the_served_schema() -> None:
    schema = protocol_schema()
    viewer = {entry["properties"]["type"]["const"] for entry in schema["client"]["oneOf"]}
    studio = {entry["properties"]["type"]["const"] for entry in schema["studio_client"]["oneOf"]}
    assert viewer == set(VIEWER_FRAMES)
    assert studio == set(STUDIO_FRAMES)
