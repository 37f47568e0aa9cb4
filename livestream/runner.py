"""The host runner: one per live room, turning the engine's actions into a live feed.

It takes the room's session lease, rebuilds the engine from its saved state, and loops:
viewer comments and platform events in (moderated, queued), ``engine.step`` out, each
utterance recorded and sent as text at once, then its audio sentence by sentence as soon as
each is synthesized. Every second it renews the lease, saves the engine and writes the
batched viewer events. A runner that crashes is replaced by another that resumes the
engine state and continues the utterance sequence.

The runner is thin on purpose: decisions are the engine's, moderation is ``moderation.py``,
answers are ``host/answers.py``, persistence is ``services.py``. What arrives is parsed
once into a typed message (``host/messages.py``) and dispatched through ``_HANDLERS``; the
engine's actions go through ``_ACTIONS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer

from livestream import selectors, services
from livestream.host.engine import (
    Action,
    AddToCart,
    Comment,
    Event,
    HostEngine,
    Like,
    ProductFacts,
    Purchase,
    Question,
    StockChanged,
    numbers_in,
)
from livestream.host.messages import (
    ApproveAnswer,
    AudioClip,
    DropAnswer,
    FeedMessage,
    MessageError,
    Metrics,
    Notice,
    PlatformEvent,
    ProductShown,
    RollCall,
    RoomReload,
    RoomStop,
    RunnerMessage,
    RunnerRejoined,
    SellerSay,
    Stats,
    SwitchProduct,
    ViewerComment,
    ViewerJoin,
    ViewerLeave,
    ViewerLike,
    parse_runner_message,
)
from livestream.host.script import answer_numbers
from livestream.models import EventKind, LiveRoom, LiveSession, QuestionStatus, RoomStatus
from livestream.moderation import BoundedQueue, ModerationState, moderate
from livestream.protocol import (
    MAX_LIKES_PER_MESSAGE,
    feed_group,
    runner_group,
    studio_group,
    utterance_message,
)
from livestream.schedule import on_air_now
from locales import Locale, get_locale

logger = logging.getLogger(__name__)

BEAT_S = 1.0
IDLE_POLL_S = 1.0
STATS_INTERVAL_S = 0.25
FACTS_REFRESH_S = 10.0
MAX_EVENTS_PER_STEP = 20
LAYER_RETRY_S = 0.5  # while Redis is away, try again this often
AUDIO_PRUNE_EVERY_S = 600.0
AUDIO_KEEP = timedelta(hours=1)
SPOKEN_KINDS = ("say", "answer", "thank", "ack_purchase", "announce_deal")


class Voice(Protocol):
    """Speech for one room: a labelled WAV and its length for one sentence."""

    def sentences(self, text: str) -> list[str]: ...

    def render(self, sentence: str) -> tuple[bytes, float]: ...


@dataclass(frozen=True)
class Reply:
    text: str
    flag_for_team: bool
    product_id: int | None


class Answerer(Protocol):
    """Answers a viewer's question from catalog facts, or says it will ask the team."""

    def answer(
        self, question: str, *, product_id: int | None, facts: Mapping[int, ProductFacts]
    ) -> Reply: ...


class AudioStore(Protocol):
    def save(self, name: str, data: bytes) -> str: ...


@dataclass
class _Spoken:
    utterance_id: int
    seq: int
    text: str
    triggered_at: float
    is_answer: bool = False
    latency: dict[str, float] = field(default_factory=dict)


class HostRunner:
    """Runs one room's host for as long as the room is on air and this runner holds it."""

    def __init__(
        self,
        room_id: int,
        *,
        voice: Voice,
        answerer_factory: Callable[[LiveRoom, Mapping[int, ProductFacts]], Answerer],
        audio_store: AudioStore,
        clock: Callable[[], float] = time.time,
        runner_id: str | None = None,
        layer: BaseChannelLayer | None = None,
    ) -> None:
        self.room_id = room_id
        self.voice = voice
        self.answerer_factory = answerer_factory
        self.audio_store = audio_store
        self.clock = clock
        self.runner_id = runner_id or uuid.uuid4().hex
        self.layer = layer or get_channel_layer()
        self._inbox: asyncio.Queue[RunnerMessage] = asyncio.Queue()
        self._speech: asyncio.Queue[tuple[_Spoken, list[str]]] = asyncio.Queue()
        # Audio of utterances numbered below this is cut (a question interrupted them).
        self._cut_below = 0
        self._stopping = False
        self._sends_failing = False

    # -- lifecycle ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Wait for the room to go on air, run it, and wait again, until ``stop`` is set."""
        while not stop.is_set():
            session = await database_sync_to_async(services.session_claim)(
                room_id=self.room_id, runner_id=self.runner_id
            )
            if session is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_POLL_S)
                continue
            try:
                await self.run_session(session, stop)
            finally:
                await database_sync_to_async(services.session_release)(
                    session_id=session.pk, runner_id=self.runner_id
                )

    async def run_session(self, session: LiveSession, stop: asyncio.Event) -> None:
        channel = await self.layer.new_channel()
        group = runner_group(self.room_id)
        await self._join(group, channel)
        reader = asyncio.create_task(self._read(group, channel))
        speaker = asyncio.create_task(self._speak_audio())
        try:
            self._session = session
            await self._load(session)
            # Loading the embeddings takes seconds: off the shared database thread, so
            # viewers' sockets keep connecting meanwhile.
            self.answerer = await asyncio.to_thread(self.answerer_factory, self.room, self.facts)
            # Viewers already connected answer with `viewer.join`, so the count survives us.
            await self._to_feed(RollCall())
            await self._loop(stop)
        finally:
            reader.cancel()
            speaker.cancel()
            # Awaited, so a receive cut short releases the channel layer's locks now, not
            # whenever the loop gets round to it (channels_redis holds one while receiving).
            await asyncio.gather(reader, speaker, return_exceptions=True)
            with contextlib.suppress(Exception):  # Redis may be away; the group expires
                await self.layer.group_discard(group, channel)

    async def _join(self, group: str, channel: str) -> None:
        """Join the room's runner group, waiting for Redis while it is away."""
        for attempt in itertools.count():
            try:
                await self.layer.group_add(group, channel)
                return
            except Exception as error:
                if attempt == 0:
                    logger.warning("room %s: channel layer unreachable: %r", self.room_id, error)
                await asyncio.sleep(LAYER_RETRY_S)

    async def _read(self, group: str, channel: str) -> None:
        # Receiving in its own task keeps the main loop free to time out without cancelling
        # a channel-layer receive half-way, which could drop a message.
        while True:
            try:
                message = await self.layer.receive(channel)
            except Exception:
                # The layer lost Redis; a restarted one forgot this runner's membership.
                logger.warning("room %s: runner subscription broken; renewing", self.room_id)
                await asyncio.sleep(LAYER_RETRY_S)
                await self._join(group, channel)
                message = RunnerRejoined().to_wire()
            try:
                self._inbox.put_nowait(parse_runner_message(message))
            except MessageError as error:
                # Parsed here, once: a malformed message is dropped, never half-handled.
                logger.warning("room %s: runner message dropped: %s", self.room_id, error)

    @database_sync_to_async
    def _load(self, session: LiveSession) -> None:
        room = LiveRoom.objects.select_related("store").get(pk=self.room_id)
        self.room = room
        self.locale = get_locale(room.locale)
        entries = selectors.rundown_entries(room)
        self.rundown = selectors.rundown_items(entries)
        self.facts = selectors.product_facts(room, [item.product_id for item in self.rundown])
        policy = selectors.room_policy(room)
        if room.engine_state:
            try:
                self.engine = HostEngine.from_state(
                    room.engine_state, self.rundown, policy, self.facts
                )
            except (ValueError, KeyError, TypeError):
                logger.exception("room %s: saved host state unusable; starting afresh", room.pk)
                room.engine_state = None
        if not room.engine_state:
            self.engine = HostEngine(
                self.rundown, policy, self.facts, seed=room.seed or room.pk, locale=self.locale
            )
        self.moderation = ModerationState(banned_topics=tuple(policy.banned_topics))
        self.queue: BoundedQueue[Event] = BoundedQueue(capacity=50)
        self._in_window = on_air_now(room.schedule, datetime.fromtimestamp(self.clock(), UTC))
        self.paused = room.status == RoomStatus.PAUSED or not self._in_window
        self.stats: dict[str, Any] = {"likes": 0, "comments": 0, "questions": 0, "refused": 0}
        self.stats.update({k: v for k, v in session.stats.items() if isinstance(v, int)})
        self.viewers: set[str] = set()
        self.pending_events: list[dict[str, Any]] = []
        self.last_product_id = session.current_product_id
        self._stats_dirty = True
        self._last_stats_at = 0.0
        self._facts_at = self.clock()
        self._beat_at = 0.0
        self._pruned_at = self.clock()
        self._on_air = True

    # -- the loop ------------------------------------------------------------------------------

    async def _loop(self, stop: asyncio.Event) -> None:
        while self._on_air and not stop.is_set():
            try:
                message = await asyncio.wait_for(self._inbox.get(), STATS_INTERVAL_S)
            except TimeoutError:
                message = None
            now = self.clock()
            if message is not None:
                await self._handle(message, now)
            if not self.paused:
                events: list[Event] = []
                while len(events) < MAX_EVENTS_PER_STEP:
                    event = self.queue.pop(now)
                    if event is None:
                        break
                    events.append(event)
                actions = self.engine.step(now, events)
                asked = any(isinstance(event, Question) for event in events)
                if asked and self.engine.interrupt_for_question(now):
                    self._cut_below = self._session.last_seq + 1
                    actions += self.engine.step(now)
                for action in actions:
                    await self._perform(action, now)
            if now - self._last_stats_at >= STATS_INTERVAL_S and self._stats_dirty:
                await self._send_stats(now)
            if now - self._beat_at >= BEAT_S:
                await self._beat(now)

    async def _handle(self, message: RunnerMessage, now: float) -> None:
        await _HANDLERS[type(message)](self, message, now)

    async def _on_comment(self, message: ViewerComment, now: float) -> None:
        viewer_id, text = message.viewer_id, message.text
        verdict = moderate(
            text, locale=self.room.locale, viewer_id=viewer_id, now=now, state=self.moderation
        )
        self._stats_dirty = True  # questions, comments or refusals: the studio's counters move
        if not verdict.allowed:
            self.stats["refused"] += 1
            self._record(EventKind.REFUSED, viewer_id=viewer_id, text=text, reason=verdict.reason)
            if message.reply_channel:
                refusal = FeedMessage(_refusal(verdict.reason, self.locale).to_wire())
                await self._publish(self.layer.send(message.reply_channel, refusal.to_wire()))
            return
        cleaned = verdict.cleaned_text
        if verdict.is_question:
            self.stats["questions"] += 1
            self.queue.push(Question(viewer_id, cleaned, now), is_question=True, at=now)
            self._record(EventKind.QUESTION, viewer_id=viewer_id, text=cleaned)
        else:
            self.stats["comments"] += 1
            self.queue.push(Comment(viewer_id, cleaned, now), is_question=False, at=now)
            self._record(EventKind.COMMENT, viewer_id=viewer_id, text=cleaned)

    async def _on_like(self, message: ViewerLike, now: float) -> None:
        count = min(message.count, MAX_LIKES_PER_MESSAGE)
        self.queue.push(Like(message.viewer_id, count, now), is_question=False, at=now)
        self.stats["likes"] += count
        self._stats_dirty = True
        self._record(EventKind.LIKE, viewer_id=message.viewer_id, count=count)

    async def _on_join(self, message: ViewerJoin, now: float) -> None:
        self.viewers.add(message.channel)
        self._stats_dirty = True

    async def _on_leave(self, message: ViewerLeave, now: float) -> None:
        self.viewers.discard(message.channel)
        self._stats_dirty = True

    async def _on_stop(self, message: RoomStop, now: float) -> None:
        self._on_air = False

    async def _on_reload(self, message: RoomReload, now: float) -> None:
        await self._reload_status()

    async def _on_rejoined(self, message: RunnerRejoined, now: float) -> None:
        # Joins and leaves sent while Redis was away are lost: count viewers afresh.
        self.viewers.clear()
        self._stats_dirty = True
        await self._to_feed(RollCall())

    async def _on_platform_event(self, message: PlatformEvent, now: float) -> None:
        product_id = message.product_id
        if message.kind == EventKind.PURCHASE:
            event: Event = Purchase(product_id, message.quantity or 1, now)
            self.stats["purchases"] = self.stats.get("purchases", 0) + 1
        elif message.kind == EventKind.ADD_TO_CART:
            event = AddToCart(product_id, now)
            self.stats["carts"] = self.stats.get("carts", 0) + 1
        else:
            event = StockChanged(product_id, message.stock or 0, now)
            await self._refresh_facts(now)
        for action in self.engine.step(now, [event]):
            await self._perform(action, now)

    async def _on_switch_product(self, message: SwitchProduct, now: float) -> None:
        for action in self.engine.switch_to(message.product_id, now):
            await self._perform(action, now)

    async def _on_seller_say(self, message: SellerSay, now: float) -> None:
        text = message.text
        if not self._numbers_grounded(text, self.engine.current_product_id):
            notice = Notice("refused", "That line states a number the catalog does not hold.")
            await self._to_studio(notice.to_wire())
            return
        self.engine.hold(now, self.locale.speaking_seconds(text))
        await self._say(
            text, kind="studio", product_id=self.engine.current_product_id, reason="seller", now=now
        )

    async def _on_approve_answer(self, message: ApproveAnswer, now: float) -> None:
        question = await database_sync_to_async(services.question_resolve)(
            question_id=message.question_id, status=QuestionStatus.ANSWERED
        )
        if question is None:
            return
        text = message.text or question.draft_answer
        if not self._numbers_grounded(text, question.product_id):
            return
        self.engine.hold(now, self.locale.speaking_seconds(text), answering=True)
        await self._say(
            text, kind="answer", product_id=question.product_id, reason="approved_answer",
            now=now, trigger={"viewer_ids": [question.viewer_id], "question": question.text},
        )  # fmt: skip

    async def _on_drop_answer(self, message: DropAnswer, now: float) -> None:
        await database_sync_to_async(services.question_resolve)(
            question_id=message.question_id, status=QuestionStatus.DROPPED
        )

    # -- actions ------------------------------------------------------------------------------

    async def _perform(self, action: Action, now: float) -> None:
        perform = _ACTIONS.get(action.kind)
        if perform is not None:
            await perform(self, action, now)

    async def _perform_switch(self, action: Action, now: float) -> None:
        await self._show_product(action.product_id)

    async def _perform_flag(self, action: Action, now: float) -> None:
        # The host could not get to it in time: it waits for the team in the studio.
        await database_sync_to_async(services.question_record)(
            session_id=self._session.pk,
            viewer_id=action.viewer_ids[0] if action.viewer_ids else "",
            text=action.text,
            product_id=self.engine.current_product_id,
            status=QuestionStatus.FLAGGED,
        )

    async def _perform_speech(self, action: Action, now: float) -> None:
        if not action.text:
            return
        await self._say(
            action.text,
            kind=action.kind,
            product_id=action.product_id or self.engine.current_product_id,
            reason=action.reason,
            now=now,
            trigger={"viewer_ids": list(action.viewer_ids)},
        )

    async def _answer(self, action: Action, now: float) -> None:
        started = time.perf_counter()
        reply = await asyncio.to_thread(
            self.answerer.answer, action.text, product_id=action.product_id, facts=self.facts
        )
        answer_s = time.perf_counter() - started
        asker = action.viewer_ids[0] if action.viewer_ids else ""
        if reply.flag_for_team or action.needs_approval:
            await database_sync_to_async(services.question_record)(
                session_id=self._session.pk,
                viewer_id=asker,
                text=action.text,
                product_id=reply.product_id,
                status=QuestionStatus.FLAGGED
                if reply.flag_for_team
                else QuestionStatus.AWAITING_APPROVAL,
                draft_answer="" if reply.flag_for_team else reply.text,
            )
            if action.needs_approval and not reply.flag_for_team:
                return  # the seller approves or drops it in the studio
        self.engine.hold(self.clock(), self.locale.speaking_seconds(reply.text), answering=True)
        await self._say(
            reply.text, kind="answer", product_id=reply.product_id, reason="viewer_question",
            now=now, trigger={"viewer_ids": list(action.viewer_ids), "question": action.text},
            latency={"answer_s": round(answer_s, 4)},
        )  # fmt: skip

    async def _say(
        self,
        text: str,
        *,
        kind: str,
        product_id: int | None,
        reason: str,
        now: float,
        trigger: dict[str, Any] | None = None,
        latency: dict[str, float] | None = None,
    ) -> None:
        utterance = await database_sync_to_async(services.utterance_record)(
            session_id=self._session.pk,
            runner_id=self.runner_id,
            kind=kind,
            text=text,
            product_id=product_id,
            reason=reason,
            trigger=trigger,
            engine_state=self.engine.to_state(),
        )
        if utterance is None:  # another runner took the room, or it was stopped
            self._on_air = False
            return
        self._session.last_seq = utterance.seq
        await self._to_feed(FeedMessage(utterance_message(utterance)))
        spoken = _Spoken(
            utterance.pk, utterance.seq, text, now, kind == "answer", dict(latency or {})
        )
        spoken.latency["first_text_s"] = round(self.clock() - now, 4)
        self._speech.put_nowait((spoken, self.voice.sentences(text)))

    async def _speak_audio(self) -> None:
        """Synthesize queued utterances one sentence at a time, in order."""
        while True:
            spoken, sentences = await self._speech.get()
            clips: list[dict[str, Any]] = []
            offset = 0.0
            for index, sentence in enumerate(sentences):
                if spoken.seq < self._cut_below:
                    break  # a question cut this line short
                wav, duration = await asyncio.to_thread(self.voice.render, sentence)
                name = f"live/{self.room_id}/{self._session.pk}/{spoken.seq}-{index}.wav"
                url = await asyncio.to_thread(self.audio_store.save, name, wav)
                clip = AudioClip(
                    utterance_id=spoken.utterance_id,
                    seq=spoken.seq,
                    index=index,
                    url=url,
                    text=sentence,
                    start_s=round(offset, 3),
                    duration_s=round(duration, 3),
                    last=index == len(sentences) - 1,
                )
                await self._to_feed(FeedMessage(clip.to_wire()))
                if index == 0:
                    first_heard_at = self.clock()
                    spoken.latency["first_audio_s"] = round(first_heard_at - spoken.triggered_at, 4)
                clips.append(
                    {
                        "url": url,
                        "text": sentence,
                        "start_s": clip.start_s,
                        "duration_s": clip.duration_s,
                    }
                )
                offset += duration
            spoken.latency["audio_total_s"] = round(self.clock() - spoken.triggered_at, 4)
            if spoken.is_answer and clips:
                # The engine held the floor for an estimate of the answer's length; the voice
                # is usually quicker. Holding for what viewers really hear lets the next
                # question in as soon as the answer ends.
                self.engine.hold(first_heard_at, offset, answering=True)
            await database_sync_to_async(services.utterance_finish)(
                utterance_id=spoken.utterance_id, audio=clips, latency=spoken.latency
            )

    async def _show_product(self, product_id: int | None) -> None:
        card = await database_sync_to_async(_card)(self.room, product_id)
        self.last_product_id = product_id
        await self._to_feed(FeedMessage(ProductShown(card).to_wire()))

    # -- the beat -------------------------------------------------------------------------------

    async def _beat(self, now: float) -> None:
        self._beat_at = now
        events, self.pending_events = self.pending_events, []
        alive = await database_sync_to_async(_save_beat)(
            session_id=self._session.pk,
            runner_id=self.runner_id,
            engine_state=self.engine.to_state(),
            stats={
                **self.stats,
                "viewers_peak": max(self.stats.get("viewers_peak", 0), len(self.viewers)),
            },
            current_product_id=self.engine.current_product_id,
            events=events,
        )
        if not alive:
            self._on_air = False
            return
        await self._reload_status()
        if now - self._facts_at >= FACTS_REFRESH_S:
            await self._refresh_facts(now)
        if now - self._pruned_at >= AUDIO_PRUNE_EVERY_S:
            self._pruned_at = now
            await database_sync_to_async(services.audio_prune)(
                session_id=self._session.pk, older_than=AUDIO_KEEP
            )

    async def _reload_status(self) -> None:
        status, schedule = await database_sync_to_async(_room_status)(self.room_id)
        if status == RoomStatus.OFF_AIR:
            self._on_air = False
        in_window = on_air_now(schedule, datetime.fromtimestamp(self.clock(), UTC))
        if in_window != self._in_window:
            self._in_window = in_window
            code, text = (
                ("on_schedule", "We're live again!")
                if in_window
                else (
                    "off_schedule",
                    "The host is resting now; see the schedule for the next show.",
                )
            )
            await self._to_feed(FeedMessage(Notice(code, text).to_wire()))
        self.paused = status == RoomStatus.PAUSED or not in_window

    async def _refresh_facts(self, now: float) -> None:
        self._facts_at = now
        before = self.facts.get(self.engine.current_product_id or -1)
        self.facts = await database_sync_to_async(selectors.product_facts)(
            self.room, [item.product_id for item in self.rundown]
        )
        self.engine.update_facts(self.facts)
        current = self.engine.current_product_id
        if current is not None and self.facts.get(current) != before:
            await self._show_product(current)

    async def _send_stats(self, now: float) -> None:
        self._last_stats_at = now
        self._stats_dirty = False
        self.stats["viewers_peak"] = max(self.stats.get("viewers_peak", 0), len(self.viewers))
        stats = Stats(viewers=len(self.viewers), likes=self.stats["likes"])
        await self._to_feed(FeedMessage(stats.to_wire()))
        await self._to_studio(Metrics(self.stats, viewers=len(self.viewers)).to_wire())

    # -- helpers ---------------------------------------------------------------------------------

    def _record(self, kind: str, **fields: Any) -> None:
        self.pending_events.append({"kind": kind, "at": datetime.now(UTC), **fields})

    def _numbers_grounded(self, text: str, product_id: int | None) -> bool:
        facts = self.facts.get(product_id) if product_id is not None else None
        allowed = answer_numbers(facts, facts.title if facts else "")
        return numbers_in(text) <= allowed

    async def _to_feed(self, message: FeedMessage | RollCall) -> None:
        await self._publish(self.layer.group_send(feed_group(self.room_id), message.to_wire()))

    async def _to_studio(self, message: Mapping[str, Any]) -> None:
        wire = FeedMessage(message).to_wire()
        await self._publish(self.layer.group_send(studio_group(self.room_id), wire))

    async def _publish(self, sending: Awaitable[None]) -> None:
        """Send, but never stop the show for a lost message: while Redis is away the host goes
        on (the transcript is in the database) and viewers resync from a `hello` after."""
        try:
            await sending
        except Exception as error:
            if not self._sends_failing:  # once per outage, not once per message
                logger.warning("room %s: live messages are not sent: %r", self.room_id, error)
            self._sends_failing = True
        else:
            self._sends_failing = False


def _refusal(reason: str, locale: Locale) -> Notice:
    phrases = locale.phrases("host")
    lines = phrases.get(f"refusal_{reason}") or phrases["refusal"]
    return Notice(f"comment_{reason}", lines[0])


# The runner's dispatch: one handler per message class, one per action kind.
_Handler = Callable[[HostRunner, Any, float], Awaitable[None]]
_HANDLERS: dict[type[RunnerMessage], _Handler] = {
    ViewerComment: HostRunner._on_comment,
    ViewerLike: HostRunner._on_like,
    ViewerJoin: HostRunner._on_join,
    ViewerLeave: HostRunner._on_leave,
    PlatformEvent: HostRunner._on_platform_event,
    SwitchProduct: HostRunner._on_switch_product,
    SellerSay: HostRunner._on_seller_say,
    ApproveAnswer: HostRunner._on_approve_answer,
    DropAnswer: HostRunner._on_drop_answer,
    RoomStop: HostRunner._on_stop,
    RoomReload: HostRunner._on_reload,
    RunnerRejoined: HostRunner._on_rejoined,
}
_ACTIONS: dict[str, _Handler] = {
    "switch_product": HostRunner._perform_switch,
    "answer_request": HostRunner._answer,
    "flag_question": HostRunner._perform_flag,
    **dict.fromkeys(SPOKEN_KINDS, HostRunner._perform_speech),
}


def _card(room: LiveRoom, product_id: int | None) -> dict[str, Any] | None:
    return selectors.product_card_for(room, product_id)


def _room_status(room_id: int) -> tuple[str, list[dict[str, Any]]]:
    status, schedule = LiveRoom.objects.values_list("status", "schedule").get(pk=room_id)
    return str(status), list(schedule or [])


def _save_beat(
    *, session_id: int, runner_id: str, events: list[dict[str, Any]], **beat: Any
) -> bool:
    alive = services.session_heartbeat(session_id=session_id, runner_id=runner_id, **beat)
    if alive and events:
        services.events_write(session_id=session_id, events=events)
    return alive
