"""Live-room writes: rooms and rundowns, start/stop, platform events, the runner's records.

The API, the studio socket and the host runner all change rooms through these functions.
Messages to the runner and to viewers go out only after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog import facade as catalog_facade
from livestream.host.messages import (
    ApproveAnswer,
    DropAnswer,
    FeedMessage,
    Notice,
    PlatformEvent,
    RoomReload,
    RoomStop,
    RunnerMessage,
    SellerSay,
    SwitchProduct,
)
from livestream.models import (
    EngagementEvent,
    EventKind,
    HostUtterance,
    LiveRoom,
    LiveSession,
    QuestionStatus,
    RoomStatus,
    RundownEntry,
    ViewerQuestion,
)
from livestream.protocol import (
    ApproveAnswerFrame,
    PauseFrame,
    ResumeFrame,
    SayFrame,
    StudioCommand,
    SwitchProductFrame,
    feed_group,
    question_payload,
    runner_group,
    studio_group,
)
from shop_ai.after_commit import broadcast_on_commit
from shop_ai.errors import Conflict, DomainError
from shop_ai.models import Store

# A runner renews its lease every second; a lease this old belongs to a dead runner.
LEASE_TIMEOUT = timedelta(seconds=3)
ROOM_FIELDS = (
    "title",
    "locale",
    "persona",
    "voice",
    "max_discount_pct",
    "answers_need_approval",
    "banned_topics",
    "schedule",
)


@dataclass(frozen=True)
class RundownSpec:
    product_id: int
    time_budget_s: int = 180
    talking_points: tuple[str, ...] = ()


# --- rooms -------------------------------------------------------------------------------------


@transaction.atomic
def room_create(
    *, store: Store, slug: str, rundown: Sequence[RundownSpec] = (), **fields: Any
) -> LiveRoom:
    unknown = set(fields) - set(ROOM_FIELDS)
    if unknown:
        raise TypeError(f"unknown room fields: {sorted(unknown)}")
    if LiveRoom.objects.filter(slug=slug).exists():
        raise Conflict(
            f"The room address {slug!r} is taken; choose another slug.", code="slug_taken"
        )
    try:
        with transaction.atomic():
            room = LiveRoom.objects.create(store=store, slug=slug, **fields)
    except IntegrityError:  # a concurrent create took the slug between check and insert
        raise Conflict(
            f"The room address {slug!r} is taken; choose another slug.", code="slug_taken"
        ) from None
    _rundown_replace(room, rundown)
    return room


@transaction.atomic
def room_update(
    *, room: LiveRoom, rundown: Sequence[RundownSpec] | None = None, **fields: Any
) -> LiveRoom:
    room = LiveRoom.objects.select_for_update().get(pk=room.pk)
    for name, value in fields.items():
        if name not in ROOM_FIELDS:
            raise TypeError(f"unknown room field: {name}")
        setattr(room, name, value)
    room.save()
    if rundown is not None:
        _rundown_replace(room, rundown)
    _tell_runner(room, RoomReload())
    return room


def _rundown_replace(room: LiveRoom, rundown: Sequence[RundownSpec]) -> None:
    product_ids = [spec.product_id for spec in rundown]
    if len(set(product_ids)) != len(product_ids):
        raise DomainError("A product may appear in the rundown only once.", code="duplicate")
    found = catalog_facade.product_ids_in_store(store_id=room.store_id, product_ids=product_ids)
    missing = [pid for pid in product_ids if pid not in found]
    if missing:
        # Another store's product is simply unknown here, like any id that does not exist.
        raise DomainError(
            "Some rundown products do not exist in this store.",
            code="unknown_product",
            details={"products": missing},
        )
    RundownEntry.objects.filter(room=room).delete()
    RundownEntry.objects.bulk_create(
        RundownEntry(
            room=room,
            product_id=spec.product_id,
            position=position,
            time_budget_s=spec.time_budget_s,
            talking_points=list(spec.talking_points),
        )
        for position, spec in enumerate(rundown)
    )


@transaction.atomic
def room_start(*, room: LiveRoom) -> LiveSession:
    """Put a room on air; returns its open session (a new one unless it is already live)."""
    room = LiveRoom.objects.select_for_update().get(pk=room.pk)
    if not room.rundown.exists():
        raise DomainError("Add at least one product to the rundown first.", code="empty_rundown")
    session = LiveSession.objects.filter(room=room, ended_at__isnull=True).first()
    if session is None:
        session = LiveSession.objects.create(room=room)
    if room.status != RoomStatus.LIVE:
        room.status = RoomStatus.LIVE
        room.save(update_fields=["status", "updated_at"])
    _notice(room, "on_air", "The live has started.")
    return session


@transaction.atomic
def room_stop(*, room: LiveRoom) -> LiveSession | None:
    """Take a room off air and close its session; its runner stops at its next beat."""
    room = LiveRoom.objects.select_for_update().get(pk=room.pk)
    session = LiveSession.objects.filter(room=room, ended_at__isnull=True).first()
    if session is not None:
        session.ended_at = timezone.now()
        session.runner_id = ""
        session.save(update_fields=["ended_at", "runner_id"])
    room.status = RoomStatus.OFF_AIR
    room.save(update_fields=["status", "updated_at"])
    _tell_runner(room, RoomStop())
    _notice(room, "off_air", "The live has ended. Thanks for watching!")
    return session


@transaction.atomic
def room_set_paused(*, room: LiveRoom, paused: bool) -> LiveRoom:
    room = LiveRoom.objects.select_for_update().get(pk=room.pk)
    if room.status == RoomStatus.OFF_AIR:
        raise Conflict("The room is off air.", code="off_air")
    room.status = RoomStatus.PAUSED if paused else RoomStatus.LIVE
    room.save(update_fields=["status", "updated_at"])
    _tell_runner(room, RoomReload())
    _notice(
        room, "paused" if paused else "resumed", "Back in a moment." if paused else "We're back!"
    )
    return room


def _tell_runner(room: LiveRoom, message: RunnerMessage) -> None:
    broadcast_on_commit(runner_group(room.pk), message.to_wire())


def _notice(room: LiveRoom, code: str, text: str) -> None:
    broadcast_on_commit(feed_group(room.pk), FeedMessage(Notice(code, text).to_wire()).to_wire())


# --- what the store platform and the seller report ---------------------------------------------

PLATFORM_EVENT_KINDS = (EventKind.PURCHASE, EventKind.ADD_TO_CART, EventKind.STOCK)


@transaction.atomic
def platform_event_record(
    *, room: LiveRoom, kind: str, product_id: int, quantity: int = 1, stock: int | None = None
) -> EngagementEvent:
    """A purchase, add-to-cart or stock change reported by the store platform.

    Stock changes are written to the catalog as well: the host reads facts from the catalog
    at speaking time, and a sold-out product leaves the pitch at once.
    """
    if kind not in PLATFORM_EVENT_KINDS:
        raise DomainError(f"Unknown event kind {kind!r}.", code="invalid_kind")
    session = LiveSession.objects.filter(room=room, ended_at__isnull=True).first()
    if session is None:
        raise Conflict("The room is off air; start it first.", code="off_air")
    if kind == EventKind.STOCK and (stock is None or stock < 0):
        raise DomainError("A stock event needs a stock of 0 or more.", code="invalid_stock")
    if kind == EventKind.STOCK and stock is not None:
        product = catalog_facade.stock_set(
            store_id=room.store_id, product_id=product_id, stock=stock
        )
    else:
        product = catalog_facade.product_facts(store_id=room.store_id, product_id=product_id)
    if product is None:
        raise DomainError(
            "No such product in this store.",
            code="unknown_product",
            details={"product": product_id},
        )
    event = EngagementEvent.objects.create(
        session=session,
        kind=kind,
        product_id=product.id,
        count=stock if kind == EventKind.STOCK and stock is not None else quantity,
        at=timezone.now(),
    )
    _tell_runner(
        room, PlatformEvent(kind=kind, product_id=product.id, quantity=quantity, stock=stock)
    )
    return event


def studio_command(*, room: LiveRoom, command: StudioCommand) -> None:
    """Carry out a seller's command from the studio, or forward it to the room's runner.

    The socket checked the command's shape (``livestream.protocol.STUDIO_FRAMES``); this
    checks it against the room: the product is in the rundown, the question awaits approval.
    """
    if isinstance(command, PauseFrame | ResumeFrame):
        room_set_paused(room=room, paused=isinstance(command, PauseFrame))
        return
    message: RunnerMessage
    if isinstance(command, SwitchProductFrame):
        if not room.rundown.filter(product_id=command.product_id).exists():
            raise DomainError("That product is not in the rundown.", code="unknown_product")
        message = SwitchProduct(product_id=command.product_id)
    elif isinstance(command, SayFrame):
        text = command.text.strip()
        if not 0 < len(text) <= 500:
            raise DomainError("Say 1 to 500 characters.", code="invalid_text")
        message = SellerSay(text=text)
    else:
        question = ViewerQuestion.objects.filter(
            session__room=room, pk=command.question_id, status=QuestionStatus.AWAITING_APPROVAL
        ).first()
        if question is None:
            raise DomainError("No such question awaiting approval.", code="unknown_question")
        if isinstance(command, ApproveAnswerFrame):
            message = ApproveAnswer(question_id=question.pk, text=command.text[:500])
        else:
            message = DropAnswer(question_id=question.pk)
    _tell_runner(room, message)


# --- the runner's records ----------------------------------------------------------------------


def session_claim(*, room_id: int, runner_id: str) -> LiveSession | None:
    """Take the room's open session for this runner, if no live runner holds it.

    A conditional UPDATE is the lock: it succeeds for exactly one runner, on SQLite and
    PostgreSQL alike, and a crashed runner's lease lapses after ``LEASE_TIMEOUT``.
    """
    now = timezone.now()
    free = Q(runner_id="") | Q(runner_id=runner_id) | Q(heartbeat_at__lt=now - LEASE_TIMEOUT)
    claimed = LiveSession.objects.filter(
        free, room_id=room_id, ended_at__isnull=True, room__status__in=["live", "paused"]
    ).update(runner_id=runner_id, heartbeat_at=now)
    if not claimed:
        return None
    return LiveSession.objects.select_related("room", "room__store").get(
        room_id=room_id, ended_at__isnull=True
    )


def session_heartbeat(
    *,
    session_id: int,
    runner_id: str,
    engine_state: dict[str, Any],
    stats: dict[str, Any],
    current_product_id: int | None,
) -> bool:
    """Renew the lease and save the engine; False when this runner must stop."""
    with transaction.atomic():
        renewed = LiveSession.objects.filter(
            pk=session_id, runner_id=runner_id, ended_at__isnull=True
        ).update(heartbeat_at=timezone.now(), stats=stats, current_product_id=current_product_id)
        if renewed:
            LiveRoom.objects.filter(sessions__pk=session_id).update(engine_state=engine_state)
    return bool(renewed)


def session_release(*, session_id: int, runner_id: str) -> None:
    LiveSession.objects.filter(pk=session_id, runner_id=runner_id).update(runner_id="")


def utterance_record(
    *,
    session_id: int,
    runner_id: str,
    kind: str,
    text: str,
    product_id: int | None,
    reason: str = "",
    trigger: dict[str, Any] | None = None,
    engine_state: dict[str, Any] | None = None,
) -> HostUtterance | None:
    """Number and save one utterance; None when this runner lost the session.

    The sequence lives on the session row and is bumped in the same transaction as the
    insert, so a runner that takes over continues it and no number is used twice. The
    engine's state after choosing this line is saved with it: a runner that takes over
    between two heartbeats does not say the line again.
    """
    with transaction.atomic():
        bumped = LiveSession.objects.filter(
            pk=session_id, runner_id=runner_id, ended_at__isnull=True
        ).update(last_seq=F("last_seq") + 1)
        if not bumped:
            return None
        if engine_state is not None:
            LiveRoom.objects.filter(sessions__pk=session_id).update(engine_state=engine_state)
        seq = LiveSession.objects.values_list("last_seq", flat=True).get(pk=session_id)
        return HostUtterance.objects.create(
            session_id=session_id,
            seq=seq,
            kind=kind,
            text=text,
            product_id=product_id,
            reason=reason,
            trigger=trigger or {},
        )


def utterance_finish(
    *, utterance_id: int, audio: list[dict[str, Any]], latency: dict[str, float]
) -> None:
    HostUtterance.objects.filter(pk=utterance_id).update(audio=audio, latency=latency)


def events_write(*, session_id: int, events: Iterable[dict[str, Any]]) -> int:
    """Write a batch of viewer events in one statement."""
    rows = [
        EngagementEvent(
            session_id=session_id,
            kind=event["kind"],
            viewer_id=event.get("viewer_id", "")[:64],
            product_id=event.get("product_id"),
            text=event.get("text", "")[:500],
            count=event.get("count", 1),
            reason=event.get("reason", ""),
            at=event["at"],
        )
        for event in events
    ]
    EngagementEvent.objects.bulk_create(rows)
    return len(rows)


def question_record(
    *,
    session_id: int,
    viewer_id: str,
    text: str,
    product_id: int | None,
    status: str,
    draft_answer: str = "",
) -> ViewerQuestion:
    question = ViewerQuestion.objects.create(
        session_id=session_id,
        viewer_id=viewer_id[:64],
        text=text[:500],
        product_id=product_id,
        status=status,
        draft_answer=draft_answer,
    )
    room_id = LiveSession.objects.values_list("room_id", flat=True).get(pk=session_id)
    payload = {"type": "question", **question_payload(question)}
    broadcast_on_commit(studio_group(room_id), FeedMessage(payload).to_wire())
    return question


def question_resolve(*, question_id: int, status: str) -> ViewerQuestion | None:
    """Close a question awaiting approval; None when it was already closed."""
    updated = ViewerQuestion.objects.filter(
        pk=question_id, status=QuestionStatus.AWAITING_APPROVAL
    ).update(status=status, resolved_at=timezone.now())
    return ViewerQuestion.objects.get(pk=question_id) if updated else None


def audio_prune(*, session_id: int, older_than: timedelta) -> int:
    """Delete the audio files of utterances older than ``older_than``; keep the transcript.

    A 24/7 room speaks about 20 sentences a minute; without pruning its clips would fill a
    disk in weeks. Players fetch a clip within seconds of its announcement.
    """
    cutoff = timezone.now() - older_than
    stale = HostUtterance.objects.filter(session_id=session_id, created_at__lt=cutoff).exclude(
        audio=[]
    )
    pruned = 0
    for utterance in stale.only("pk", "audio")[:2000]:
        for clip in utterance.audio:
            name = str(clip.get("url", "")).removeprefix(settings.MEDIA_URL)
            if name and default_storage.exists(name):
                default_storage.delete(name)
                pruned += 1
        HostUtterance.objects.filter(pk=utterance.pk).update(audio=[])
    return pruned
