"""The live feed's wire protocol: channel-layer groups and the JSON Schema of every message.

Plain Python, no Django: the runner, the consumers, the API (which serves the schema at
``/api/v1/live/protocol.json``) and the tests all read the same definitions.
"""

from __future__ import annotations

from typing import Any

from locales import Locale

# Viewer messages are capped before they reach the runner.
MAX_COMMENT_CHARS = 200
MAX_LIKES_PER_MESSAGE = 50


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

CLIENT_MESSAGES: dict[str, dict[str, Any]] = {
    "comment": _message(
        "comment",
        "A viewer's comment or question.",
        _required=["text"],
        text={"type": "string", "minLength": 1, "maxLength": MAX_COMMENT_CHARS},
    ),
    "like": _message(
        "like",
        "One or more taps on the like button.",
        count={"type": "integer", "minimum": 1, "maximum": MAX_LIKES_PER_MESSAGE},
    ),
    "ping": _message("ping", "Keep-alive; answered with a `pong`."),
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
