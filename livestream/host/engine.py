"""The live room's host: a pure, deterministic state machine from clock and events to actions.

The Django runner calls `HostEngine.step(now, events)` about twice a second and turns the
returned actions into speech, product cards and moderation of the answer path. The engine
never invents facts: every number it says comes from `ProductFacts` or from events it has
counted this session, and answers to questions are requested from the caller (retrieval and
a grounded text model live outside) rather than made up here.

Plain Python, no Django. What the host says is ``script``'s, which product comes next is
``bandit``'s, and what it remembers (and saves) is ``state``'s; this module keeps the clock:
which of those comes first at each step.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from livestream.host import bandit
from livestream.host.identity import asks_about_host
from livestream.host.names import ProductNames
from livestream.host.script import (
    CALL_TO_ACTION,
    LOW_STOCK_THRESHOLD,
    SEGMENTS,
    Script,
    fact_numbers,
    mentions_banned,
    numbers_in,
)
from livestream.host.state import (
    STATE_VERSION,
    Action,
    ActionKind,
    AddToCart,
    Comment,
    Event,
    Gift,
    Like,
    Memory,
    Policy,
    ProductFacts,
    ProductStats,
    Purchase,
    Question,
    RundownItem,
    StockChanged,
    check_version,
    dump,
    load,
)
from locales import DEFAULT_LOCALE, Locale, get_locale

# The engine's public face: its inputs and outputs live in ``state``, its lines in ``script``.
__all__ = [
    "LOW_STOCK_THRESHOLD",
    "STATE_VERSION",
    "Action",
    "AddToCart",
    "Comment",
    "Event",
    "Gift",
    "HostEngine",
    "Like",
    "Policy",
    "ProductFacts",
    "ProductNames",
    "ProductStats",
    "Purchase",
    "Question",
    "RundownItem",
    "StockChanged",
    "fact_numbers",
    "numbers_in",
]

SENTENCE_GAP_S = 0.3
# Time held for an answer the runner fetches and speaks outside the engine.
ANSWER_RESERVE_S = 8.0
THANK_WINDOW_S = 30.0
# Likes and gifts are gathered this long before thanking, so one thanks covers a burst.
THANK_GATHER_S = 10.0
MAX_THANKED_NAMES = 3
# Purchases arriving faster than this are thanked together, so a flash sale does not
# drown the pitch in thank-yous.
ACK_PURCHASE_INTERVAL_S = 15.0
CHATTER_ACK_INTERVAL_S = 120.0
CHATTER_ACK_MIN_COMMENTS = 3
DISCLOSURE_INTERVAL_S = 900.0
IDLE_GAP_S = 12.0
MAX_PAUSE_S = 60.0
QUESTION_MAX_AGE_S = 120.0
MAX_PENDING_QUESTIONS = 10
MAX_TRACKED_THANKS = 50


def _flag(question: Mapping[str, Any], reason: str) -> Action:
    """A question the host will not get to: the seller's team answers it instead."""
    return Action(
        kind="flag_question",
        text=str(question["text"]),
        reason=reason,
        viewer_ids=(str(question["viewer_id"]),),
    )


class HostEngine:
    """The synthetic host of one live room."""

    def __init__(
        self,
        rundown: Sequence[RundownItem],
        policy: Policy,
        facts_by_product: Mapping[int, ProductFacts],
        seed: int,
        *,
        locale: Locale | None = None,
    ) -> None:
        self.locale = locale if locale is not None else get_locale(DEFAULT_LOCALE)
        self.rundown = list(rundown)
        self.policy = policy
        self.facts = dict(facts_by_product)
        self._items = {item.product_id: item for item in self.rundown}
        self._names = ProductNames(self.rundown)
        self._rng = random.Random(seed)  # noqa: S311 - reproducible choices, not security
        self._script = Script(self.locale, self._rng, policy)
        self._m = Memory()
        for item in self.rundown:
            facts = self.facts.get(item.product_id)
            stock = facts.stock if facts is not None else None
            self._m.stock[item.product_id] = stock
            if not item.in_stock or stock == 0:
                self._m.out_of_stock.append(item.product_id)

    # -- persistence --------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """JSON-serializable state; `from_state` with it continues exactly where this left off.

        The locale is saved as its code and found again through the registry."""
        return dump(self._m, self._rng, locale_code=self.locale.code)

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        rundown: Sequence[RundownItem],
        policy: Policy,
        facts_by_product: Mapping[int, ProductFacts],
    ) -> HostEngine:
        """Rebuild an engine saved by `to_state`, with the room's current rundown and policy."""
        check_version(state)
        engine = cls(rundown, policy, facts_by_product, seed=0, locale=get_locale(state["locale"]))
        fresh = engine._m
        engine._m = load(state, engine._rng)
        engine._adopt_rundown(fresh)
        return engine

    def _adopt_rundown(self, fresh: Memory) -> None:
        """Reconcile saved state with a rundown the seller edited while the room was down."""
        m = self._m
        for pid, stock in fresh.stock.items():
            if pid not in m.stock:
                m.stock[pid] = stock
                if pid in fresh.out_of_stock:
                    m.out_of_stock.append(pid)
        if m.current is not None and m.current not in self._items:
            # The product on air was removed: the next step picks another one.
            m.current = None
            m.pending_lines = []
            m.product_done = False

    # -- the clock ----------------------------------------------------------------------------

    @property
    def current_product_id(self) -> int | None:
        return self._m.current

    def product_stats(self) -> dict[int, ProductStats]:
        """What the bandit has learned per rundown product, for dashboards and tests."""
        m = self._m
        return {
            item.product_id: ProductStats(
                airtime_s=m.airtime_s.get(item.product_id, 0.0),
                reward=m.reward.get(item.product_id, 0.0),
                sold=m.sold.get(item.product_id, 0),
                added_to_cart=m.carted.get(item.product_id, 0),
                pitches=m.pitches.get(item.product_id, 0),
                in_stock=item.product_id not in m.out_of_stock,
            )
            for item in self.rundown
        }

    def step(self, now: float, events: Sequence[Event] = ()) -> list[Action]:
        """Take in the events since the last step and return what to do at `now`."""
        if not events and now < self._m.speech_until:
            return []  # the fast path: still speaking and nothing new happened
        actions: list[Action] = []
        for event in events:
            self._absorb(event, now, actions)
        if now >= self._m.speech_until:
            self._speak_next(now, actions)
        return actions

    # -- the runner's and the seller's controls ----------------------------------------------

    def update_facts(self, facts_by_product: Mapping[int, ProductFacts]) -> None:
        """Take catalog facts read again, so prices and stock said are never stale."""
        self.facts.update(facts_by_product)

    def hold(self, now: float, seconds: float, *, answering: bool = False) -> None:
        """Keep the floor for speech the runner produced itself (an answer, a seller's line)."""
        self._m.speech_until = now + max(0.0, seconds) + SENTENCE_GAP_S
        if answering:
            self._m.answering_until = self._m.speech_until

    def interrupt_for_question(self, now: float) -> bool:
        """Cut the line being said short when a question waits, unless it is an answer.

        Viewers expect a reply within a second; finishing a pitch line first costs up to
        several. The runner stops the cut line's remaining audio when this returns True.
        """
        m = self._m
        if not m.questions or now >= m.speech_until or now < m.answering_until:
            return False
        m.speech_until = now
        return True

    def switch_to(self, product_id: int, now: float) -> list[Action]:
        """Put a rundown product on air now, at the seller's request."""
        if product_id not in self._items or product_id in self._m.out_of_stock:
            return []
        actions: list[Action] = []
        self._switch(product_id, now, actions, reason="seller")
        self._m.speech_until = now
        return actions

    # -- events -------------------------------------------------------------------------------

    def _absorb(self, event: Event, now: float, actions: list[Action]) -> None:
        m = self._m
        if isinstance(event, Question):
            if mentions_banned(event.text, self.policy.banned_topics):
                return
            self._credit(m.current, bandit.REWARD_QUESTION)
            m.questions.append({"viewer_id": event.viewer_id, "text": event.text, "at": now})
            for dropped in m.questions[:-MAX_PENDING_QUESTIONS]:
                actions.append(_flag(dropped, "overflow"))
            del m.questions[:-MAX_PENDING_QUESTIONS]
        elif isinstance(event, Comment):
            self._credit(m.current, bandit.REWARD_COMMENT)
            m.comments_since_ack += 1
        elif isinstance(event, Like):
            self._credit(m.current, bandit.like_reward(event.count))
            self._note_thanks(event.viewer_id, float(max(0, event.count)), now)
        elif isinstance(event, Gift):
            self._credit(m.current, bandit.REWARD_GIFT)
            # A gift outweighs any number of likes when choosing whom to name.
            self._note_thanks(event.viewer_id, 1000.0 + max(0.0, event.value), now)
        elif isinstance(event, AddToCart):
            if event.product_id in self._items:
                self._credit(event.product_id, bandit.REWARD_ADD_TO_CART)
                m.carted[event.product_id] = m.carted.get(event.product_id, 0) + 1
        elif isinstance(event, Purchase):
            self._absorb_purchase(event, now, actions)
        elif isinstance(event, StockChanged):
            self._set_stock(event.product_id, max(0, event.stock), now, actions)

    def _absorb_purchase(self, event: Purchase, now: float, actions: list[Action]) -> None:
        m = self._m
        if event.product_id not in self._items or event.quantity <= 0:
            return
        pid = event.product_id
        self._credit(pid, bandit.REWARD_PURCHASE * event.quantity)
        m.sold[pid] = m.sold.get(pid, 0) + event.quantity
        m.purchase_acks[pid] = m.purchase_acks.get(pid, 0) + event.quantity
        stock = m.stock.get(pid)
        if stock is not None:
            self._set_stock(pid, max(0, stock - event.quantity), now, actions)

    def _set_stock(self, pid: int, stock: int, now: float, actions: list[Action]) -> None:
        m = self._m
        if pid not in self._items:
            return
        m.stock[pid] = stock
        if stock > 0:
            if pid in m.out_of_stock:
                m.out_of_stock.remove(pid)
            return
        if pid not in m.out_of_stock:
            m.out_of_stock.append(pid)
        if m.current == pid:
            # Sold out mid-pitch: cut the sentence short and move on without mentioning it.
            m.speech_until = now
            self._switch(self._choose_next(exclude=pid), now, actions, reason="out_of_stock")

    def _credit(self, pid: int | None, reward: float) -> None:
        if pid is not None:
            self._m.reward[pid] = self._m.reward.get(pid, 0.0) + reward

    def _note_thanks(self, viewer_id: str, weight: float, now: float) -> None:
        thanks = self._m.thanks
        if self._m.thanks_since is None:
            self._m.thanks_since = now
        thanks[viewer_id] = thanks.get(viewer_id, 0.0) + weight
        if len(thanks) > MAX_TRACKED_THANKS:
            # Keep the state flat: forget the smallest contributor, remember that there are more.
            smallest = min(thanks, key=lambda viewer: thanks[viewer])
            del thanks[smallest]
            self._m.thanks_overflow = True

    # -- speech ---------------------------------------------------------------------------------

    def _speak_next(self, now: float, actions: list[Action]) -> None:
        """Say at most one thing, the most important first."""
        m = self._m
        if not m.started:
            m.started = True
            m.last_disclosure_at = now
            self._say(now, actions, self._template("disclosure"), reason="disclosure")
            return
        if self._answer_question(now, actions):
            return
        if m.purchase_acks and (
            m.last_purchase_ack_at is None
            or now - m.last_purchase_ack_at >= ACK_PURCHASE_INTERVAL_S
        ):
            self._ack_purchase(now, actions)
            return
        if self._thanks_due(now):
            self._thank(now, actions)
            return
        if now - m.last_disclosure_at >= DISCLOSURE_INTERVAL_S:
            m.last_disclosure_at = now
            self._say(now, actions, self._template("disclosure_reminder"), reason="disclosure")
            return
        if (
            m.comments_since_ack >= CHATTER_ACK_MIN_COMMENTS
            and now - m.last_chatter_ack_at >= CHATTER_ACK_INTERVAL_S
        ):
            line = self._fresh_line("chatter", now)
            m.last_chatter_ack_at = now
            m.comments_since_ack = 0
            if line is not None:
                self._say(now, actions, line, reason="chatter")
                return
        if self._pitch(now, actions):
            return
        self._idle(now, actions)

    def _say(
        self,
        now: float,
        actions: list[Action],
        text: str,
        *,
        reason: str,
        kind: ActionKind = "say",
        product_id: int | None = None,
        viewer_ids: tuple[str, ...] = (),
    ) -> None:
        duration = round(self.locale.speaking_seconds(text), 3)
        self._m.speech_until = now + duration + SENTENCE_GAP_S
        actions.append(
            Action(
                kind=kind,
                text=text,
                product_id=product_id,
                reason=reason,
                viewer_ids=viewer_ids,
                duration_s=duration,
            )
        )

    def _template(self, key: str, **values: str) -> str:
        return self._script.line(key, **values)

    def _fresh_line(self, key: str, now: float) -> str | None:
        return self._script.fresh_line(key, now, self._m.line_said_at)

    # -- questions ------------------------------------------------------------------------------

    def _answer_question(self, now: float, actions: list[Action]) -> bool:
        m = self._m
        for stale in m.questions:
            if now - stale["at"] > QUESTION_MAX_AGE_S:
                actions.append(_flag(stale, "expired"))
        m.questions = [q for q in m.questions if now - q["at"] <= QUESTION_MAX_AGE_S]
        if not m.questions:
            return False
        question = m.questions.pop(0)
        asker = (str(question["viewer_id"]),)
        named = self._match_product(question["text"])
        if named is not None and named in m.out_of_stock:
            self._say(
                now, actions, self._template("answer_sold_out"), kind="answer",
                reason="sold_out", viewer_ids=asker,
            )  # fmt: skip
            return True
        if named is not None and named != m.current:
            self._switch(named, now, actions, reason="viewer_question")
        if m.current is None and not asks_about_host(question["text"]):
            self._say(
                now, actions, self._template("answer_no_context"), kind="answer",
                reason="no_product_context", viewer_ids=asker,
            )  # fmt: skip
            return True
        needs_approval = self.policy.answers_need_approval
        actions.append(
            Action(
                kind="answer_request",
                text=str(question["text"]),
                product_id=m.current,
                reason="viewer_question",
                viewer_ids=asker,
                duration_s=0.0 if needs_approval else ANSWER_RESERVE_S,
                needs_approval=needs_approval,
            )
        )
        if not needs_approval:
            m.speech_until = now + ANSWER_RESERVE_S
            m.answering_until = m.speech_until
        return True

    def _match_product(self, text: str) -> int | None:
        return self._names.match(text, self._m.current)

    # -- thanks and purchases -----------------------------------------------------------------

    def _thanks_due(self, now: float) -> bool:
        m = self._m
        return (
            m.thanks_since is not None
            and now - m.thanks_since >= THANK_GATHER_S
            and now - m.last_thanks_at >= THANK_WINDOW_S
        )

    def _thank(self, now: float, actions: list[Action]) -> None:
        m = self._m
        ranked = sorted(m.thanks, key=lambda viewer: -m.thanks[viewer])  # stable: first seen wins
        named = tuple(ranked[:MAX_THANKED_NAMES])
        more = m.thanks_overflow or len(ranked) > MAX_THANKED_NAMES
        text = self._script.thanks(named, more=more)
        m.thanks = {}
        m.thanks_overflow = False
        m.thanks_since = None
        m.last_thanks_at = now
        self._say(now, actions, text, kind="thank", reason="engagement", viewer_ids=named)

    def _ack_purchase(self, now: float, actions: list[Action]) -> None:
        m = self._m
        pid = next(iter(m.purchase_acks))
        del m.purchase_acks[pid]
        m.last_purchase_ack_at = now
        if pid in m.out_of_stock:
            # Thank the buyer without naming a product that is no longer on offer.
            text = self._template("ack_purchase_untitled")
        else:
            text = self._template("ack_purchase", title=self._title(pid))
        self._say(now, actions, text, kind="ack_purchase", reason="purchase", product_id=pid)

    # -- the pitch ------------------------------------------------------------------------------

    def _eligible(self) -> list[int]:
        return [
            item.product_id for item in self.rundown if item.product_id not in self._m.out_of_stock
        ]

    def _choose_next(self, exclude: int | None) -> int | None:
        m = self._m
        return bandit.choose_next(
            self._eligible(),
            exclude=exclude,
            pitches=m.pitches,
            reward=m.reward,
            airtime_s=m.airtime_s,
            rng=self._rng,
        )

    def _flush_airtime(self, now: float) -> None:
        m = self._m
        if m.current is not None and now > m.airtime_mark:
            m.airtime_s[m.current] = m.airtime_s.get(m.current, 0.0) + (now - m.airtime_mark)
        m.airtime_mark = now

    def _switch(self, pid: int | None, now: float, actions: list[Action], *, reason: str) -> None:
        m = self._m
        self._flush_airtime(now)
        m.current = pid
        m.product_started_at = now
        m.product_done = False
        m.segment_index = 0
        m.pending_lines = []
        actions.append(Action(kind="switch_product", product_id=pid, reason=reason))
        if pid is not None:
            m.pitches[pid] = m.pitches.get(pid, 0) + 1
            m.pending_lines = self._segment_lines(pid, SEGMENTS[0])

    def _pitch(self, now: float, actions: list[Action]) -> bool:
        m = self._m
        if m.current is None or m.product_done:
            previous = m.current
            nxt = self._choose_next(exclude=previous)
            if nxt is None:
                if previous is not None:
                    self._switch(None, now, actions, reason="nothing_in_stock")
                return False
            # "rundown" while working through unseen products in order, then the bandit's pick.
            reason = "rundown" if m.pitches.get(nxt, 0) == 0 else "bandit"
            self._switch(nxt, now, actions, reason=reason)
        assert m.current is not None
        item = self._items[m.current]
        over_budget = now - m.product_started_at >= item.time_budget_s
        if over_budget and m.segment_index < CALL_TO_ACTION:
            m.segment_index = CALL_TO_ACTION
            m.pending_lines = self._segment_lines(m.current, SEGMENTS[CALL_TO_ACTION])
        while not m.pending_lines:
            if m.segment_index >= CALL_TO_ACTION:
                m.product_done = True
                # Between products, a short line for the room if one is fresh.
                line = self._fresh_line("idle", now)
                if line is not None:
                    self._say(now, actions, line, reason="idle")
                    return True
                return self._pitch(now, actions)
            m.segment_index += 1
            m.pending_lines = self._segment_lines(m.current, SEGMENTS[m.segment_index])
        planned = m.pending_lines.pop(0)
        kind: ActionKind = "announce_deal" if planned["kind"] == "announce_deal" else "say"
        self._say(
            now, actions, planned["text"], kind=kind, reason=planned["reason"], product_id=m.current
        )
        return True

    def _title(self, pid: int) -> str:
        facts = self.facts.get(pid)
        return facts.title if facts is not None and facts.title else self._items[pid].title

    def _segment_lines(self, pid: int, segment: str) -> list[dict[str, str]]:
        m = self._m
        return self._script.segment_lines(
            segment,
            item=self._items[pid],
            facts=self.facts.get(pid),
            title=self._title(pid),
            sold=m.sold.get(pid, 0),
            carted=m.carted.get(pid, 0),
            stock=m.stock.get(pid),
        )

    # -- idle -----------------------------------------------------------------------------------

    def _idle(self, now: float, actions: list[Action]) -> None:
        m = self._m
        if now < m.pause_until:
            return
        line = self._fresh_line("idle", now)
        if line is not None:
            self._say(now, actions, line, reason="idle")
            m.pause_until = m.speech_until + IDLE_GAP_S
            return
        # Nothing fresh to say: stay quiet until the oldest idle line may be said again.
        next_fresh = self._script.next_fresh_at("idle", m.line_said_at)
        duration = round(min(MAX_PAUSE_S, max(1.0, next_fresh - now)), 3)
        m.pause_until = now + duration
        actions.append(Action(kind="pause", reason="nothing_to_say", duration_s=duration))
