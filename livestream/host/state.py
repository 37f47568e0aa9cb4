"""The host's inputs, its actions and its memory: what goes in, what comes out, what is saved.

Plain Python, no Django. ``Memory`` is everything that changes while a room runs; ``dump``
and ``load`` turn it (with the random generator and the locale's code) into JSON and back,
so a restarted runner resumes exactly where the last one stopped.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

STATE_VERSION = 1

ActionKind = Literal[
    "say",
    "switch_product",
    "answer_request",
    "answer",
    "thank",
    "ack_purchase",
    "announce_deal",
    "pause",
    "flag_question",
]


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RundownItem:
    """One product the seller put in the room's rundown, with how long to spend on it."""

    product_id: int
    sku: str
    title: str
    time_budget_s: float
    talking_points: list[str] = field(default_factory=list)
    in_stock: bool = True


@dataclass(frozen=True)
class Policy:
    """The seller's limits for the room."""

    max_discount_pct: Decimal | float = 0
    answers_need_approval: bool = False
    banned_topics: list[str] = field(default_factory=list)
    idle_repeat_window_s: float = 600.0


@dataclass(frozen=True)
class VariantFacts:
    """One variant of a product: its options ("Colour": "Slate"), and its own price and stock."""

    options: Mapping[str, str]
    price: Decimal | None = None
    stock: int | None = None
    compare_at_price: Decimal | None = None
    sku: str = ""
    title: str = ""


@dataclass(frozen=True)
class ProductFacts:
    """Catalog facts for one product: the only source of numbers and claims the host says."""

    id: int
    title: str
    price: Decimal | None = None
    currency: str = "USD"
    compare_at_price: Decimal | None = None
    stock: int | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    # Sentences a human approved (reviewed copy); said as written.
    approved_copy: list[str] = field(default_factory=list)
    variants: tuple[VariantFacts, ...] = ()
    # The catalog description's sentences (the seller's own words), said as written.
    description: tuple[str, ...] = ()
    # The catalog's category path ("Apparel > T-Shirts"): names the product's kind.
    category: str = ""


@dataclass(frozen=True)
class Comment:
    viewer_id: str
    text: str
    at: float


@dataclass(frozen=True)
class Question:
    """A comment that moderation classified as a question."""

    viewer_id: str
    text: str
    at: float


@dataclass(frozen=True)
class Like:
    viewer_id: str
    count: int
    at: float


@dataclass(frozen=True)
class Gift:
    viewer_id: str
    name: str
    value: float
    at: float


@dataclass(frozen=True)
class Purchase:
    """An order reported by the store platform (never by viewers)."""

    product_id: int
    quantity: int
    at: float


@dataclass(frozen=True)
class AddToCart:
    product_id: int
    at: float


@dataclass(frozen=True)
class StockChanged:
    product_id: int
    stock: int
    at: float


Event = Comment | Question | Like | Gift | Purchase | AddToCart | StockChanged


# --- outputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """Something the runner should do now.

    `text` is what to say, except for `answer_request`, where it is the viewer's question to
    answer from retrieved facts (never read out as is). `duration_s` is the estimated speaking
    time for speech, the silence length for `pause`, and the time held for the answer for
    `answer_request`.
    """

    kind: ActionKind
    text: str = ""
    product_id: int | None = None
    reason: str = ""
    viewer_ids: tuple[str, ...] = ()
    duration_s: float = 0.0
    needs_approval: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["viewer_ids"] = list(self.viewer_ids)
        return data


@dataclass(frozen=True)
class ProductStats:
    """Session figures for one rundown product."""

    airtime_s: float
    reward: float
    sold: int
    added_to_cart: int
    pitches: int
    in_stock: bool


# --- memory ----------------------------------------------------------------------------------


@dataclass
class Memory:
    """Everything that changes while the room runs; what `dump` saves."""

    started: bool = False
    speech_until: float = 0.0
    pause_until: float = 0.0
    current: int | None = None
    segment_index: int = 0
    pending_lines: list[dict[str, str]] = field(default_factory=list)
    product_started_at: float = 0.0
    airtime_mark: float = 0.0
    product_done: bool = False
    last_disclosure_at: float = 0.0
    last_thanks_at: float = -math.inf
    thanks: dict[str, float] = field(default_factory=dict)
    thanks_overflow: bool = False
    thanks_since: float | None = None
    last_chatter_ack_at: float = 0.0
    comments_since_ack: int = 0
    questions: list[dict[str, Any]] = field(default_factory=list)
    purchase_acks: dict[int, int] = field(default_factory=dict)
    last_purchase_ack_at: float | None = None
    stock: dict[int, int | None] = field(default_factory=dict)
    out_of_stock: list[int] = field(default_factory=list)
    sold: dict[int, int] = field(default_factory=dict)
    carted: dict[int, int] = field(default_factory=dict)
    reward: dict[int, float] = field(default_factory=dict)
    airtime_s: dict[int, float] = field(default_factory=dict)
    pitches: dict[int, int] = field(default_factory=dict)
    line_said_at: dict[str, float] = field(default_factory=dict)
    # Until when an answer holds the floor; a question never cuts another answer short.
    answering_until: float = 0.0


# JSON keys are strings: these maps are keyed by product id and turn back into ints on load.
_INT_KEYED = ("purchase_acks", "stock", "sold", "carted", "reward", "airtime_s", "pitches")


def dump(memory: Memory, rng: random.Random, *, locale_code: str) -> dict[str, Any]:
    """JSON-serializable state: the memory, the generator's state and the locale's code."""
    saved = asdict(memory)
    for name in _INT_KEYED:
        saved[name] = {str(key): value for key, value in saved[name].items()}
    if saved["last_thanks_at"] == -math.inf:
        saved["last_thanks_at"] = None
    version, internal, gauss = rng.getstate()
    return {
        "version": STATE_VERSION,
        "locale": locale_code,
        "rng": [version, list(internal), gauss],
        "memory": saved,
    }


def check_version(state: Mapping[str, Any]) -> None:
    if state.get("version") != STATE_VERSION:
        raise ValueError(f"unsupported host state version {state.get('version')!r}")


def load(state: Mapping[str, Any], rng: random.Random) -> Memory:
    """The memory saved by `dump`; puts the saved generator state into ``rng``."""
    check_version(state)
    version, internal, gauss = state["rng"]
    rng.setstate((version, tuple(internal), gauss))
    saved = dict(state["memory"])
    for name in _INT_KEYED:
        saved[name] = {int(key): value for key, value in saved[name].items()}
    if saved["last_thanks_at"] is None:
        saved["last_thanks_at"] = -math.inf
    return Memory(**saved)
