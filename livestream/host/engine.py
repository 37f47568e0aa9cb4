"""The live room's host: a pure, deterministic state machine from clock and events to actions.

The Django runner calls `HostEngine.step(now, events)` about twice a second and turns the
returned actions into speech, product cards and moderation of the answer path. The engine
never invents facts: every number it says comes from `ProductFacts` or from events it has
counted this session, and answers to questions are requested from the caller (retrieval and
a grounded text model live outside) rather than made up here.
"""

# Chinese templates use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

STATE_VERSION = 1

SEGMENTS = ("opening", "features", "use_cases", "social_proof", "offer", "call_to_action")
CALL_TO_ACTION = SEGMENTS.index("call_to_action")

WORDS_PER_SECOND_EN = 2.5
CHARS_PER_SECOND_ZH = 4.5
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
MAX_FEATURE_LINES = 5
MAX_USE_CASE_LINES = 3
LOW_STOCK_THRESHOLD = 20

# Bandit rewards: engagement and conversions per minute of airtime, conversions weighted up.
REWARD_COMMENT = 1.0
REWARD_QUESTION = 2.0
REWARD_PER_LIKE = 0.05
REWARD_LIKE_CAP = 2.0
REWARD_GIFT = 2.0
REWARD_ADD_TO_CART = 3.0
REWARD_PURCHASE = 10.0
PRIOR_SHAPE = 1.0
PRIOR_RATE_MIN = 1.0

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


# --- templates -------------------------------------------------------------------------------
# Placeholders are filled only with catalog facts or session counts.

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "disclosure": (
            "Hi everyone, welcome to the room! I'm an AI host, and I'll show you today's "
            "products and answer your questions.",
        ),
        "disclosure_reminder": (
            "A quick reminder: I'm an AI host, and everything I say comes from the store's "
            "product details.",
        ),
        "opening": ("Let's look at {title}.", "Next up is {title}.", "Now showing: {title}."),
        "attribute": ("{name}: {value}.", "The {name} is {value}."),
        "sold": ("{count} already sold during this live.",),
        "carted": ("{count} viewers added it to their cart during this live.",),
        "low_stock": ("Only {stock} left in stock.",),
        "price": ("It's {price}.", "The price is {price}."),
        "deal": (
            "Today it's {price}, down from {compare_at}: that's {pct}% off.",
            "You get it for {price} instead of {compare_at}, {pct}% off.",
        ),
        "call_to_action": (
            "Tap the cart below to get {title}.",
            "If you like {title}, it's in the cart below.",
        ),
        "answer_no_context": ("Good question! I'll check with the team and come back to you.",),
        "answer_sold_out": ("That one is sold out right now, but stay for what's next!",),
        "thank": ("Thank you {names} for the likes and gifts!",),
        "thank_more": ("Thank you {names} and everyone else for the likes and gifts!",),
        "ack_purchase": (
            "Thank you for ordering {title}!",
            "Someone just ordered {title}, thank you!",
        ),
        "ack_purchase_untitled": ("Thank you for your order!",),
        "chatter": (
            "I love seeing the chat so lively, keep the comments coming!",
            "Thanks for chatting with me; ask me anything about the products.",
            "Great to see so many of you here today!",
        ),
        "idle": (
            "Drop a question in the chat and I'll answer it.",
            "Tap the cart to see everything in today's lineup.",
            "Follow the room so you don't miss the next product.",
            "I'm an AI host, so ask me anything about the products.",
            "Curious about sizes or materials? Just ask.",
            "Share the room with a friend who might like these products.",
            "Tell me in the chat which product you'd like to see next.",
            "Every answer I give comes from the store's product details.",
            "New here? Welcome! Have a look around.",
            "I'm happy to go over any product again, just ask.",
            "Thanks for hanging out in the room today.",
            "If something is unclear, type your question and I'll help.",
        ),
    },
    "zh-CN": {
        "disclosure": (
            "大家好，欢迎来到直播间！我是AI主播，带大家看今天的商品，也会回答大家的问题。",
        ),
        "disclosure_reminder": ("提醒一下：我是AI主播，我说的内容都来自店铺的商品信息。",),
        "opening": ("我们来看{title}。", "接下来是{title}。", "现在给大家介绍{title}。"),
        "attribute": ("{name}：{value}。", "{name}是{value}。"),
        "sold": ("这场直播已经卖出{count}件。",),
        "carted": ("这场直播已有{count}位朋友加入购物车。",),
        "low_stock": ("库存只剩{stock}件。",),
        "price": ("价格是{price}。", "到手价{price}。"),
        "deal": (
            "今天只要{price}，原价{compare_at}，优惠{pct}%。",
            "原价{compare_at}，今天{price}，便宜{pct}%。",
        ),
        "call_to_action": ("喜欢的话点下方购物车就能买{title}。", "点购物车，{title}就在里面。"),
        "answer_no_context": ("好问题！我去问一下团队，稍后回复你。",),
        "answer_sold_out": ("这款暂时卖完了，后面还有好东西，别走开！",),
        "thank": ("谢谢{names}的点赞和礼物！",),
        "thank_more": ("谢谢{names}和所有朋友的点赞和礼物！",),
        "ack_purchase": ("感谢下单{title}！", "有朋友刚刚下单了{title}，谢谢！"),
        "ack_purchase_untitled": ("感谢你的订单！",),
        "chatter": (
            "评论区好热闹，大家继续聊！",
            "谢谢大家的留言，有关商品的问题尽管问。",
            "欢迎这么多朋友来到直播间！",
        ),
        "idle": (
            "有问题可以发在评论区，我来回答。",
            "点购物车可以看到今天所有的商品。",
            "关注直播间，不错过下一款商品。",
            "我是AI主播，商品相关的问题都可以问我。",
            "想了解尺寸或材质？直接问就好。",
            "喜欢的话，把直播间分享给朋友吧。",
            "想看哪一款，在评论区告诉我。",
            "我的回答都来自店铺的商品信息。",
            "新来的朋友欢迎你！随便看看。",
            "哪款商品想再听一遍，告诉我就行。",
            "谢谢大家今天来直播间。",
            "有不清楚的地方，发个问题我来帮你。",
        ),
    },
}
NAME_JOINERS = {"en": (", ", " and "), "zh-CN": ("、", "和")}
CURRENCY_SYMBOLS = {"USD": "$", "CNY": "¥", "RMB": "¥", "EUR": "€", "GBP": "£", "JPY": "¥"}

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z0-9']+")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
STOPWORDS = frozenset(
    {"the", "and", "for", "with", "this", "that", "set", "pack", "new", "one", "of", "in"}
)


def speaking_seconds(text: str) -> float:
    """Estimated time to say `text`: ~2.5 English words and ~4.5 Chinese characters a second."""
    cjk = len(CJK_CHAR.findall(text))
    words = len(LATIN_WORD.findall(CJK_CHAR.sub(" ", text)))
    return max(0.6, cjk / CHARS_PER_SECOND_ZH + words / WORDS_PER_SECOND_EN)


def format_number(value: Decimal | int) -> str:
    """A catalog number as spoken: no trailing zeros for whole amounts, cents otherwise."""
    amount = Decimal(value)
    if amount == amount.to_integral_value():
        return str(amount.to_integral_value())
    return f"{amount.quantize(Decimal('0.01'))}"


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    if locale == "zh-CN" and currency.upper() in {"CNY", "RMB"}:
        return f"{format_number(amount)}元"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol:
        return f"{symbol}{format_number(amount)}"
    return f"{format_number(amount)} {currency.upper()}"


def deal_percent(facts: ProductFacts) -> int | None:
    """The catalog discount in whole percent (rounded down), or None where there is none."""
    if facts.price is None or facts.compare_at_price is None:
        return None
    price, compare_at = Decimal(facts.price), Decimal(facts.compare_at_price)
    if compare_at <= 0 or price >= compare_at or price < 0:
        return None
    pct = int((compare_at - price) * 100 // compare_at)
    return pct if pct >= 1 else None


def fact_numbers(facts: ProductFacts | None, title: str) -> set[str]:
    """Numbers a sentence about this product may contain, as they appear in the facts."""
    texts = [title]
    if facts is not None:
        texts += [facts.title, *facts.attributes.values(), *facts.attributes.keys()]
        texts += facts.approved_copy
        for amount in (facts.price, facts.compare_at_price, facts.stock):
            if amount is not None:
                texts.append(format_number(amount))
    return {_canonical_number(n) for text in texts for n in NUMBER.findall(str(text))}


def numbers_in(text: str) -> set[str]:
    """The numbers said in ``text``, canonical like those of ``fact_numbers``."""
    return {_canonical_number(n) for n in NUMBER.findall(text)}


def _flag(question: Mapping[str, Any], reason: str) -> Action:
    """A question the host will not get to: the seller's team answers it instead."""
    return Action(
        kind="flag_question",
        text=str(question["text"]),
        reason=reason,
        viewer_ids=(str(question["viewer_id"]),),
    )


def _canonical_number(token: str) -> str:
    text = token.replace(",", ".")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _mentions_banned(text: str, banned_topics: Sequence[str]) -> bool:
    lowered = text.casefold()
    return any(topic.strip() and topic.casefold() in lowered for topic in banned_topics)


@dataclass(frozen=True)
class _ProductIndex:
    """Words that identify a rundown product when a viewer names it."""

    product_id: int
    sku: str
    words: frozenset[str]
    # The title's last word ("mug" in "Ceramic Travel Mug") names the product on its own when
    # no other rundown title shares it; empty when it is shared or missing.
    head: str
    bigrams: frozenset[str]

    @classmethod
    def build_all(cls, rundown: Sequence[RundownItem]) -> list[_ProductIndex]:
        titled = [(item, _title_words(item.title)) for item in rundown]
        heads = [words[-1] if words else "" for _, words in titled]
        return [
            cls(
                product_id=item.product_id,
                sku=item.sku.casefold(),
                words=frozenset(words),
                head=head if heads.count(head) == 1 else "",
                bigrams=frozenset(
                    run[i : i + 2]
                    for run in CJK_RUN.findall(item.title)
                    for i in range(len(run) - 1)
                ),
            )
            for (item, words), head in zip(titled, heads, strict=True)
        ]

    def score(self, text: str) -> float:
        """How clearly `text` names this product: 0 for not at all, 2 for its SKU."""
        lowered = text.casefold()
        sku_pattern = r"(?<![\w-])" + re.escape(self.sku) + r"(?![\w-])"
        if len(self.sku) >= 3 and re.search(sku_pattern, lowered):
            return 2.0
        said = set(LATIN_WORD.findall(lowered))
        said |= {word[:-1] for word in said if word.endswith("s")}  # "mugs" names a mug
        hits = len(self.words & said)
        score = 0.0
        if hits >= 2 or (hits == 1 and (len(self.words) == 1 or self.head in said)):
            score = hits / len(self.words)
        cjk_hits = sum(1 for bigram in self.bigrams if bigram in lowered)
        if self.bigrams and (cjk_hits >= 2 or cjk_hits == len(self.bigrams)):
            score = max(score, cjk_hits / len(self.bigrams))
        return score


class ProductNames:
    """Finds the product a viewer names by SKU or title words, as the engine does for its rundown.

    Public so that answering (``livestream.host.answers``) resolves "the tote bag" exactly as the
    engine does when it switches to a product a question names.
    """

    def __init__(self, items: Sequence[RundownItem]) -> None:
        self._index = _ProductIndex.build_all(items)

    def match(self, text: str) -> int | None:
        best_score, best = 0.0, None
        for index in self._index:
            score = index.score(text)
            if score > best_score:
                best_score, best = score, index.product_id
        return best


def _title_words(title: str) -> list[str]:
    words = [
        word
        for word in LATIN_WORD.findall(title.casefold())
        if len(word) >= 3 and word not in STOPWORDS and not word.isdigit()
    ]
    return list(dict.fromkeys(words))


# --- the engine ------------------------------------------------------------------------------


@dataclass
class _Memory:
    """Everything that changes while the room runs; what `to_state` saves."""

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


_INT_KEYED = ("purchase_acks", "stock", "sold", "carted", "reward", "airtime_s", "pitches")


class HostEngine:
    """The synthetic host of one live room."""

    def __init__(
        self,
        rundown: Sequence[RundownItem],
        policy: Policy,
        facts_by_product: Mapping[int, ProductFacts],
        seed: int,
        *,
        locale: str = "en",
    ) -> None:
        if locale not in TEMPLATES:
            raise ValueError(f"unsupported locale {locale!r}; choose one of {sorted(TEMPLATES)}")
        self.rundown = list(rundown)
        self.policy = policy
        self.facts = dict(facts_by_product)
        self.locale = locale
        self._items = {item.product_id: item for item in self.rundown}
        self._index = _ProductIndex.build_all(self.rundown)
        self._max_discount = Decimal(str(policy.max_discount_pct))
        self._rng = random.Random(seed)  # noqa: S311 - reproducible choices, not security
        self._m = _Memory()
        for item in self.rundown:
            facts = self.facts.get(item.product_id)
            stock = facts.stock if facts is not None else None
            self._m.stock[item.product_id] = stock
            if not item.in_stock or stock == 0:
                self._m.out_of_stock.append(item.product_id)

    # -- persistence --------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """JSON-serializable state; `from_state` with it continues exactly where this left off."""
        memory = asdict(self._m)
        for name in _INT_KEYED:
            memory[name] = {str(key): value for key, value in memory[name].items()}
        version, internal, gauss = self._rng.getstate()
        if memory["last_thanks_at"] == -math.inf:
            memory["last_thanks_at"] = None
        return {
            "version": STATE_VERSION,
            "locale": self.locale,
            "rng": [version, list(internal), gauss],
            "memory": memory,
        }

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        rundown: Sequence[RundownItem],
        policy: Policy,
        facts_by_product: Mapping[int, ProductFacts],
    ) -> HostEngine:
        """Rebuild an engine saved by `to_state`, with the room's current rundown and policy."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported host state version {state.get('version')!r}")
        engine = cls(rundown, policy, facts_by_product, seed=0, locale=state["locale"])
        version, internal, gauss = state["rng"]
        engine._rng.setstate((version, tuple(internal), gauss))
        memory = dict(state["memory"])
        for name in _INT_KEYED:
            memory[name] = {int(key): value for key, value in memory[name].items()}
        if memory["last_thanks_at"] is None:
            memory["last_thanks_at"] = -math.inf
        fresh = engine._m
        engine._m = _Memory(**memory)
        engine._adopt_rundown(fresh)
        return engine

    def _adopt_rundown(self, fresh: _Memory) -> None:
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
            if _mentions_banned(event.text, self.policy.banned_topics):
                return
            self._credit(m.current, REWARD_QUESTION)
            m.questions.append({"viewer_id": event.viewer_id, "text": event.text, "at": now})
            for dropped in m.questions[:-MAX_PENDING_QUESTIONS]:
                actions.append(_flag(dropped, "overflow"))
            del m.questions[:-MAX_PENDING_QUESTIONS]
        elif isinstance(event, Comment):
            self._credit(m.current, REWARD_COMMENT)
            m.comments_since_ack += 1
        elif isinstance(event, Like):
            self._credit(m.current, min(REWARD_LIKE_CAP, REWARD_PER_LIKE * max(0, event.count)))
            self._note_thanks(event.viewer_id, float(max(0, event.count)), now)
        elif isinstance(event, Gift):
            self._credit(m.current, REWARD_GIFT)
            # A gift outweighs any number of likes when choosing whom to name.
            self._note_thanks(event.viewer_id, 1000.0 + max(0.0, event.value), now)
        elif isinstance(event, AddToCart):
            if event.product_id in self._items:
                self._credit(event.product_id, REWARD_ADD_TO_CART)
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
        self._credit(pid, REWARD_PURCHASE * event.quantity)
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
        duration = round(speaking_seconds(text), 3)
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
        variants = TEMPLATES[self.locale][key]
        text = (variants[0] if len(variants) == 1 else self._rng.choice(variants)).format(**values)
        return text[:1].upper() + text[1:]  # "material: cotton" opens a sentence

    def _fresh_line(self, key: str, now: float) -> str | None:
        """A line from a pool not said within the policy's repeat window, or None."""
        window = self.policy.idle_repeat_window_s
        said = self._m.line_said_at
        fresh = [
            line
            for line in TEMPLATES[self.locale][key]
            if now - said.get(line, -math.inf) >= window
        ]
        if not fresh:
            return None
        line = self._rng.choice(fresh)
        said[line] = now
        return line

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
        if m.current is None:
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
        best_score, best = 0.0, None
        for index in self._index:
            score = index.score(text)
            if score > best_score:
                best_score, best = score, index.product_id
        return best

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
        comma, last = NAME_JOINERS[self.locale]
        if more or len(named) == 1:
            names = comma.join(named)  # "A, B, C and everyone else" comes from the template
        else:
            names = comma.join(named[:-1]) + last + named[-1]
        text = self._template("thank_more" if more else "thank", names=names)
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
        """Unseen products in rundown order first, then Thompson sampling on reward per minute."""
        eligible = self._eligible()
        if not eligible:
            return None
        unseen = [pid for pid in eligible if self._m.pitches.get(pid, 0) == 0 and pid != exclude]
        if unseen:
            return unseen[0]
        candidates = [pid for pid in eligible if pid != exclude] or eligible
        best, best_draw = candidates[0], -1.0
        for pid in candidates:
            # Gamma-Poisson posterior over the reward rate per minute of airtime.
            shape = PRIOR_SHAPE + self._m.reward.get(pid, 0.0)
            rate = PRIOR_RATE_MIN + self._m.airtime_s.get(pid, 0.0) / 60.0
            draw = self._rng.gammavariate(shape, 1.0 / rate)
            if draw > best_draw:
                best, best_draw = pid, draw
        return best

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
        """The sentences of one segment, built from facts and talking points only."""
        item = self._items[pid]
        facts = self.facts.get(pid)
        title = self._title(pid)
        lines: list[tuple[str, str]] = []
        if segment == "opening":
            lines.append(("say", self._template("opening", title=title)))
        elif segment == "features":
            if facts is not None:
                for name, value in list(facts.attributes.items())[:MAX_FEATURE_LINES]:
                    name_text = str(name).replace("_", " ")
                    lines.append(
                        ("say", self._template("attribute", name=name_text, value=str(value)))
                    )
            allowed = fact_numbers(facts, item.title)
            for point in item.talking_points:
                # Seller talking points are said only when every number in them is a catalog fact.
                numbers = {_canonical_number(n) for n in NUMBER.findall(point)}
                if point.strip() and numbers <= allowed:
                    lines.append(("say", point.strip()))
        elif segment == "use_cases":
            if facts is not None:
                copy_numbers = self._copy_numbers(facts, item.title)
                speakable = [
                    text.strip()
                    for text in facts.approved_copy
                    if text.strip() and numbers_in(text) <= copy_numbers
                ]
                lines += [("say", text) for text in speakable[:MAX_USE_CASE_LINES]]
        elif segment == "social_proof":
            lines += self._social_proof_lines(pid, facts)
        elif segment == "offer":
            lines += self._offer_lines(facts)
        elif segment == "call_to_action":
            lines.append(("say", self._template("call_to_action", title=title)))
        banned = self.policy.banned_topics
        return [
            {"kind": kind, "text": text, "reason": segment}
            for kind, text in lines
            if text and not _mentions_banned(text, banned)
        ]

    def _social_proof_lines(self, pid: int, facts: ProductFacts | None) -> list[tuple[str, str]]:
        # Only what the catalog and this session's counted events show, never invented reviews.
        lines: list[tuple[str, str]] = []
        sold = self._m.sold.get(pid, 0)
        if sold > 0:
            lines.append(("say", self._template("sold", count=str(sold))))
        carted = self._m.carted.get(pid, 0)
        if carted > 1:
            lines.append(("say", self._template("carted", count=str(carted))))
        stock = self._m.stock.get(pid)
        if stock is not None and 0 < stock <= LOW_STOCK_THRESHOLD:
            lines.append(("say", self._template("low_stock", stock=str(stock))))
        return lines

    def _copy_numbers(self, facts: ProductFacts, title: str) -> set[str]:
        """Numbers approved copy may say on air: the catalog's, and a deal's only within the
        room's policy. Copy was approved for the product, not for this room's discount limit,
        and it may be older than the catalog's prices."""
        allowed = fact_numbers(replace(facts, approved_copy=[]), title)
        pct = deal_percent(facts)
        if pct is None or facts.price is None or facts.compare_at_price is None:
            return allowed
        compare_at = Decimal(facts.compare_at_price)
        exact_pct = (compare_at - Decimal(facts.price)) * 100 / compare_at
        if exact_pct <= self._max_discount:  # as the offer segment decides
            rounded = exact_pct.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            return allowed | {str(pct), str(rounded)}
        return allowed - {_canonical_number(format_number(compare_at))}

    def _offer_lines(self, facts: ProductFacts | None) -> list[tuple[str, str]]:
        if facts is None or facts.price is None:
            return []
        price = format_money(Decimal(facts.price), facts.currency, self.locale)
        pct = deal_percent(facts)
        if pct is not None and facts.compare_at_price is not None:
            compare_at = Decimal(facts.compare_at_price)
            exact_pct = (compare_at - Decimal(facts.price)) * 100 / compare_at
            # The real discount, not just its rounded-down figure, must sit within the policy.
            if exact_pct <= self._max_discount:
                compare_text = format_money(compare_at, facts.currency, self.locale)
                text = self._template("deal", price=price, compare_at=compare_text, pct=str(pct))
                return [("announce_deal", text)]
        return [("say", self._template("price", price=price))]

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
        window = self.policy.idle_repeat_window_s
        said = m.line_said_at
        next_fresh = min(
            said.get(line, -math.inf) + window for line in TEMPLATES[self.locale]["idle"]
        )
        duration = round(min(MAX_PAUSE_S, max(1.0, next_fresh - now)), 3)
        m.pause_until = now + duration
        actions.append(Action(kind="pause", reason="nothing_to_say", duration_s=duration))
