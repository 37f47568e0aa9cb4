"""The runner's messages: each survives the channel layer's JSON and parses back to itself."""

from __future__ import annotations

import json

import pytest

from livestream.host.messages import (
    RUNNER_MESSAGES,
    ApproveAnswer,
    DropAnswer,
    MessageError,
    PlatformEvent,
    RoomReload,
    RoomStop,
    RunnerRejoined,
    SellerSay,
    SwitchProduct,
    ViewerComment,
    ViewerJoin,
    ViewerLeave,
    ViewerLike,
    parse_runner_message,
)

EXAMPLES = [
    ViewerComment(viewer_id="v_1", text="How much?", reply_channel="specific.abc"),
    ViewerLike(viewer_id="v_1", count=3),
    ViewerJoin(channel="specific.abc"),
    ViewerLeave(channel="specific.abc"),
    PlatformEvent(kind="purchase", product_id=7, quantity=2, stock=None),
    SwitchProduct(product_id=7),
    SellerSay(text="It holds 900 ml."),
    ApproveAnswer(question_id=4, text=""),
    DropAnswer(question_id=4),
    RoomStop(),
    RoomReload(),
    RunnerRejoined(),
]


def test_every_runner_message_has_an_example() -> None:
    assert {type(message) for message in EXAMPLES} == set(RUNNER_MESSAGES.values())


@pytest.mark.parametrize("message", EXAMPLES, ids=lambda message: message.TYPE)
def test_a_message_round_trips_through_json(message) -> None:
    wire = json.loads(json.dumps(message.to_wire()))
    assert parse_runner_message(wire) == message


@pytest.mark.parametrize(
    "wire",
    [
        {"type": "viewer.like", "viewer_id": "v", "count": "many"},
        {"type": "viewer.like", "viewer_id": "v", "count": True},
        {"type": "viewer.like", "viewer_id": "v", "count": 0},
        {"type": "viewer.comment", "viewer_id": "v"},
        {"type": "platform.event", "kind": "purchase", "product_id": "7"},
        {"type": "studio.command", "command": "say", "text": "hi"},
        {"type": None},
        {},
    ],
)
def test_a_malformed_message_is_refused_whole(wire) -> None:
    with pytest.raises(MessageError):
        parse_runner_message(wire)
