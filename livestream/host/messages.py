"""The room runner's messages: one frozen dataclass per message to or from a runner.

Plain Python, no Django. Consumers and services build these and send them with
``to_wire()``; the runner turns what it receives back into one with ``parse_runner_message``
(once, at its edge) and dispatches on the class. Wire names and fields stay plain JSON, so
the channel layer (and a test that round-trips every message through JSON) carries them.

``check_fields`` is the one validator: it reads a dataclass's fields and their JSON Schema
keywords (``field(metadata=...)``), and it validates the sockets' client frames as well
(``livestream.protocol``), so the schema served to clients is the one the server applies.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# Database ids are 64-bit; a bigger number in a frame is refused before a query sees it.
MAX_ID = 2**63 - 1

T = TypeVar("T", bound="DataclassInstance")


class MessageError(ValueError):
    """A message or frame that does not match its declared shape; ``code`` names the rule."""

    def __init__(self, text: str, *, code: str = "invalid_message") -> None:
        super().__init__(text)
        self.code = code
        self.text = text


# --- the one validator -------------------------------------------------------------------------

_JSON_TYPES: dict[type, str] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def _allowed_types(hint: Any) -> tuple[type, ...]:
    if get_origin(hint) in (Union, types.UnionType):
        return tuple(arg for arg in get_args(hint))
    return (hint,)


def _matches(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:  # JSON's true is not a count of one
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    return isinstance(value, kind)


def check_fields(cls: type[T], data: Mapping[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from ``data``, or ``MessageError``.

    Types are checked exactly (a bool is no integer, a string no number); the JSON Schema
    keywords in a field's metadata (``minLength``, ``maxLength``, ``minimum``, ``maximum``)
    are applied, strings' ``minLength`` to their stripped text; ``error`` in the metadata
    names the code for a value that breaks a rule. Keys ``cls`` does not declare are ignored.
    """
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for spec in fields(cls):
        if not spec.init:
            continue
        code = spec.metadata.get("error", "invalid_message")
        if spec.name not in data:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise MessageError(f"`{spec.name}` is required.", code=code)
            continue
        value = data[spec.name]
        allowed = _allowed_types(hints[spec.name])
        if not any(_matches(value, kind) for kind in allowed):
            names = " or ".join(_JSON_TYPES.get(kind, kind.__name__) for kind in allowed)
            raise MessageError(f"`{spec.name}` must be {names}.", code=code)
        _check_limits(spec.name, value, spec.metadata, code)
        values[spec.name] = value
    return cls(**values)


def _check_limits(name: str, value: Any, rules: Mapping[str, Any], code: str) -> None:
    if isinstance(value, str):
        if "minLength" in rules and len(value.strip()) < rules["minLength"]:
            raise MessageError(f"`{name}` needs text.", code=rules.get("short_error", code))
        if "maxLength" in rules and len(value) > rules["maxLength"]:
            raise MessageError(
                f"`{name}` is at most {rules['maxLength']} characters.",
                code=rules.get("long_error", code),
            )
    elif isinstance(value, int | float) and not isinstance(value, bool):
        low, high = rules.get("minimum"), rules.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise MessageError(f"`{name}` must be from {low} to {high}.", code=code)


_SCHEMA_KEYWORDS = ("minLength", "maxLength", "minimum", "maximum", "description")


def fields_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema properties and required names of a message dataclass's fields."""
    hints = get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in fields(cls):
        if not spec.init:
            continue
        names = [_JSON_TYPES[kind] for kind in _allowed_types(hints[spec.name])]
        prop: dict[str, Any] = {"type": names[0] if len(names) == 1 else names}
        prop.update({key: spec.metadata[key] for key in _SCHEMA_KEYWORDS if key in spec.metadata})
        properties[spec.name] = prop
        if spec.default is MISSING and spec.default_factory is MISSING:
            required.append(spec.name)
    return {"properties": properties, "required": required}


def _id(description: str, *, error: str = "invalid_message") -> Any:
    return field(
        metadata={"minimum": 1, "maximum": MAX_ID, "description": description, "error": error}
    )


# --- to the runner -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunnerMessage:
    """A message to a room's runner; subclasses name their wire ``TYPE``."""

    TYPE: ClassVar[str] = ""

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, **asdict(self)}


@dataclass(frozen=True)
class ViewerComment(RunnerMessage):
    """A viewer's comment, capped by the socket; the runner moderates it."""

    TYPE: ClassVar[str] = "viewer.comment"
    viewer_id: str
    text: str
    reply_channel: str = ""  # where a refusal goes: the author's socket alone


@dataclass(frozen=True)
class ViewerLike(RunnerMessage):
    TYPE: ClassVar[str] = "viewer.like"
    viewer_id: str
    count: int = field(default=1, metadata={"minimum": 1})


@dataclass(frozen=True)
class ViewerJoin(RunnerMessage):
    """A viewer's socket is watching (also its answer to a roll call)."""

    TYPE: ClassVar[str] = "viewer.join"
    channel: str


@dataclass(frozen=True)
class ViewerLeave(RunnerMessage):
    TYPE: ClassVar[str] = "viewer.leave"
    channel: str


@dataclass(frozen=True)
class PlatformEvent(RunnerMessage):
    """A purchase, add-to-cart or stock change the store platform reported."""

    TYPE: ClassVar[str] = "platform.event"
    kind: str
    product_id: int
    quantity: int = 1
    stock: int | None = None


@dataclass(frozen=True)
class SwitchProduct(RunnerMessage):
    """The seller puts a rundown product on air."""

    TYPE: ClassVar[str] = "studio.switch_product"
    product_id: int


@dataclass(frozen=True)
class SellerSay(RunnerMessage):
    """A line the seller wants the host to say (refused when it states an unfounded number)."""

    TYPE: ClassVar[str] = "studio.say"
    text: str


@dataclass(frozen=True)
class ApproveAnswer(RunnerMessage):
    """The seller approves a drafted answer, optionally with their own wording."""

    TYPE: ClassVar[str] = "studio.approve_answer"
    question_id: int
    text: str = ""


@dataclass(frozen=True)
class DropAnswer(RunnerMessage):
    TYPE: ClassVar[str] = "studio.drop_answer"
    question_id: int


@dataclass(frozen=True)
class RoomStop(RunnerMessage):
    """The room went off air: the runner ends the session."""

    TYPE: ClassVar[str] = "room.stop"


@dataclass(frozen=True)
class RoomReload(RunnerMessage):
    """The room's settings or status changed: the runner reads them again."""

    TYPE: ClassVar[str] = "room.reload"


@dataclass(frozen=True)
class RunnerRejoined(RunnerMessage):
    """The runner's own note that its subscription broke and was renewed."""

    TYPE: ClassVar[str] = "runner.rejoined"


RUNNER_MESSAGES: dict[str, type[RunnerMessage]] = {
    cls.TYPE: cls
    for cls in (
        ViewerComment,
        ViewerLike,
        ViewerJoin,
        ViewerLeave,
        PlatformEvent,
        SwitchProduct,
        SellerSay,
        ApproveAnswer,
        DropAnswer,
        RoomStop,
        RoomReload,
        RunnerRejoined,
    )
}


def parse_runner_message(data: Mapping[str, Any]) -> RunnerMessage:
    """The typed message for a dict from the channel layer; ``MessageError`` when it is none."""
    kind = data.get("type")
    cls = RUNNER_MESSAGES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise MessageError(f"unknown runner message {data.get('type')!r}")
    return check_fields(cls, data)


# --- from the runner ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedMessage:
    """A server message for sockets: a room's feed, its studio, or one viewer's socket.

    ``message`` is one of the protocol's server messages (``livestream.protocol``); the
    consumers relay it as it is.
    """

    TYPE: ClassVar[str] = "live.message"
    message: Mapping[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE, "message": dict(self.message)}


@dataclass(frozen=True)
class RollCall:
    """The runner asks every viewer socket of the room to answer with ``ViewerJoin``."""

    TYPE: ClassVar[str] = "live.roll_call"

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.TYPE}


@dataclass(frozen=True)
class Notice:
    """The ``notice`` server message: a refusal, or the room going on or off air."""

    code: str
    text: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": "notice", "code": self.code, "text": self.text}


@dataclass(frozen=True)
class Stats:
    """The ``stats`` server message: aggregated room figures."""

    viewers: int
    likes: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": "stats", "viewers": self.viewers, "likes": self.likes}


@dataclass(frozen=True)
class AudioClip:
    """The ``audio`` server message: one sentence of an utterance's speech."""

    utterance_id: int
    seq: int
    index: int
    url: str
    text: str
    start_s: float
    duration_s: float
    last: bool

    def to_wire(self) -> dict[str, Any]:
        return {"type": "audio", **asdict(self)}


@dataclass(frozen=True)
class ProductShown:
    """The ``product`` server message: the card of the product on air (None between)."""

    product: Mapping[str, Any] | None

    def to_wire(self) -> dict[str, Any]:
        return {"type": "product", "product": self.product}


@dataclass(frozen=True)
class Metrics:
    """The studio's ``metrics`` message: the session's counters and the viewers now."""

    counters: Mapping[str, int]
    viewers: int

    def to_wire(self) -> dict[str, Any]:
        return {"type": "metrics", **self.counters, "viewers": self.viewers}
