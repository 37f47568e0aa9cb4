"""The live feed's wire protocol: channel-layer groups and the JSON Schema of every message.

Plain Python, no Django: the runner, the consumers, the API (which serves the schema at
``/api/v1/live/protocol.json``) and the tests all read the same definitions. What clients
send is declared once, as one dataclass per frame type (``VIEWER_FRAMES``,
``STUDIO_FRAMES``); the sockets validate every frame against those declarations with
``read_frame`` and the schema's client sections are generated from them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from livestream.host.messages import MAX_ID, MessageError, check_fields, fields_schema
from locales import Locale

# Viewer messages are capped before they reach the runner.
MAX_COMMENT_CHARS = 200
MAX_LIKES_PER_MESSAGE = 50
MAX_SAY_CHARS = 500
# A frame longer than this is refused unread: no client message needs a tenth of it.
MAX_FRAME_CHARS = 8192


def feed_group(room_id: int) -> str:
    """Everyone watching a room: viewers' and the studio's sockets."""
    return f"live.{room_id}"


def runner_group(room_id: int) -> str:
    """The room's host runner; viewers' comments and studio commands go here."""
    return f"live.{room_id}.runner"


def studio_group(room_id: int) -> str:
    """The seller's studio sockets for a room: queue, flagged questions, metrics."""
    return f"live.{room_id}.studio"


_PRODUCT_CARD: dict[str, Any] = {
    "type": ["object", "null"],
    "required": ["id", "sku", "title", "price", "currency", "stock", "in_stock"],
    "properties": {
        "id": {"type": "integer"},
        "sku": {"type": "string"},
        "title": {"type": "string"},
        "price": {"type": "string", "description": "Decimal as a string, e.g. '19.90'."},
        "compare_at_price": {"type": ["string", "null"]},
        "currency": {"type": "string"},
        "stock": {"type": ["integer", "null"]},
        "in_stock": {"type": "boolean"},
        "image_url": {"type": ["string", "null"]},
    },
}


def _message(type_: str, description: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["type", *properties.pop("_required", [])],
        "properties": {"type": {"const": type_}, **properties},
    }


SERVER_MESSAGES: dict[str, dict[str, Any]] = {
    "hello": _message(
        "hello",
        "First message after connecting, and again after a reconnect: the whole room state.",
        _required=["seq", "room", "disclosure", "product", "viewer_token"],
        seq={"type": "integer", "description": "The newest utterance's seq."},
        room={
            "type": "object",
            "properties": {
                "slug": {"type": "string"},
                "title": {"type": "string"},
                "locale": {"type": "string"},
                "status": {"enum": ["off_air", "live", "paused"]},
                "host_name": {"type": "string"},
            },
        },
        disclosure={
            "type": "object",
            "description": "The AI-host notice the player must keep visible.",
            "properties": {"banner": {"type": "string"}, "text": {"type": "string"}},
        },
        product=_PRODUCT_CARD,
        viewer_token={"type": "string", "description": "Send back as ?token= to keep your id."},
        recent={"type": "array", "items": {"$ref": "#/$defs/utterance"}},
    ),
    "utterance": _message(
        "utterance",
        "Something the host says: text first; its audio follows in `audio` messages.",
        _required=["id", "seq", "kind", "text"],
        id={"type": "integer"},
        seq={"type": "integer", "description": "Increases by one per utterance, per session."},
        kind={"type": "string"},
        text={"type": "string"},
        product_id={"type": ["integer", "null"]},
        reason={"type": "string"},
        reply_to={"type": ["string", "null"], "description": "The question answered."},
    ),
    "audio": _message(
        "audio",
        "One sentence of an utterance's speech, in order, as soon as it is synthesized.",
        _required=["utterance_id", "seq", "index", "url", "text", "start_s", "duration_s"],
        utterance_id={"type": "integer"},
        seq={"type": "integer"},
        index={"type": "integer"},
        url={"type": "string", "description": "A WAV file (AIGC-labelled)."},
        text={"type": "string", "description": "The caption for this sentence."},
        start_s={"type": "number", "description": "Offset within the utterance."},
        duration_s={"type": "number"},
        last={"type": "boolean"},
    ),
    "product": _message(
        "product",
        "The product on air changed, or its price or stock did.",
        _required=["product"],
        product=_PRODUCT_CARD,
    ),
    "stats": _message(
        "stats",
        "Aggregated room figures, at most four a second.",
        _required=["viewers", "likes"],
        viewers={"type": "integer"},
        likes={"type": "integer"},
    ),
    "notice": _message(
        "notice",
        "A message for this viewer or everyone: refusals, room on/off air.",
        _required=["code", "text"],
        code={"type": "string"},
        text={"type": "string"},
    ),
}

# --- what clients send -------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A client frame; subclasses name their ``TYPE`` and declare their fields."""

    TYPE: ClassVar[str] = ""


@dataclass(frozen=True)
class Ping(Frame):
    """Keep-alive; answered with a `pong`."""

    TYPE: ClassVar[str] = "ping"


@dataclass(frozen=True)
class CommentFrame(Frame):
    """A viewer's comment or question."""

    TYPE: ClassVar[str] = "comment"
    text: str = field(
        metadata={"minLength": 1, "maxLength": MAX_COMMENT_CHARS, "long_error": "comment_too_long"}
    )


@dataclass(frozen=True)
class LikeFrame(Frame):
    """One or more taps on the like button."""

    TYPE: ClassVar[str] = "like"
    count: int = field(default=1, metadata={"minimum": 1, "maximum": MAX_LIKES_PER_MESSAGE})


@dataclass(frozen=True)
class PauseFrame(Frame):
    """Pause the host (the room stays on air)."""

    TYPE: ClassVar[str] = "pause"


@dataclass(frozen=True)
class ResumeFrame(Frame):
    """Let a paused host speak again."""

    TYPE: ClassVar[str] = "resume"


@dataclass(frozen=True)
class SwitchProductFrame(Frame):
    """Put a rundown product on air now."""

    TYPE: ClassVar[str] = "switch_product"
    product_id: int = field(metadata={"minimum": 1, "maximum": MAX_ID, "error": "unknown_product"})


@dataclass(frozen=True)
class SayFrame(Frame):
    """A line for the host to say; refused when it states a number the catalog lacks."""

    TYPE: ClassVar[str] = "say"
    text: str = field(
        metadata={"minLength": 1, "maxLength": MAX_SAY_CHARS, "error": "invalid_text"}
    )


@dataclass(frozen=True)
class ApproveAnswerFrame(Frame):
    """Approve a drafted answer, optionally in the seller's own words."""

    TYPE: ClassVar[str] = "approve_answer"
    question_id: int = field(
        metadata={"minimum": 1, "maximum": MAX_ID, "error": "unknown_question"}
    )
    text: str = field(default="", metadata={"maxLength": MAX_SAY_CHARS, "error": "invalid_text"})


@dataclass(frozen=True)
class DropAnswerFrame(Frame):
    """Drop a drafted answer: the question is not answered on air."""

    TYPE: ClassVar[str] = "drop_answer"
    question_id: int = field(
        metadata={"minimum": 1, "maximum": MAX_ID, "error": "unknown_question"}
    )


def _frames(*classes: type[Frame]) -> dict[str, type[Frame]]:
    return {cls.TYPE: cls for cls in classes}


VIEWER_FRAMES = _frames(CommentFrame, LikeFrame, Ping)
STUDIO_FRAMES = _frames(
    Ping, PauseFrame, ResumeFrame, SwitchProductFrame, SayFrame, ApproveAnswerFrame, DropAnswerFrame
)
StudioCommand = (
    PauseFrame | ResumeFrame | SwitchProductFrame | SayFrame | ApproveAnswerFrame | DropAnswerFrame
)


def frame_type(data: Any, declared: Mapping[str, type[Frame]]) -> type[Frame]:
    """The declared frame class a decoded frame names, or ``MessageError``."""
    kind = data.get("type") if isinstance(data, dict) else None
    cls = declared.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise MessageError("Send " + " or ".join(f"`{name}`" for name in declared) + " messages.")
    return cls


def decode_frame(text_data: str | None, bytes_data: bytes | None) -> Any:
    """A WebSocket frame's JSON, or ``MessageError``: binary, oversized, not JSON, too deep."""
    if text_data is None:
        raise MessageError("Send JSON text frames, not binary ones.", code="invalid_frame")
    if len(text_data) > MAX_FRAME_CHARS:
        raise MessageError(
            f"Frames are at most {MAX_FRAME_CHARS} characters.", code="invalid_frame"
        )
    try:
        return json.loads(text_data)
    except (ValueError, RecursionError):
        # ValueError: not JSON, or an integer of more digits than Python converts;
        # RecursionError: nesting deeper than the decoder follows.
        raise MessageError("That frame is not valid JSON.", code="invalid_json") from None


def read_frame(data: Any, declared: Mapping[str, type[Frame]]) -> Frame:
    """The typed frame for decoded JSON, checked against its declaration."""
    return check_fields(frame_type(data, declared), data)


def _frame_schema(cls: type[Frame]) -> dict[str, Any]:
    shape = fields_schema(cls)
    return _message(
        cls.TYPE,
        (cls.__doc__ or "").strip().splitlines()[0],
        _required=shape["required"],
        **shape["properties"],
    )


CLIENT_MESSAGES: dict[str, dict[str, Any]] = {
    name: _frame_schema(cls) for name, cls in VIEWER_FRAMES.items()
}
STUDIO_CLIENT_MESSAGES: dict[str, dict[str, Any]] = {
    name: _frame_schema(cls) for name, cls in STUDIO_FRAMES.items()
}


def protocol_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the viewer feed ``/ws/live/<room>/``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "/api/v1/live/protocol.json",
        "title": "Shop AI live feed",
        "description": (
            "Messages on /ws/live/<room>/. Every message is a JSON object with a `type`. "
            "The server sends `server` messages; clients send `client` messages."
        ),
        "$defs": {"utterance": SERVER_MESSAGES["utterance"]},
        "server": {"oneOf": list(SERVER_MESSAGES.values())},
        "client": {"oneOf": list(CLIENT_MESSAGES.values())},
        "studio_client": {
            "description": "What the seller's studio socket /ws/studio/<room>/ accepts.",
            "oneOf": list(STUDIO_CLIENT_MESSAGES.values()),
        },
    }


def utterance_message(utterance: Any) -> dict[str, Any]:
    trigger = utterance.trigger or {}
    return {
        "type": "utterance",
        "id": utterance.pk,
        "seq": utterance.seq,
        "kind": utterance.kind,
        "text": utterance.text,
        "product_id": utterance.product_id,
        "reason": utterance.reason,
        "reply_to": trigger.get("question"),
    }


def disclosure_for(locale: Locale) -> dict[str, str]:
    """The AI-host notice a player keeps visible: the label's banner and the host's greeting."""
    return {
        "banner": locale.phrases("labels")["live_banner"],
        "text": locale.phrases("host")["disclosure"][0],
    }


def question_payload(question: Any) -> dict[str, Any]:
    """A viewer question as the studio shows it."""
    return {
        "id": question.pk,
        "viewer_id": question.viewer_id,
        "text": question.text,
        "product_id": question.product_id,
        "status": question.status,
        "draft_answer": question.draft_answer,
        "created_at": question.created_at.isoformat() if question.created_at else None,
    }
